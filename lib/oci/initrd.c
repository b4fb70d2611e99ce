/* SPDX-License-Identifier: MIT */
/*
 * The guest's initramfs (cpio newc, lib/linuxguest): the agent as /init,
 * its spec at /.cvm/spec (oci-proto.h), the container's rootfs below
 * /ctr and the bind-mounted files and folders copied to their
 * destinations (later entries replace earlier ones when the kernel
 * unpacks, so a bind over an image file wins).  The image's files and
 * the bind copies keep their owners (uid/gid as on the host, as runc
 * shows them); cvm's own entries are owned by 0.  The cpio writer gives
 * every entry mtime 0 and inode numbers in order, and trees are walked
 * sorted, so the archive is a function of its inputs: with SNP and
 * measured direct boot its hash, and so the launch digest, commits to
 * the rootfs (contents, modes and owners), the process and the agent.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cvm/cleanup.h"
#include "cvm/linuxguest.h"
#include "cvm/oci.h"
#include "cvm/util.h"
#include "oci-proto.h"

extern const uint8_t _binary_cvm_agent_start[], _binary_cvm_agent_end[];

const uint8_t *
cvm_oci_agent(size_t *len)
{
	*len = (size_t)(_binary_cvm_agent_end - _binary_cvm_agent_start);
	return _binary_cvm_agent_start;
}

static void
rec(struct cvm_buf *b, const char *name, int n, ...)
{
	va_list ap;

	cvm_buf_add(b, name, strlen(name) + 1);
	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		const char *s = va_arg(ap, const char *);

		cvm_buf_add(b, s, strlen(s) + 1);
	}
	va_end(ap);
}

static void
rec_u(struct cvm_buf *b, const char *name, unsigned long a, unsigned long c,
      int n)
{
	char x[24], y[24];

	snprintf(x, sizeof(x), "%lu", a);
	snprintf(y, sizeof(y), "%lu", c);
	if (n == 1)
		rec(b, name, 1, x);
	else
		rec(b, name, 2, x, y);
}

void
cvm_oci_spec_encode(const struct cvm_oci_spec *s, struct cvm_buf *b)
{
	char num[24];

	rec(b, "cvm-spec", 1, CVM_SPEC_VERSION);
	rec(b, "mode", 1, "run");
	for (size_t i = 0; i < s->nargs; i++)
		rec(b, "arg", 1, s->args[i]);
	for (size_t i = 0; i < s->nenv; i++)
		rec(b, "env", 1, s->env[i]);
	rec(b, "cwd", 1, s->cwd);
	rec_u(b, "user", s->uid, s->gid, 2);
	for (size_t i = 0; i < s->ngids; i++)
		rec_u(b, "group", s->gids[i], 0, 1);
	if (s->has_umask) {
		snprintf(num, sizeof(num), "%o", (unsigned)s->umask);
		rec(b, "umask", 1, num);
	}
	if (s->hostname)
		rec(b, "hostname", 1, s->hostname);
	if (s->terminal)
		rec(b, "terminal", 0);
	if (s->console_rows && s->console_cols)
		rec_u(b, "console", s->console_rows, s->console_cols, 2);
	if (s->root_readonly)
		rec(b, "rootro", 0);
	for (size_t i = 0; i < s->nmounts; i++) {
		const struct cvm_oci_mount *m = &s->mounts[i];

		if (m->kind == CVM_OCI_MOUNT_COPY_FILE ||
		    m->kind == CVM_OCI_MOUNT_COPY_DIR)
			continue;
		snprintf(num, sizeof(num), "%lu", m->flags);
		rec(b, "mount", 4, m->type, m->destination, num, m->data);
		if (m->kind == CVM_OCI_MOUNT_DEV)
			rec(b, "devices", 0);
	}
}

/* The agent, its spec and the folders it mounts on. */
static int
write_base(struct cvm_cpio *c, const struct cvm_buf *spec, struct cvm_err *err)
{
	size_t alen;
	const uint8_t *agent = cvm_oci_agent(&alen);
	int r;

	if ((r = cvm_cpio_add_dir(c, ".cvm", 0700, err)) < 0 ||
	    (r = cvm_cpio_add_file(c, ".cvm/spec", 0600, spec->data, spec->len,
				   err)) < 0 ||
	    (r = cvm_cpio_add_dir(c, "dev", 0755, err)) < 0 ||
	    (r = cvm_cpio_add_file(c, "init", 0755, agent, alen, err)) < 0 ||
	    (r = cvm_cpio_add_dir(c, "proc", 0555, err)) < 0)
		return r;
	return 0;
}

/* Directory entries for every parent of `name` ("ctr/etc/hosts" adds
 * "ctr/etc"); an entry for an existing folder changes nothing. */
static int
add_parents(struct cvm_cpio *c, const char *name, struct cvm_err *err)
{
	cleanup_free char *p = cvm_xstrdup(name);
	int r;

	for (char *s = strchr(p + 4, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if ((r = cvm_cpio_add_dir(c, p, 0755, err)) < 0)
			return r;
		*s = '/';
	}
	return 0;
}

static int
write_copies(struct cvm_cpio *c, const struct cvm_oci_spec *s,
	     struct cvm_err *err)
{
	for (size_t i = 0; i < s->nmounts; i++) {
		const struct cvm_oci_mount *m = &s->mounts[i];
		cleanup_free char *name = NULL;
		struct stat st;
		int r;

		if (m->kind != CVM_OCI_MOUNT_COPY_FILE &&
		    m->kind != CVM_OCI_MOUNT_COPY_DIR)
			continue;
		name = cvm_xasprintf(CVM_SPEC_ROOT "%s", m->destination);
		if ((r = add_parents(c, name + 1, err)) < 0)
			return r;
		if (m->kind == CVM_OCI_MOUNT_COPY_FILE) {
			r = cvm_cpio_add_path(c, name + 1, m->source, err);
		} else if (stat(m->source, &st) < 0) {
			r = cvm_err_set(err, -errno, "bind source '%s': %s",
					m->source, strerror(errno));
		} else if ((r = cvm_cpio_add_dir(c, name + 1, st.st_mode,
						 err)) == 0) {
			r = cvm_cpio_add_tree(c, name + 1, m->source, err);
		}
		if (r < 0)
			return cvm_err_prefix(err, "mount '%s'",
					      m->destination);
	}
	return 0;
}

int
cvm_oci_initrd_write(const struct cvm_oci_spec *s, int fd, struct cvm_err *err)
{
	cleanup_buf struct cvm_buf spec = CVM_BUF_INIT;
	struct cvm_cpio c;
	struct stat st;
	int r;

	cvm_oci_spec_encode(s, &spec);
	cvm_cpio_init(&c, fd);
	c.keep_owners = true; /* the image's files keep their owners */
	if ((r = write_base(&c, &spec, err)) < 0)
		return r;
	if (stat(s->root_path, &st) < 0)
		return cvm_err_set(err, -errno, "rootfs '%s': %s", s->root_path,
				   strerror(errno));
	/* CVM_SPEC_ROOT without its leading slash: cpio names are relative */
	if ((r = cvm_cpio_add_dir(&c, &CVM_SPEC_ROOT[1], st.st_mode, err)) <
		    0 ||
	    (r = cvm_cpio_add_tree(&c, &CVM_SPEC_ROOT[1], s->root_path, err)) <
		    0)
		return cvm_err_prefix(err, "rootfs '%s'", s->root_path);
	if ((r = write_copies(&c, s, err)) < 0)
		return r;
	return cvm_cpio_finish(&c, err);
}

int
cvm_oci_initrd_write_scrape(int fd, struct cvm_err *err)
{
	cleanup_buf struct cvm_buf spec = CVM_BUF_INIT;
	struct cvm_cpio c;
	int r;

	rec(&spec, "cvm-spec", 1, CVM_SPEC_VERSION);
	rec(&spec, "mode", 1, "scrape");
	cvm_cpio_init(&c, fd);
	if ((r = write_base(&c, &spec, err)) < 0)
		return r;
	return cvm_cpio_finish(&c, err);
}
