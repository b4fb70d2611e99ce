/* SPDX-License-Identifier: MIT */
/*
 * Fetch an SNP attestation report from inside a Linux SNP guest:
 * configfs-tsm first (Linux >= 6.7, Documentation/ABI/testing/
 * configfs-tsm), else the /dev/sev-guest ioctls (include/uapi/linux/
 * sev-guest.h).  All system calls go through struct cvm_attest_sys_ops
 * so the unit tests can play the kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "attest-priv.h"
#include "cvm/buf.h"
#include "cvm/cleanup.h"
#include "cvm/util.h"

/* Own copies of the Linux UAPI (include/uapi/linux/sev-guest.h). */
struct snp_report_req {
	uint8_t user_data[64];
	uint32_t vmpl;
	uint8_t rsvd[28];
};
struct snp_ext_report_req {
	struct snp_report_req data;
	uint64_t certs_address;
	uint32_t certs_len;
};
struct snp_guest_request_ioctl {
	uint8_t msg_version;
	uint64_t req_data;
	uint64_t resp_data;
	uint64_t exitinfo2; /* fw_error in bits 31:0, vmm_error in 63:32 */
};
_Static_assert(sizeof(struct snp_report_req) == 96, "snp_report_req");
_Static_assert(sizeof(struct snp_ext_report_req) == 112, "snp_ext_report_req");
_Static_assert(sizeof(struct snp_guest_request_ioctl) == 32,
	       "snp_guest_request_ioctl");

#define SNP_GET_REPORT		_IOWR('S', 0x0, struct snp_guest_request_ioctl)
#define SNP_GET_EXT_REPORT	_IOWR('S', 0x2, struct snp_guest_request_ioctl)
#define SNP_RESP_SIZE		4000
#define SNP_VMM_ERR_INVALID_LEN 1
/* certificate buffer: Linux's SEV_FW_BLOB_MAX_SIZE first, page-aligned */
#define SNP_CERTS_FIRST 0x4000
#define SNP_CERTS_MAX	0x10000

/* SNP ABI MSG_REPORT_RSP: STATUS, REPORT_SIZE, reserved, REPORT at 0x20 */
enum { RSP_STATUS = 0, RSP_SIZE = 4, RSP_REPORT = 0x20 };

static const struct {
	const char *guid; /* GHCB spec, certificate table GUIDs */
	const char *name;
} cert_guids[] = {
	{"63da758d-e664-4564-adc5-f4b93be8accd", "vcek"},
	{"a8074bc2-a25a-483e-aae6-39c045a0b8a1", "vlek"},
	{"4ab7b379-bbac-4fe4-a02f-05aef327c782", "ask"},
	{"c0b406a4-a803-4952-9743-3fb6014cd0ae", "ark"},
};

static void
guid_text(const uint8_t g[16], char out[37])
{
	char h[33];

	cvm_hex_encode(g, 16, h);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16,
		 h + 20);
}

static const char *
guid_name(const uint8_t g[16])
{
	char t[37];

	guid_text(g, t);
	for (size_t i = 0; i < CVM_ARRAY_SIZE(cert_guids); i++)
		if (strcmp(t, cert_guids[i].guid) == 0)
			return cert_guids[i].name;
	return NULL;
}

/* Validate the table; the number of entries, or a negative error. */
static int
table_check(const uint8_t *p, size_t len, size_t max, size_t *n,
	    struct cvm_err *err)
{
	static const uint8_t zero[24];
	size_t cnt = 0;

	for (size_t off = 0;; off += 24, cnt++) {
		uint32_t o, l;

		if (off + 24 > len)
			return cvm_err_set(err, -CVM_E_PARSE,
					   "certificate table has no "
					   "terminating entry");
		if (memcmp(p + off, zero, 24) == 0)
			break;
		o = cvm_le32(p + off + 16);
		l = cvm_le32(p + off + 20);
		if (o > len || l > len - o || l == 0)
			return cvm_err_set(err, -CVM_E_PARSE,
					   "certificate table entry %zu "
					   "(offset %u, length %u) is outside "
					   "the %zu-byte blob",
					   cnt, o, l, len);
		if (cnt == max)
			return cvm_err_set(err, -CVM_E_PARSE,
					   "certificate table has more than "
					   "%zu entries",
					   max);
	}
	*n = cnt;
	return 0;
}

int
cvm_attest_cert_table_parse(const uint8_t *p, size_t len,
			    struct cvm_attest_hostcert *out, size_t max,
			    size_t *n, struct cvm_err *err)
{
	size_t cnt = 0;
	int r = table_check(p, len, max, &cnt, err);

	if (r < 0)
		return r;
	for (size_t i = 0; i < cnt; i++) {
		const uint8_t *e = p + 24 * i;
		uint32_t o = cvm_le32(e + 16), l = cvm_le32(e + 20);

		memcpy(out[i].guid, e, 16);
		out[i].name = guid_name(e);
		out[i].data = cvm_xmalloc(l);
		memcpy(out[i].data, p + o, l);
		out[i].len = l;
	}
	*n = cnt;
	return 0;
}

void
cvm_attest_fetched_release(struct cvm_attest_fetched *f)
{
	for (size_t i = 0; i < f->ncerts; i++)
		free(f->certs[i].data);
	f->ncerts = 0;
}

static int
take_certs(const uint8_t *p, size_t len, struct cvm_attest_fetched *out,
	   struct cvm_err *err)
{
	if (!len || (len >= 24 && !memcmp(p, (uint8_t[24]){0}, 24)))
		return 0;
	return cvm_attest_cert_table_parse(p, len, out->certs,
					   CVM_ATTEST_MAX_HOSTCERTS,
					   &out->ncerts, err);
}

/* ---- configfs-tsm ---- */

static int
tsm_read_u64(const struct cvm_attest_sys_ops *ops, const char *path,
	     uint64_t *v)
{
	cleanup_free uint8_t *b = NULL;
	char text[32];
	size_t len = 0;
	int r = ops->read_file(ops->opaque, path, &b, &len);

	if (r < 0)
		return r;
	snprintf(text, sizeof(text), "%.*s", (int)len, (const char *)b);
	text[strcspn(text, "\n")] = '\0';
	return cvm_parse_u64(text, v);
}

static int
tsm_sys(const char *what, const char *path, int r, struct cvm_err *err)
{
	return cvm_err_set(err, r == -ENOENT ? -CVM_E_HOST : r,
			   "configfs-tsm: %s '%s': %s", what, path,
			   strerror(-r));
}

static int
tsm_provider(const struct cvm_attest_sys_ops *ops, const char *entry,
	     struct cvm_err *err)
{
	cleanup_free char *path = cvm_xasprintf("%s/provider", entry);
	cleanup_free uint8_t *b = NULL;
	char name[64];
	size_t len = 0;
	int r = ops->read_file(ops->opaque, path, &b, &len);

	if (r < 0)
		return cvm_err_set(err, -CVM_E_HOST,
				   "configfs-tsm has no provider ('%s': %s): "
				   "this is not a confidential guest, or its "
				   "driver is not loaded",
				   path, strerror(-r));
	/* the buffer is not NUL-terminated: copy the first line */
	snprintf(name, sizeof(name), "%.*s", (int)(len < 63 ? len : 63),
		 (const char *)b);
	name[strcspn(name, "\n")] = '\0';
	if (strcmp(name, "sev_guest") != 0)
		return cvm_err_set(err, -CVM_E_HOST,
				   "configfs-tsm provider is '%s', not "
				   "sev_guest: this is not an SNP guest",
				   name);
	return 0;
}

static int
tsm_collect(const struct cvm_attest_sys_ops *ops, const char *entry,
	    const struct cvm_attest_fetch_opts *o,
	    struct cvm_attest_fetched *out, struct cvm_err *err)
{
	cleanup_free char *inb = cvm_xasprintf("%s/inblob", entry);
	cleanup_free char *outb = cvm_xasprintf("%s/outblob", entry);
	cleanup_free char *aux = cvm_xasprintf("%s/auxblob", entry);
	cleanup_free char *gen = cvm_xasprintf("%s/generation", entry);
	cleanup_free uint8_t *rep = NULL, *certs = NULL;
	size_t rlen = 0, clen = 0;
	uint64_t g1 = 0, g2 = 0;
	int r;

	r = ops->write_file(ops->opaque, inb, o->report_data, 64);
	if (r < 0)
		return tsm_sys("write", inb, r, err);
	if (tsm_read_u64(ops, gen, &g1) < 0)
		return cvm_err_set(err, -CVM_E_HOST,
				   "configfs-tsm: cannot read '%s'", gen);
	r = ops->read_file(ops->opaque, outb, &rep, &rlen);
	if (r < 0)
		return tsm_sys("read", outb, r, err);
	if (!o->no_certs && ops->read_file(ops->opaque, aux, &certs, &clen) < 0)
		clen = 0; /* the host supplies no certificates */
	/* configfs-tsm: generation changes if another writer interfered */
	if (tsm_read_u64(ops, gen, &g2) < 0 || g1 != g2)
		return cvm_err_set(err, -CVM_E_STATE,
				   "configfs-tsm: '%s' changed while the "
				   "report was read (another writer); retry",
				   entry);
	if (rlen != CVM_SNP_REPORT_SIZE)
		return cvm_err_set(err, -CVM_E_FIRMWARE,
				   "configfs-tsm returned %zu bytes, not an "
				   "SNP report (%d)",
				   rlen, CVM_SNP_REPORT_SIZE);
	memcpy(out->report, rep, rlen);
	out->method = "configfs-tsm";
	return take_certs(certs, clen, out, err);
}

static int
fetch_tsm(const struct cvm_attest_sys_ops *ops, const char *dir,
	  const struct cvm_attest_fetch_opts *o, struct cvm_attest_fetched *out,
	  struct cvm_err *err)
{
	cleanup_free char *entry =
		cvm_xasprintf("%s/cvm-%ld", dir, (long)getpid());
	cleanup_free char *priv = cvm_xasprintf("%s/privlevel", entry);
	char lvl[16];
	int r = ops->mkdir(ops->opaque, entry);

	if (r < 0)
		return tsm_sys("mkdir", entry, r, err);
	r = tsm_provider(ops, entry, err);
	if (r == 0 && o->vmpl) {
		snprintf(lvl, sizeof(lvl), "%u", o->vmpl);
		r = ops->write_file(ops->opaque, priv, lvl, strlen(lvl));
		if (r < 0)
			r = tsm_sys("write", priv, r, err);
	}
	if (r == 0)
		r = tsm_collect(ops, entry, o, out, err);
	ops->rmdir(ops->opaque, entry);
	return r;
}

/* ---- /dev/sev-guest ---- */

static int
ioctl_error(const char *name, int r, uint64_t exitinfo2, struct cvm_err *err)
{
	uint32_t fw = (uint32_t)exitinfo2, vmm = (uint32_t)(exitinfo2 >> 32);

	if (fw || vmm)
		return cvm_err_set(err, -CVM_E_FIRMWARE,
				   "%s failed: firmware error 0x%x, "
				   "hypervisor error 0x%x (%s)",
				   name, fw, vmm, strerror(-r));
	return cvm_err_set(err, r, "%s failed: %s", name, strerror(-r));
}

static int
report_from_resp(const uint8_t *resp, struct cvm_attest_fetched *out,
		 struct cvm_err *err)
{
	uint32_t status = cvm_le32(resp + RSP_STATUS);
	uint32_t size = cvm_le32(resp + RSP_SIZE);

	if (status)
		return cvm_err_set(err, -CVM_E_FIRMWARE,
				   "MSG_REPORT_RSP status 0x%x%s", status,
				   status == 0x16 ? " (invalid parameters, "
						    "e.g. VMPL)"
						  : "");
	if (size != CVM_SNP_REPORT_SIZE)
		return cvm_err_set(err, -CVM_E_FIRMWARE,
				   "MSG_REPORT_RSP report size %u, expected %d",
				   size, CVM_SNP_REPORT_SIZE);
	memcpy(out->report, resp + RSP_REPORT, CVM_SNP_REPORT_SIZE);
	return 0;
}

static int
ioctl_ext(const struct cvm_attest_sys_ops *ops, int fd,
	  struct snp_ext_report_req *req, uint8_t *resp,
	  struct cvm_attest_fetched *out, struct cvm_err *err)
{
	cleanup_free uint8_t *certs = NULL;
	struct snp_guest_request_ioctl io;
	uint32_t size = SNP_CERTS_FIRST;
	int r;

	for (int attempt = 0;; attempt++) {
		free(certs);
		certs = cvm_xcalloc(1, size);
		memset(&io, 0, sizeof(io));
		io.msg_version = 1;
		io.req_data = (uint64_t)(uintptr_t)req;
		io.resp_data = (uint64_t)(uintptr_t)resp;
		req->certs_address = (uint64_t)(uintptr_t)certs;
		req->certs_len = size;
		r = ops->ioctl(ops->opaque, fd, SNP_GET_EXT_REPORT, &io);
		if (r >= 0)
			break;
		/* GHCB spec: the host has more certificate data; the driver
		 * returns the size it needs in certs_len.  Retry once. */
		if ((io.exitinfo2 >> 32) != SNP_VMM_ERR_INVALID_LEN ||
		    attempt || req->certs_len <= size ||
		    req->certs_len > SNP_CERTS_MAX)
			return ioctl_error("SNP_GET_EXT_REPORT", r,
					   io.exitinfo2, err);
		size = req->certs_len;
	}
	r = report_from_resp(resp, out, err);
	if (r < 0)
		return r;
	out->method = "sev-guest ioctl";
	return take_certs(certs, req->certs_len, out, err);
}

static int
fetch_ioctl(const struct cvm_attest_sys_ops *ops, const char *dev,
	    const struct cvm_attest_fetch_opts *o,
	    struct cvm_attest_fetched *out, struct cvm_err *err)
{
	struct snp_ext_report_req req;
	struct snp_guest_request_ioctl io;
	cleanup_free uint8_t *resp = cvm_xcalloc(1, SNP_RESP_SIZE);
	int fd, r;

	fd = ops->open(ops->opaque, dev);
	if (fd < 0)
		return cvm_err_set(err, fd == -ENOENT ? -CVM_E_HOST : fd,
				   "cannot open '%s': %s", dev, strerror(-fd));
	memset(&req, 0, sizeof(req));
	memcpy(req.data.user_data, o->report_data, 64);
	req.data.vmpl = o->vmpl;
	if (!o->no_certs) {
		r = ioctl_ext(ops, fd, &req, resp, out, err);
	} else {
		memset(&io, 0, sizeof(io));
		io.msg_version = 1;
		io.req_data = (uint64_t)(uintptr_t)&req.data;
		io.resp_data = (uint64_t)(uintptr_t)resp;
		r = ops->ioctl(ops->opaque, fd, SNP_GET_REPORT, &io);
		if (r < 0)
			r = ioctl_error("SNP_GET_REPORT", r, io.exitinfo2, err);
		else
			r = report_from_resp(resp, out, err);
		out->method = "sev-guest ioctl";
	}
	ops->close(ops->opaque, fd);
	return r;
}

static int
no_snp(enum cvm_attest_method m, bool tsm, const char *dir, const char *dev,
       struct cvm_err *err)
{
	char a[200] = "", b[200] = "";

	if (m != CVM_FETCH_IOCTL && tsm)
		snprintf(a, sizeof(a), "configfs-tsm has no SNP provider");
	else if (m != CVM_FETCH_IOCTL)
		snprintf(a, sizeof(a), "no configfs-tsm ('%s' is missing)",
			 dir);
	if (m != CVM_FETCH_TSM)
		snprintf(b, sizeof(b),
			 "no '%s' (the sev-guest driver needs an SNP guest)",
			 dev);
	return cvm_err_set(err, -CVM_E_HOST, "not an SNP guest: %s%s%s", a,
			   a[0] && b[0] ? " and " : "", b);
}

int
cvm_attest_fetch(const struct cvm_attest_sys_ops *ops,
		 const struct cvm_attest_fetch_opts *o,
		 struct cvm_attest_fetched *out, struct cvm_err *err)
{
	const char *dir =
		o->tsm_dir ? o->tsm_dir : "/sys/kernel/config/tsm/report";
	const char *dev = o->dev ? o->dev : "/dev/sev-guest";
	bool tsm = ops->exists(ops->opaque, dir) == 1;
	bool ioc = ops->exists(ops->opaque, dev) == 1;
	int r;

	memset(out, 0, sizeof(*out));
	if (o->vmpl > 3)
		return cvm_err_set(err, -CVM_E_USAGE, "VMPL %u is not 0-3",
				   o->vmpl);
	if (o->method != CVM_FETCH_IOCTL && tsm) {
		r = fetch_tsm(ops, dir, o, out, err);
		/* no SNP provider behind configfs-tsm: try the device */
		if (r != -CVM_E_HOST || o->method == CVM_FETCH_TSM || !ioc)
			return r;
		cvm_attest_fetched_release(out);
		memset(out, 0, sizeof(*out));
	}
	if (o->method != CVM_FETCH_TSM && ioc)
		return fetch_ioctl(ops, dev, o, out, err);
	return no_snp(o->method, tsm, dir, dev, err);
}
