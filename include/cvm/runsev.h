/* SPDX-License-Identifier: MIT */
/*
 * `cvm run` under SEV, SEV-ES and SEV-SNP: deciding the protection from
 * the host check (this host, or a facts file from another one), the
 * launch parameters that follow from it (firmware, C-bit, policy,
 * measured direct boot), and attestation from inside the unikernel:
 * a fresh nonce on the guest's command line, the launch digest the
 * report must carry (computed as `cvm measure` does), and the
 * verification of the report the guest prints (`CVM1 report HEX`)
 * with the attestation library.
 *
 * The plan side is called by cvm_run_plan_make() (cvm/guestio.h); the
 * verification by `cvm run --attest` after the guest ran.  Nothing here
 * prints; the fallback of --protection auto is returned as text for
 * the caller to say loudly.  Not thread-safe per plan.
 */
#ifndef CVM_RUNSEV_H
#define CVM_RUNSEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cvm/attest.h"
#include "cvm/err.h"
#include "cvm/ovmf.h"
#include "cvm/vmspec.h"

struct cvm_run_plan;
struct cvm_guest_record;
struct json_object;

/* The nonce the host puts on the guest's command line (REPORT_DATA). */
#define CVM_RUN_NONCE_LEN 64

/* Environment variable naming a facts file for `cvm run` decisions. */
#define CVM_RUN_FACTS_ENV "CVM_HOST_FACTS"

/* What the protection decision and the SEV launch path produced. */
struct cvm_run_sev {
	enum cvm_protection requested; /* as asked (may be AUTO) */
	bool fell_back;		       /* AUTO chose below SEV-SNP */
	char note[512];		       /* AUTO: what it chose and why */
	char *source;		       /* "probe" or "facts:<file>" */
	char *firmware;		       /* the firmware chosen (owned) */
	char *workload;		       /* --attest: "attest,<list>" */
	bool from_facts;	       /* decided from another host's facts */
	char *qemu;		       /* facts: that host's QEMU binary */
	char qemu_version[32];	       /* facts: its version, for the argv */
	struct cvm_sev_params params;  /* copied into the VM spec */
	bool have_fw_info;	       /* the firmware's OVMF table is known */
	struct cvm_ovmf_info fw;
	bool measured_kernel; /* kernel-hashes: the image and command
			       * line are part of the launch digest */
	bool attest;
	uint8_t nonce[CVM_RUN_NONCE_LEN];
	char nonce_hex[2 * CVM_RUN_NONCE_LEN + 1];
	bool have_expected; /* the launch digest the report must carry */
	uint8_t expected[48];
	char expected_note[256]; /* why there is none, "" otherwise */
};

/*
 * Before the request is checked: decide the protection (requests with
 * SEV levels, AUTO, --attest or a facts file), from the host check over
 * req.facts, else $CVM_HOST_FACTS, else this host.  A level the host
 * cannot launch is -CVM_E_HOST naming the blocking check ("<id>:
 * <message> (<evidence>)"); AUTO takes the highest launchable level
 * and says in sev.note what it fell back to.  For a protected run it
 * also picks the firmware (the request's, else the host's best OVMF
 * build for the level, preferring measured direct boot), the C-bit
 * from the host, the policy (the request's or cvm_policy_make()'s
 * default), EFI boot and KVM, and draws the nonce for --attest.
 * A facts file describes another host: only --dry-run may use it.
 */
int cvm_run_sev_resolve(struct cvm_run_plan *p, struct cvm_err *err);

/* Put the protection and its parameters into p->spec. */
void cvm_run_sev_fill_spec(struct cvm_run_plan *p);

/*
 * --attest, once the command line is final: the expected launch digest
 * (SNP, for the firmware, the image and command line when measured
 * direct boot is on, the vCPU count and the vCPU model's signature).
 * When it cannot be computed (a facts-file dry run: the firmware is on
 * the other host) expected_note says why and the run's verification
 * will report the measurement unchecked.
 */
int cvm_run_sev_expect(struct cvm_run_plan *p, struct cvm_err *err);

/* The "sev" object of `cvm run --json` (docs/readme/55-sev-guest.md). */
struct json_object *cvm_run_sev_json(const struct cvm_run_plan *p);

void cvm_run_sev_release(struct cvm_run_sev *s);

/* ---- verifying what the guest reported ---- */

struct cvm_run_attest_opts {
	const uint8_t *measurement; /* 48 bytes, or NULL: not checked */
	const uint8_t *nonce;	    /* first bytes of REPORT_DATA */
	size_t nonce_len;	    /* 1..64 */
	bool has_policy;
	uint64_t policy;   /* the policy the guest was launched with */
	const char *vcek;  /* a VCEK/VLEK file, or NULL */
	const char *certs; /* a folder or bundle of certificates, or NULL */
	const char *cache; /* a folder of VCEKs named by chip and TCB */
	time_t at;	   /* certificate validity time; 0 = now */
};

/*
 * Verify the report in `rec` (the guest's "CVM1 report" line) against
 * AMD's chain and the expectations: signature, chain, TCB, the nonce
 * in REPORT_DATA, VMPL 0, no debug policy, and the measurement and
 * policy when given.  Fills `res` (every check) when verification ran.
 * 0: valid.  -CVM_E_INVALID: verified and invalid, the first failing
 * check in `err`.  Another negative code: no report in the record (the
 * guest's attest_status is named), or it could not be verified (no
 * VCEK: the message gives its KDS address).
 */
int cvm_run_attest_verify(const struct cvm_guest_record *rec,
			  const struct cvm_run_attest_opts *o,
			  struct cvm_attest_result *res, struct cvm_err *err);

/* The options for a planned run: its nonce, digest and policy. */
void cvm_run_attest_opts_from_plan(const struct cvm_run_plan *p,
				   struct cvm_run_attest_opts *o);

#endif
