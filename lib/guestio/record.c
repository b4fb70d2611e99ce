/* SPDX-License-Identifier: MIT */
/*
 * The run record: accessors, the verdict on a record, and its JSON form.
 * See cvm/guestio.h.
 */
#include <stdlib.h>
#include <string.h>

#include "cvm/abi/result.h"
#include "cvm/cleanup.h"
#include "cvm/guestio.h"

void
cvm_guest_record_release(struct cvm_guest_record *r)
{
	for (size_t i = 0; i < r->ninfos; i++) {
		free(r->infos[i].key);
		free(r->infos[i].value);
	}
	for (size_t i = 0; i < r->nphases; i++)
		free(r->phases[i].name);
	for (size_t i = 0; i < r->nresults; i++) {
		free(r->results[i].workload);
		free(r->results[i].metric);
		free(r->results[i].unit);
		free(r->results[i].value_text);
	}
	free(r->infos);
	free(r->phases);
	free(r->results);
	free(r->report_hex);
	memset(r, 0, sizeof(*r));
}

const struct cvm_guest_phase *
cvm_guest_record_phase(const struct cvm_guest_record *r, const char *name)
{
	for (size_t i = 0; i < r->nphases; i++)
		if (strcmp(r->phases[i].name, name) == 0)
			return &r->phases[i];
	return NULL;
}

const char *
cvm_guest_record_info(const struct cvm_guest_record *r, const char *key)
{
	for (size_t i = r->ninfos; i-- > 0;)
		if (strcmp(r->infos[i].key, key) == 0)
			return r->infos[i].value;
	return NULL;
}

const char *
cvm_verified_name(enum cvm_verified v)
{
	return v == CVM_VERIFIED_YES  ? "yes"
	       : v == CVM_VERIFIED_NA ? "na"
				      : "no";
}

const char *
cvm_x86_vector_name(uint64_t v)
{
	/* Intel SDM vol. 3A, Table 6-1; AMD APM vol. 2, Table 8-1 (#VC 29) */
	static const char *const names[] = {
		[0] = "divide error",
		[1] = "debug",
		[2] = "NMI",
		[3] = "breakpoint",
		[4] = "overflow",
		[5] = "BOUND range exceeded",
		[6] = "invalid opcode",
		[7] = "device not available",
		[8] = "double fault",
		[10] = "invalid TSS",
		[11] = "segment not present",
		[12] = "stack fault",
		[13] = "general protection",
		[14] = "page fault",
		[16] = "x87 floating-point error",
		[17] = "alignment check",
		[18] = "machine check",
		[19] = "SIMD floating-point",
		[20] = "virtualization exception",
		[21] = "control protection",
		[28] = "hypervisor injection",
		[29] = "VMM communication (#VC)",
		[30] = "security exception",
	};

	if (v < CVM_ARRAY_SIZE(names) && names[v])
		return names[v];
	return "exception";
}

/* What the unikernel's exit statuses mean (cvm/abi/result.h). */
static const char *
exit_meaning(int status)
{
	switch (status) {
	case CVM_GUEST_EXIT_UNVERIFIED:
		return "a result failed verification";
	case CVM_GUEST_EXIT_USAGE:
		return "bad command line or unknown workload";
	case CVM_GUEST_EXIT_NOMEM:
		return "too little memory for the workload: raise --memory";
	case CVM_GUEST_EXIT_FAULT:
		return "CPU exception";
	case CVM_GUEST_EXIT_PANIC:
		return "the kernel could not continue";
	default:
		return "failure";
	}
}

int
cvm_guest_record_verdict(const struct cvm_guest_record *r, struct cvm_err *err)
{
	if (r->has_fault)
		return cvm_err_set(
			err, -CVM_E_CHILD,
			"guest fault: vector %llu (%s), error 0x%llx, "
			"rip 0x%llx, cr2 0x%llx",
			(unsigned long long)r->fault.vector,
			cvm_x86_vector_name(r->fault.vector),
			(unsigned long long)r->fault.error,
			(unsigned long long)r->fault.rip,
			(unsigned long long)r->fault.cr2);
	if (r->nmalformed)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "%zu malformed CVM1 line%s from the guest, "
				   "the first: %s",
				   r->nmalformed, r->nmalformed > 1 ? "s" : "",
				   r->malformed);
	for (size_t i = 0; i < r->nresults; i++)
		if (r->results[i].verified == CVM_VERIFIED_NO)
			return cvm_err_set(
				err, -CVM_E_INVALID,
				"result '%s %c %s' = %s %s was not "
				"verified",
				r->results[i].workload, r->results[i].cls,
				r->results[i].metric, r->results[i].value_text,
				r->results[i].unit);
	if (!r->has_exit)
		return cvm_err_set(
			err, -CVM_E_CHILD,
			"the guest stopped without a CVM1 exit line");
	if (r->exit_status != 0)
		return cvm_err_set(err, -CVM_E_CHILD,
				   "the guest exited with status %d (%s)",
				   r->exit_status,
				   exit_meaning(r->exit_status));
	if (r->after_exit)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "%zu CVM1 line%s after the exit line",
				   r->after_exit, r->after_exit > 1 ? "s" : "");
	return 0;
}

int
cvm_guest_record_check_protection(const struct cvm_guest_record *r,
				  enum cvm_protection want, struct cvm_err *err)
{
	const char *got = cvm_guest_record_info(r, "protection");

	if (!got && want != CVM_PROT_NONE)
		return cvm_err_set(err, -CVM_E_INVALID,
				   "the guest did not report its protection "
				   "(expected '%s')",
				   cvm_protection_name(want));
	if (got && strcmp(got, cvm_protection_name(want)) != 0)
		return cvm_err_set(err, -CVM_E_INVALID,
				   "the guest reports protection '%s', it was "
				   "launched as '%s'",
				   got, cvm_protection_name(want));
	return 0;
}

static struct json_object *
hex_json(uint64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "0x%llx", (unsigned long long)v);
	return json_object_new_string(s);
}

/* RFC 8259 §6 number syntax: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool
is_json_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return false;
	if (*s == '.') {
		if (!(*++s >= '0' && *s <= '9'))
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

static struct json_object *
results_json(const struct cvm_guest_record *r)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < r->nresults; i++) {
		const struct cvm_guest_result *x = &r->results[i];
		struct json_object *o = json_object_new_object();
		char cls[2] = {x->cls, 0};

		json_object_object_add(o, "workload",
				       json_object_new_string(x->workload));
		json_object_object_add(o, "class", json_object_new_string(cls));
		json_object_object_add(o, "metric",
				       json_object_new_string(x->metric));
		/* keep the guest's digits when they are valid JSON */
		json_object_object_add(
			o, "value",
			is_json_number(x->value_text)
				? json_object_new_double_s(x->value,
							   x->value_text)
				: json_object_new_double(x->value));
		json_object_object_add(o, "unit",
				       json_object_new_string(x->unit));
		json_object_object_add(
			o, "verified",
			json_object_new_string(cvm_verified_name(x->verified)));
		json_object_object_add(
			o, "host_ns",
			json_object_new_int64((int64_t)x->host_ns));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *
phases_json(const struct cvm_guest_record *r)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < r->nphases; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(
			o, "name", json_object_new_string(r->phases[i].name));
		json_object_object_add(
			o, "guest_ns",
			json_object_new_int64((int64_t)r->phases[i].guest_ns));
		json_object_object_add(
			o, "host_ns",
			json_object_new_int64((int64_t)r->phases[i].host_ns));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *
fault_json(const struct cvm_guest_record *r)
{
	struct json_object *o;

	if (!r->has_fault)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "vector",
			       json_object_new_int64((int64_t)r->fault.vector));
	json_object_object_add(
		o, "name",
		json_object_new_string(cvm_x86_vector_name(r->fault.vector)));
	json_object_object_add(o, "error", hex_json(r->fault.error));
	json_object_object_add(o, "rip", hex_json(r->fault.rip));
	json_object_object_add(o, "cr2", hex_json(r->fault.cr2));
	return o;
}

struct json_object *
cvm_guest_record_json(const struct cvm_guest_record *r)
{
	struct json_object *o = json_object_new_object();
	struct json_object *infos = json_object_new_object();

	for (size_t i = 0; i < r->ninfos; i++)
		json_object_object_add(
			infos, r->infos[i].key,
			json_object_new_string(r->infos[i].value));
	json_object_object_add(o, "infos", infos);
	json_object_object_add(o, "phases", phases_json(r));
	json_object_object_add(o, "results", results_json(r));
	json_object_object_add(o, "fault", fault_json(r));
	json_object_object_add(o, "exit_status",
			       r->has_exit ? json_object_new_int(r->exit_status)
					   : NULL);
	json_object_object_add(
		o, "report",
		r->report_hex ? json_object_new_string(r->report_hex) : NULL);
	json_object_object_add(o, "malformed",
			       json_object_new_int64((int64_t)r->nmalformed));
	json_object_object_add(
		o, "malformed_first",
		r->nmalformed ? json_object_new_string(r->malformed) : NULL);
	json_object_object_add(
		o, "console_bytes",
		json_object_new_int64((int64_t)r->console_bytes));
	return o;
}
