/* SPDX-License-Identifier: MIT */
/*
 * A run request from command-line text: see cvm_run_request_option() in
 * cvm/guestio.h.  Shared by `cvm run` and the evaluation.
 */
#include <string.h>

#include "cvm/attest.h"
#include "cvm/guestio.h"
#include "cvm/util.h"

/* The index of `v` in the NULL-terminated `names`, or -1. */
static int
pick(const char *v, const char *const *names)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(v, names[i]) == 0)
			return i;
	return -1;
}

static int
bad(struct cvm_err *err, const char *name, const char *value, const char *hint)
{
	return cvm_err_set(err, -CVM_E_USAGE, "--%s '%s': %s", name, value,
			   hint);
}

static int
number(const char *name, const char *v, unsigned *out, struct cvm_err *err)
{
	uint64_t n;

	if (cvm_parse_u64(v, &n) < 0 || n == 0 || n > 1000000)
		return bad(err, name, v, "not a number from 1 to 1000000");
	*out = (unsigned)n;
	return 0;
}

static int
choice(const char *name, const char *v, struct cvm_run_request *r,
       struct cvm_err *err)
{
	static const char *const boots[] = {"pvh", "efi", NULL};
	static const char *const accels[] = {"auto", "kvm", "tcg", NULL};
	int i;

	if (strcmp(name, "boot") == 0) {
		if ((i = pick(v, boots)) < 0)
			return bad(err, name, v, "use pvh or efi");
		r->boot = i ? CVM_BOOT_EFI : CVM_BOOT_PVH;
		return 0;
	}
	if ((i = pick(v, accels)) < 0)
		return bad(err, name, v, "use auto, kvm or tcg");
	r->accel = i == 1   ? CVM_ACCEL_KVM
		   : i == 2 ? CVM_ACCEL_TCG
			    : CVM_ACCEL_AUTO;
	return 0;
}

/* The SEV launch and verification options (cvm/runsev.h). */
static int
sev_option(struct cvm_run_request *r, const char *name, const char *v,
	   struct cvm_err *err)
{
	struct cvm_err e = CVM_ERR_INIT;

	if (!strcmp(name, "policy")) {
		if (cvm_parse_u64(v, &r->policy) < 0)
			return bad(err, name, v, "not a number (0x30000)");
		r->has_policy = true;
	} else if (!strcmp(name, "at")) {
		if (cvm_attest_parse_time(v, &r->at, &e) < 0)
			return bad(err, name, v, e.msg);
	} else {
		*(name[0] == 'f'   ? &r->facts
		  : name[0] == 'v' ? &r->vcek
				   : &r->certs) = v;
	}
	return 0;
}

int
cvm_run_request_option(struct cvm_run_request *r, const char *name,
		       const char *v, struct cvm_err *err)
{
	uint64_t n = 0;

	if (!strcmp(name, "workload") || !strcmp(name, "image") ||
	    !strcmp(name, "firmware") || !strcmp(name, "qemu")) {
		*(name[0] == 'w'   ? &r->workload
		  : name[0] == 'i' ? &r->image
		  : name[0] == 'f' ? &r->firmware
				   : &r->qemu) = v;
		return 0;
	}
	if (!strcmp(name, "facts") || !strcmp(name, "vcek") ||
	    !strcmp(name, "certs") || !strcmp(name, "policy") ||
	    !strcmp(name, "at"))
		return sev_option(r, name, v, err);
	r->boot_given |= !strcmp(name, "boot");
	r->protection_given |= !strcmp(name, "protection");
	if (!strcmp(name, "boot") || !strcmp(name, "accel"))
		return choice(name, v, r, err);
	if (!strcmp(name, "reps"))
		return number(name, v, &r->reps, err);
	if (!strcmp(name, "vcpus"))
		return number(name, v, &r->vcpus, err);
	if (!strcmp(name, "timeout"))
		return number(name, v, &r->timeout_s, err);
	if (!strcmp(name, "guest"))
		return strcmp(v, "unikernel") ? bad(err, name, v,
						    "only 'unikernel' is built "
						    "so far")
					      : 0;
	if (!strcmp(name, "class")) {
		if (strlen(v) != 1 || !strchr("SWA", v[0]))
			return bad(err, name, v, "use S, W or A");
		r->cls = v[0];
		return 0;
	}
	if (!strcmp(name, "memory")) {
		if (cvm_parse_size(v, &n) < 0 || n < (1u << 20))
			return bad(err, name, v,
				   "not a size such as 64M or 1G");
		r->memory_mib = n >> 20;
		return 0;
	}
	if (!strcmp(name, "protection")) {
		if (cvm_protection_parse(v, &r->protection) < 0)
			return bad(err, name, v,
				   "use none, sev, sev-es, sev-snp or auto");
		return 0;
	}
	return cvm_err_set(err, -CVM_E_USAGE, "unknown option '--%s'", name);
}
