/* SPDX-License-Identifier: MIT */
/*
 * Explaining a guest policy bit by bit, with warnings for what weakens
 * confidentiality and errors for what firmware or KVM will refuse
 * (launch-and-host.md §2.1, §2.2; KVM snp_launch_start acceptance).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cvm/cleanup.h"
#include "cvm/policy.h"
#include "policy-priv.h"

struct field_def {
	const char *name;
	unsigned lo, hi;
	const char *if0, *if1; /* single bits; multi-bit fields use if1 */
};

/* SEV API spec 55766 ch. 3, "Guest Policy" */
static const struct field_def sev_fields[] = {
	{"NODBG", 0, 0, "debugging allowed (DBG_DECRYPT/DBG_ENCRYPT)",
	 "debugging disallowed"},
	{"NOKS", 1, 1, "key sharing with other guests allowed",
	 "key sharing disallowed"},
	{"ES", 2, 2, "SEV-ES not required", "SEV-ES required"},
	{"NOSEND", 3, 3, "sending to another platform allowed",
	 "sending disallowed"},
	{"DOMAIN", 4, 4, "may be sent outside the domain",
	 "must stay in the domain"},
	{"SEV", 5, 5, "may be sent to a non-SEV platform",
	 "must stay on SEV platforms"},
	{"RESERVED", 6, 15, "zero, as required", "reserved: must be 0"},
	{"API_MAJOR", 16, 23, "any firmware", "minimum firmware API major"},
	{"API_MINOR", 24, 31, "any firmware", "minimum firmware API minor"},
};

/* SNP firmware ABI spec 56860, "Guest Policy" */
static const struct field_def snp_fields[] = {
	{"ABI_MINOR", 0, 7, "any firmware", "minimum firmware ABI minor"},
	{"ABI_MAJOR", 8, 15, "any firmware", "minimum firmware ABI major"},
	{"SMT", 16, 16, "SMT must be disabled on the host", "SMT allowed"},
	{"RSVD_MBO", 17, 17, "reserved bit clear: must be 1",
	 "reserved, must be 1"},
	{"MIGRATE_MA", 18, 18, "no migration agent", "migration agent allowed"},
	{"DEBUG", 19, 19, "debugging disallowed", "debugging allowed"},
	{"SINGLE_SOCKET", 20, 20, "may run on several sockets",
	 "may run on one socket only"},
	{"CXL_ALLOW", 21, 21, "no guest memory in CXL",
	 "guest memory may be in CXL"},
	{"MEM_AES_256_XTS", 22, 22, "AES-128-XEX or AES-256-XTS",
	 "AES-256-XTS required"},
	{"RAPL_DIS", 23, 23, "RAPL may be enabled", "RAPL must be disabled"},
	{"CIPHERTEXT_HIDING", 24, 24, "no requirement",
	 "ciphertext hiding required"},
	{"PAGE_SWAP_DISABLE", 25, 25, "page swap allowed",
	 "SNP_PAGE_MOVE/SWAP_OUT/SWAP_IN disabled"},
	{"RESERVED", 26, 63, "zero, as required", "reserved: must be 0"},
};

static void note(struct cvm_policy_report *r, enum cvm_note_level level,
		 const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
note(struct cvm_policy_report *r, enum cvm_note_level level, const char *fmt,
     ...)
{
	va_list ap;

	if (level == CVM_NOTE_ERROR)
		r->refused = true;
	if (r->nnotes >= CVM_POLICY_MAX_NOTES)
		return;
	r->notes[r->nnotes].level = level;
	va_start(ap, fmt);
	vsnprintf(r->notes[r->nnotes].text, sizeof(r->notes[0].text), fmt, ap);
	va_end(ap);
	r->nnotes++;
}

static void
fields(struct cvm_policy_report *r, const struct field_def *defs, size_t n)
{
	for (size_t i = 0; i < n && r->nfields < CVM_POLICY_MAX_FIELDS; i++) {
		const struct field_def *d = &defs[i];
		unsigned width = d->hi - d->lo + 1;
		uint64_t mask = width == 64 ? ~0ull : (1ull << width) - 1;
		struct cvm_policy_field *f = &r->fields[r->nfields++];

		f->name = d->name;
		f->lo = d->lo;
		f->hi = d->hi;
		f->value = (r->value >> d->lo) & mask;
		f->meaning = f->value ? d->if1 : d->if0;
	}
}

/* Firmware version required by the policy vs the host's. */
static void
firmware_note(struct cvm_policy_report *r, unsigned major, unsigned minor,
	      const struct cvm_policy_host *host)
{
	if (!major && !minor)
		return;
	if (host && host->have_firmware &&
	    (host->api_major < major ||
	     (host->api_major == major && host->api_minor < minor))) {
		note(r, CVM_NOTE_ERROR,
		     "the policy requires firmware %u.%u but this host has "
		     "%u.%u: launch fails",
		     major, minor, host->api_major, host->api_minor);
		return;
	}
	note(r, CVM_NOTE_INFO, "requires SEV firmware %u.%u or later", major,
	     minor);
}

static void
explain_sev(struct cvm_policy_report *r, const struct cvm_policy_host *host)
{
	uint64_t v = r->value;

	fields(r, sev_fields, CVM_ARRAY_SIZE(sev_fields));
	r->debug_allowed = !(v & SEV_NODBG);
	if (r->debug_allowed)
		note(r, CVM_NOTE_WARN,
		     "debugging allowed (NODBG clear): the host can decrypt "
		     "guest memory with DBG_DECRYPT");
	if (!(v & SEV_NOKS))
		note(r, CVM_NOTE_WARN,
		     "key sharing allowed (NOKS clear): another guest may "
		     "share this guest's memory encryption key");
	if (v & SEV_RESERVED)
		note(r, CVM_NOTE_ERROR,
		     "reserved bits 15:6 are set (0x%llx): they must be 0 and "
		     "firmware refuses the policy",
		     (unsigned long long)(v & SEV_RESERVED));
	if ((v & SEV_ES) && host && !host->sev_es)
		note(r, CVM_NOTE_ERROR,
		     "ES (bit 2) requires SEV-ES, which this host cannot "
		     "launch (see cvm host check)");
	else if (v & SEV_ES)
		note(r, CVM_NOTE_INFO,
		     "SEV-ES guest: QEMU launches it with encrypted register "
		     "state; it cannot reboot (use -no-reboot)");
	if (!(v & SEV_NOSEND))
		note(r, CVM_NOTE_INFO,
		     "NOSEND clear: the guest may be sent (migrated) to "
		     "another "
		     "platform");
	firmware_note(r, (unsigned)(v >> SEV_API_MAJOR_SHIFT) & 0xff,
		      (unsigned)(v >> SEV_API_MINOR_SHIFT) & 0xff, host);
}

/* Bits 21-25: accepted by KVM only from the 6.19-era kernels (§2.2). */
static void
new_bits(struct cvm_policy_report *r)
{
	for (unsigned b = 21; b <= 25; b++)
		if (r->value & (1ull << b))
			note(r, CVM_NOTE_WARN,
			     "%s (bit %u) is accepted only by Linux 6.19+ KVM; "
			     "older kernels reject the launch (-EINVAL)",
			     snp_fields[b - 21 + 7].name, b);
}

static void
explain_snp(struct cvm_policy_report *r, const struct cvm_policy_host *host)
{
	uint64_t v = r->value;

	fields(r, snp_fields, CVM_ARRAY_SIZE(snp_fields));
	r->debug_allowed = v & SNP_DEBUG;
	if (!(v & SNP_RSVD_MBO))
		note(r, CVM_NOTE_ERROR,
		     "bit 17 is reserved and must be 1: firmware refuses the "
		     "policy (use 0x30000)");
	if (v & SNP_RESERVED)
		note(r, CVM_NOTE_ERROR,
		     "reserved bits 63:26 are set (0x%llx): they must be 0",
		     (unsigned long long)(v & SNP_RESERVED));
	if (r->debug_allowed)
		note(r, CVM_NOTE_WARN,
		     "debugging allowed (DEBUG set): the host can read and "
		     "change guest memory with SNP_DBG_DECRYPT/ENCRYPT");
	if (v & SNP_MIGRATE_MA)
		note(r, CVM_NOTE_ERROR,
		     "MIGRATE_MA (bit 18) is not accepted by KVM: the launch "
		     "fails with -EINVAL");
	if (!(v & SNP_SMT))
		note(r, CVM_NOTE_WARN,
		     "SMT clear: the host must run with SMT off (else firmware "
		     "POLICY_FAILURE), and Linux 6.11-6.16 reject the policy");
	if (v & SNP_SINGLE_SOCKET)
		note(r, CVM_NOTE_WARN,
		     "SINGLE_SOCKET: Linux 6.11-6.16 reject it; firmware "
		     "refuses "
		     "it on multi-socket hosts");
	new_bits(r);
	if (host && !host->sev_snp)
		note(r, CVM_NOTE_ERROR,
		     "this host cannot launch SEV-SNP guests (see cvm host "
		     "check)");
	firmware_note(r, (unsigned)(v >> SNP_ABI_MAJOR_SHIFT) & 0xff,
		      (unsigned)v & 0xff, host);
}

void
cvm_policy_explain(enum cvm_policy_kind kind, uint64_t value,
		   const struct cvm_policy_host *host,
		   struct cvm_policy_report *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = kind;
	out->value = value;
	if (kind == CVM_POLICY_SNP)
		explain_snp(out, host);
	else
		explain_sev(out, host);
}
