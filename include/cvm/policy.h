/* SPDX-License-Identifier: MIT */
/*
 * SEV and SEV-SNP guest policies: parse, explain bit by bit, build with
 * safe defaults.  SEV policy: SEV API spec 55766 ch. 3 (32 bits);
 * SNP policy: SNP firmware ABI spec 56860 "Guest Policy" (64 bits).
 * Pure functions; thread-safe.
 */
#ifndef CVM_POLICY_H
#define CVM_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cvm/err.h"
#include "cvm/vmspec.h"

enum cvm_policy_kind {
	CVM_POLICY_SEV, /* SEV and SEV-ES (ES is bit 2) */
	CVM_POLICY_SNP,
};

enum cvm_note_level {
	CVM_NOTE_INFO,
	CVM_NOTE_WARN,	/* weakens confidentiality (debug, key sharing) */
	CVM_NOTE_ERROR, /* firmware or KVM will refuse it */
};

/* One named field of a policy, with the meaning of its current value. */
struct cvm_policy_field {
	const char *name;    /* "NODBG", "ABI_MAJOR", "DEBUG" ... */
	unsigned lo, hi;     /* bit range, inclusive */
	uint64_t value;	     /* the field's value in this policy */
	const char *meaning; /* static text for this value */
};

struct cvm_policy_note {
	enum cvm_note_level level;
	char text[200];
};

#define CVM_POLICY_MAX_FIELDS 32
#define CVM_POLICY_MAX_NOTES  16

struct cvm_policy_report {
	enum cvm_policy_kind kind;
	uint64_t value;
	struct cvm_policy_field fields[CVM_POLICY_MAX_FIELDS];
	size_t nfields;
	struct cvm_policy_note notes[CVM_POLICY_MAX_NOTES];
	size_t nnotes;
	bool debug_allowed; /* SEV: NODBG clear; SNP: DEBUG set */
	bool refused;	    /* at least one CVM_NOTE_ERROR */
};

/*
 * What the host can do, for notes such as "ES policy on a host without
 * SEV-ES".  Pass NULL to explain without a host.
 */
struct cvm_policy_host {
	bool sev_es;		      /* the host can launch SEV-ES guests */
	bool sev_snp;		      /* ... SEV-SNP guests */
	bool have_firmware;	      /* the two below are known */
	uint8_t api_major, api_minor; /* the host's SEV firmware, "1.55" */
};

/*
 * Parse a policy value in hex ("0x30000") or decimal.  SEV values must
 * fit in 32 bits.  -CVM_E_USAGE with the bad text quoted otherwise.
 */
int cvm_policy_parse(const char *text, enum cvm_policy_kind kind, uint64_t *out,
		     struct cvm_err *err);

/* Decode `value` into fields and notes.  Never fails. */
void cvm_policy_explain(enum cvm_policy_kind kind, uint64_t value,
			const struct cvm_policy_host *host,
			struct cvm_policy_report *out);

/* Options for cvm_policy_make(); zero-initialise, then set. */
struct cvm_policy_opts {
	enum cvm_protection level;    /* SEV, SEV_ES or SEV_SNP */
	bool allow_debug;	      /* SEV: clear NODBG; SNP: set DEBUG */
	bool no_smt;		      /* SNP: clear SMT (bit 16) */
	bool single_socket;	      /* SNP: bit 20 */
	bool allow_key_sharing;	      /* SEV: clear NOKS */
	bool no_send;		      /* SEV: set NOSEND (bit 3) */
	bool cxl_allow;		      /* SNP: bit 21 */
	bool aes_256_xts;	      /* SNP: bit 22, require AES-256-XTS */
	bool rapl_dis;		      /* SNP: bit 23, require RAPL disabled */
	bool ciphertext_hiding;	      /* SNP: bit 24 */
	bool page_swap_disable;	      /* SNP: bit 25 */
	uint8_t api_major, api_minor; /* minimum firmware (0 = any) */
};

/*
 * Build a policy with safe defaults (documented in the README's policy
 * section): SEV 0x3 (NODBG|NOKS), SEV-ES 0x7 (NODBG|NOKS|ES), SEV-SNP
 * 0x30000 (SMT|the must-be-one bit 17), as launch-and-host.md §2
 * recommends.  -CVM_E_USAGE for impossible combinations (an SNP-only
 * option at an SEV level and the reverse).
 */
int cvm_policy_make(const struct cvm_policy_opts *opts, uint64_t *out,
		    struct cvm_err *err);

/* "sev" or "snp" */
const char *cvm_policy_kind_name(enum cvm_policy_kind kind);
/* "info", "warning", "error" */
const char *cvm_note_level_name(enum cvm_note_level level);

#endif
