/* SPDX-License-Identifier: MIT */
/*
 * The cloud-init NoCloud seed: user-data and meta-data (and optional
 * network-config) on an ISO 9660 volume labelled "cidata", written with
 * libisofs, not by shelling out to cloud-localds/genisoimage.
 * cloud-init docs, datasources/nocloud: a vfat or iso9660 filesystem
 * labelled cidata or CIDATA holding /user-data and /meta-data (both
 * required), optional /network-config and /vendor-data.  Reference:
 * launch-and-host.md §5.  The seed is not measured: a host can read it.
 */
#define LIBISOFS_WITHOUT_LIBBURN 1

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>
#include <string.h>
#include <unistd.h>

#include <libisofs/libisofs.h>

#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "cvm/vm.h"
#include "iso-dl.h"
#include "vm-priv.h"

#define ISO_BLOCK 2048

/* ---- the texts ---------------------------------------------------------- */

/* A YAML double-quoted scalar (YAML 1.2 §7.3.1): escape \ and ". */
static void
yaml_quoted(struct cvm_buf *b, const char *s, size_t n)
{
	cvm_buf_addch(b, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			cvm_buf_addch(b, '\\');
		cvm_buf_addch(b, s[i]);
	}
	cvm_buf_addch(b, '"');
}

static bool
starts(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && memcmp(s, prefix, k) == 0;
}

/* An OpenSSH public key line: "TYPE BASE64 [comment]" (sshd(8),
 * AUTHORIZED_KEYS FILE FORMAT, without options). */
static bool
ssh_key_line(const char *s, size_t n)
{
	static const char *const types[] = {"ssh-", "ecdsa-sha2-", "sk-ssh-",
					    "sk-ecdsa-sha2-"};

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t')
			return false;
	for (size_t i = 0; i < CVM_ARRAY_SIZE(types); i++)
		if (starts(s, n, types[i]) && memchr(s, ' ', n))
			return true;
	return false;
}

/* Append "ssh_authorized_keys:" with every key line of `keys`. */
static int
add_keys(struct cvm_buf *ud, const char *keys, struct cvm_err *err)
{
	const char *p = keys;
	size_t nkeys = 0;

	cvm_buf_adds(ud, "ssh_authorized_keys:\n");
	while (*p) {
		size_t n = strcspn(p, "\n");
		size_t m = n;

		while (m && (p[m - 1] == '\r' || p[m - 1] == ' '))
			m--;
		if (m && p[0] != '#') {
			if (!ssh_key_line(p, m))
				return cvm_err_set(
					err, -CVM_E_USAGE,
					"'%.40s' is not an OpenSSH public key "
					"(a line like 'ssh-ed25519 AAAA... "
					"user@host')",
					p);
			cvm_buf_adds(ud, "  - ");
			yaml_quoted(ud, p, m);
			cvm_buf_addch(ud, '\n');
			nkeys++;
		}
		p += n + (p[n] == '\n');
	}
	if (!nkeys)
		return cvm_err_set(err, -CVM_E_USAGE, "no public key in it");
	return 0;
}

/* Does the #cloud-config document `ud` have a top-level `key`? */
static bool
has_top_key(const char *ud, const char *key)
{
	size_t k = strlen(key);

	for (const char *p = ud; p; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (!strncmp(p, key, k) && (p[k] == ':' || p[k] == ' '))
			return true;
	}
	return false;
}

int
cvm_vm_seed_texts(const struct cvm_vm_seed *s, struct cvm_buf *ud,
		  struct cvm_buf *md, struct cvm_err *err)
{
	const char *user = s->user_data ? s->user_data : "#cloud-config\n";
	int r;

	cvm_buf_truncate(ud, 0);
	cvm_buf_truncate(md, 0);
	cvm_buf_adds(ud, user);
	if (s->ssh_key) {
		/* cloud-init merges nothing into a script or MIME part:
		 * the keys need a #cloud-config document of our own */
		if (strncmp(user, "#cloud-config", 13) != 0)
			return cvm_err_set(err, -CVM_E_USAGE,
					   "an ssh key needs #cloud-config "
					   "user-data (this user-data starts "
					   "otherwise): add the key to it "
					   "yourself");
		if (has_top_key(user, "ssh_authorized_keys"))
			return cvm_err_set(err, -CVM_E_USAGE,
					   "the user-data already has "
					   "ssh_authorized_keys: add the key "
					   "there");
		if (ud->len && ud->data[ud->len - 1] != '\n')
			cvm_buf_addch(ud, '\n');
		if ((r = add_keys(ud, s->ssh_key, err)) < 0)
			return r;
	}
	cvm_buf_adds(md, "instance-id: ");
	yaml_quoted(md, s->instance_id, strlen(s->instance_id));
	cvm_buf_adds(md, "\nlocal-hostname: ");
	yaml_quoted(md, s->hostname, strlen(s->hostname));
	cvm_buf_addch(md, '\n');
	return 0;
}

/* ---- the ISO ------------------------------------------------------------ */

static int
iso_fail(struct cvm_err *err, int code, const char *what)
{
	return cvm_err_set(err, -EIO, "libisofs: %s: %s", what,
			   iso_error_to_msg(code));
}

static int
add_file(IsoImage *img, const char *name, const char *text, struct cvm_err *err)
{
	size_t n = strlen(text);
	unsigned char *copy = cvm_xmalloc(n ? n : 1);
	IsoStream *st = NULL;
	int r;

	memcpy(copy, text, n);
	r = iso_memory_stream_new(copy, n, &st); /* owns `copy` now */
	if (r < 0) {
		free(copy);
		return iso_fail(err, r, name);
	}
	r = iso_image_add_new_file(img, iso_image_get_root(img), name, st,
				   NULL);
	if (r < 0) {
		iso_stream_unref(st);
		return iso_fail(err, r, name);
	}
	return 0;
}

/* Pull the image out of libisofs' writer and into `fd`. */
static int
write_image(IsoImage *img, IsoWriteOpts *o, int fd, struct cvm_err *err)
{
	struct burn_source *bs = NULL;
	unsigned char buf[ISO_BLOCK];
	int r, n;

	r = iso_image_create_burn_source(img, o, &bs);
	if (r < 0)
		return iso_fail(err, r, "create the image");
	r = 0;
	while ((n = bs->read_xt(bs, buf, ISO_BLOCK)) > 0)
		if (r == 0 && write(fd, buf, (size_t)n) != n)
			r = cvm_err_set(err, -EIO, "write the seed: %s",
					strerror(errno ? errno : EIO));
	if (r == 0 && n < 0)
		r = cvm_err_set(err, -EIO, "libisofs could not write the seed");
	bs->free_data(bs);
	free(bs);
	return r;
}

static int
build(IsoImage *img, const struct cvm_vm_seed *s, int fd, struct cvm_err *err)
{
	cleanup_buf struct cvm_buf ud = CVM_BUF_INIT;
	cleanup_buf struct cvm_buf md = CVM_BUF_INIT;
	IsoWriteOpts *o = NULL;
	int r;

	if ((r = cvm_vm_seed_texts(s, &ud, &md, err)) < 0 ||
	    (r = add_file(img, "user-data", cvm_buf_str(&ud), err)) < 0 ||
	    (r = add_file(img, "meta-data", cvm_buf_str(&md), err)) < 0 ||
	    (s->network_config &&
	     (r = add_file(img, "network-config", s->network_config, err)) < 0))
		return r;
	/* profile 2: Rock Ridge and Joliet (genisoimage -joliet -rock, as
	 * cloud-localds does); relaxed volume attributes keep the label in
	 * lower case (launch-and-host.md §5) */
	if ((r = iso_write_opts_new(&o, 2)) < 0)
		return iso_fail(err, r, "write options");
	iso_write_opts_set_relaxed_vol_atts(o, 1);
	r = write_image(img, o, fd, err);
	iso_write_opts_free(o);
	return r;
}

int
cvm_vm_seed_write(const char *path, const struct cvm_vm_seed *s,
		  struct cvm_err *err)
{
	cleanup_close int fd = -1;
	IsoImage *img = NULL;
	char never[] = "NEVER", id[] = "cvm";
	int r;

	if ((r = iso_dl_load(err)) < 0)
		return r;
	if ((r = iso_init()) < 0)
		return iso_fail(err, r, "init");
	/* the library never prints: keep libisofs quiet too (the API
	 * takes non-const strings) */
	iso_set_msgs_severities(never, never, id);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		r = cvm_err_set(err, -errno, "create '%s': %s", path,
				strerror(errno));
	} else if ((r = iso_image_new("cidata", &img)) < 0) {
		r = iso_fail(err, r, "new image");
	} else {
		r = build(img, s, fd, err);
		iso_image_unref(img);
	}
	if (r == 0 && fsync(fd) < 0)
		r = cvm_err_set(err, -errno, "write '%s': %s", path,
				strerror(errno));
	iso_finish();
	if (r < 0 && fd >= 0)
		unlink(path);
	return r;
}
