/* SPDX-License-Identifier: MIT */
/*
 * Internals of lib/host shared by its files and exposed to unit tests:
 * the check builder, the probing helpers and the errno <-> name table
 * the facts documents use.
 */
#ifndef CVM_HOST_PRIV_H
#define CVM_HOST_PRIV_H

#include <stdarg.h>

#include "cvm/host.h"

#define G_SEV  CVM_GATE(CVM_PROT_SEV)
#define G_ES   CVM_GATE(CVM_PROT_SEV_ES)
#define G_SNP  CVM_GATE(CVM_PROT_SEV_SNP)
#define G_ALL  CVM_GATE_ALL
#define G_NONE 0u

/* The check being built: the source, the options, the report. */
struct hc {
	const struct cvm_host_source *src;
	struct cvm_host_opts opts;
	struct cvm_host_report *r;
	size_t cap;

	/* shared between the check groups */
	uint32_t leaf0[4], leaf1[4], ext0[4], ext1[4], sev_leaf[4];
	bool have_sev_leaf;
	bool have_cpuinfo;
	struct cvm_buf cpuinfo; /* the flags line, " flag1 flag2 ... " */
	unsigned kernel_major, kernel_minor;
	bool have_kernel;
	int uname_r; /* the uname operation's result */
	unsigned euid;
	bool have_euid;
	int cpu_sev, cpu_sev_es, cpu_snp, cpu_vmpl; /* check indices */
	bool in_vm;
};

/*
 * Open a check below `parent` (-1: top level).  When `dep` (a check that
 * must have passed, usually the parent) failed or was skipped, the new
 * check is filled in as skipped with that cause and false is returned;
 * otherwise the caller evaluates it and calls check_set().
 * *idx gets the new check's index either way.
 */
bool check_open(struct hc *h, int *idx, int parent, int dep, const char *id,
		const char *name, unsigned gates);
/* Set the status, the one-line fix (NULL: none) and the message. */
void check_set(struct hc *h, int idx, enum cvm_check_status st, const char *fix,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Append to the evidence of `idx` ("; " between parts). */
void check_evidence(struct hc *h, int idx, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* An operation failed with `code`: a skip for a fact missing from a facts
 * file, else `st` with "<what>: <strerror>". */
void check_op_failed(struct hc *h, int idx, int code, enum cvm_check_status st,
		     const char *fix, const char *what);
/* Status of check `idx` (-1: OK). */
enum cvm_check_status check_status(struct hc *h, int idx);

/* Read the kernel release into h and h->r (before any check group). */
void host_read_kernel(struct hc *h);
/* The check groups, in output order (checks-*.c). */
void checks_cpu(struct hc *h);
void checks_bios(struct hc *h);
void checks_kernel(struct hc *h);
void checks_kvm(struct hc *h);
void checks_sev(struct hc *h);
void checks_memlock(struct hc *h);
void checks_qemu(struct hc *h);
void checks_firmware(struct hc *h);
void checks_libvirt(struct hc *h);

/* "ENOENT" for -ENOENT etc., "errno N" for others (errno positive). */
const char *host_errno_name(int e, char *buf, size_t n);
/* The reverse: 0 and the positive errno, -EINVAL for unknown text. */
int host_errno_parse(const char *s, int *e);
/* A short text for a negative result code: strerror or "not recorded". */
const char *host_strerror(int code);

/* The SEV firmware status name ("HWSEV_RET_PLATFORM"). */
const char *host_fw_status_name(uint32_t code);

/* Real /dev/sev ioctls (sev.c). */
int host_real_sev_status(void *ctx, struct cvm_sev_platform_status *st,
			 uint32_t *fw_error);
int host_real_snp_status(void *ctx, struct cvm_snp_platform_status *st,
			 uint32_t *fw_error);
/* The libvirt C API (libvirt.c). */
int host_real_libvirt(void *ctx, const char *uri, struct cvm_host_libvirt *out);

/* "6.1.0-28-amd64" -> 6, 1; false when unparsable. */
bool host_parse_kernel(const char *release, unsigned *major, unsigned *minor);
/* The first "N.N[.N]" after `after` in `text` (or anywhere when NULL). */
bool host_parse_version(const char *text, const char *after, unsigned v[3]);
/* v >= (a, b, c) */
bool host_version_ge(const unsigned v[3], unsigned a, unsigned b, unsigned c);
/* Does the whitespace-separated `list` hold `word`? */
bool host_has_word(const char *list, const char *word);

/* Render a key for a set of argv words ("qemu-system-x86_64 --version"). */
char *host_argv_key(const char *const *argv);

/* Firmware search folders (NULL-terminated). */
extern const char *const host_firmware_dirs[];

#endif
