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
	bool sev_es;	/* the host can launch SEV-ES guests */
	bool sev_snp;	/* ... SEV-SNP guests */
};

/*
 * Parse a policy value in hex ("0x30000") or decimal.  SEV values must
 * fit in 32 bits.  -CVM_E_USAGE with the bad text quoted otherwise.
 */
int cvm_policy_parse(const char *text, enum cvm_policy_kind kind,
		     uint64_t *out, struct cvm_err *err);

/* Decode `value` into fields and notes.  Never fails. */
void cvm_policy_explain(enum cvm_policy_kind kind, uint64_t value,
			const struct cvm_policy_host *host,
			struct cvm_policy_report *out);

/* Options for cvm_policy_make(); zero-initialise, then set. */
struct cvm_policy_opts {
	enum cvm_protection level; /* SEV, SEV_ES or SEV_SNP */
	bool allow_debug;
	bool no_smt;	     /* SNP: clear SMT (bit 16) */
	bool single_socket;  /* SNP: bit 20 */
	bool allow_key_sharing; /* SEV: clear NOKS */
	bool allow_send;     /* SEV: clear NOSEND */
	uint8_t api_major, api_minor; /* minimum firmware (0 = any) */
};

/*
 * Build a policy with safe defaults (documented in the README's policy
 * section): no debugging, no key sharing, SNP's must-be-one bit.
 * -CVM_E_USAGE for impossible combinations.
 */
int cvm_policy_make(const struct cvm_policy_opts *opts, uint64_t *out,
		    struct cvm_err *err);

#endif
