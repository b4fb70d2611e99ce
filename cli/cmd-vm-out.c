/* SPDX-License-Identifier: MIT */
/*
 * Shared by the `cvm vm` verbs: printing plans, command lines and VM
 * descriptions, and console output to stdout (see cmd-vm.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-vm.h"
#include "cvm/cleanup.h"
#include "cvm/guestio.h"
#include "cvm/proc.h"
#include "cvm/util.h"
#include "out.h"

void
vm_plan_notes(const struct cvm_vm_plan *p)
{
	enum cvm_protection got = p->cfg.protection;

	if (p->auto_picked && p->auto_why)
		fprintf(stderr,
			"cvm: --protection auto picked %s (%s is blocked by "
			"%s)\n",
			cvm_protection_name(got), cvm_protection_name(got + 1),
			p->auto_why);
	else if (p->auto_picked)
		fprintf(stderr, "cvm: --protection auto picked %s\n",
			cvm_protection_name(got));
	for (size_t i = 0; i < p->policy.nnotes; i++)
		if (p->policy.notes[i].level == CVM_NOTE_WARN)
			cli_warn("policy 0x%llx: %s",
				 (unsigned long long)p->cfg.policy,
				 p->policy.notes[i].text);
}

/* "--protection", "--protection=X" or an abbreviation getopt takes */
static bool
is_protection(const char *a, bool *inline_value)
{
	size_t n = strcspn(a, "=");

	*inline_value = a[n] == '=';
	return n >= 4 && n <= 12 && !strncmp(a, "--protection", n);
}

/* The options in argv[1..operands) with --protection set to `level`. */
static void
add_options(struct cvm_argv *a, int operands, char **argv, const char *level)
{
	bool given = false, inl;

	for (int i = 1; i < operands; i++) {
		if (!is_protection(argv[i], &inl)) {
			cvm_argv_add(a, argv[i]);
			continue;
		}
		cvm_argv_add(a, "--protection");
		cvm_argv_add(a, level);
		i += !inl; /* skip its value */
		given = true;
	}
	if (!given) {
		cvm_argv_add(a, "--protection");
		cvm_argv_add(a, level);
	}
}

int
vm_plan_failed(const struct vm_cli *c, int argc, char **argv,
	       const struct cvm_vm_plan *p, const struct cvm_err *err)
{
	struct cvm_argv a = CVM_ARGV_INIT;
	cleanup_free char *line = NULL;
	int rc = cli_error(err);

	if (p->policy_level == CVM_PROT_NONE)
		return rc;
	/* argv[0] is "cvm vm create" (the dispatcher's name for getopt);
	 * getopt moved the operands (NAME) behind the options */
	for (int i = c->operands; i < argc; i++)
		cvm_argv_add(&a, argv[i]);
	add_options(&a, c->operands, argv,
		    cvm_protection_name(p->policy_level));
	line = cvm_argv_join(cvm_argv_get(&a));
	for (char *s = line; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
	fprintf(stderr, "(as %s: %s %s)\n",
		p->policy_level == CVM_PROT_SEV_ES ? "SEV-ES" : "SEV", argv[0],
		line);
	cvm_argv_release(&a);
	return rc;
}

void
vm_print_argv(const struct cvm_vm_launch *l)
{
	cleanup_free char *line = cvm_argv_join(cvm_argv_get(&l->argv));
	const char *const dir[] = {l->cwd, NULL};
	cleanup_free char *q = cvm_argv_join(dir);

	printf("cd %s && %s\n", q, line);
}

struct json_object *
vm_launch_json(const struct cvm_vm_launch *l)
{
	struct json_object *o = json_object_new_object();
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < l->argv.n; i++)
		json_object_array_add(a, json_object_new_string(l->argv.v[i]));
	json_object_object_add(o, "cwd", json_object_new_string(l->cwd));
	json_object_object_add(o, "argv", a);
	json_object_object_add(
		o, "accel",
		json_object_new_string(
			l->accel.accel == CVM_ACCEL_KVM ? "kvm" : "tcg"));
	json_object_object_add(o, "accel_reason",
			       json_object_new_string(l->accel.reason));
	return o;
}

void
vm_describe(const struct cvm_vm_config *c, char *buf, size_t n)
{
	char prot[48] = "";

	if (c->protection != CVM_PROT_NONE)
		snprintf(prot, sizeof(prot), " (policy 0x%llx)",
			 (unsigned long long)c->policy);
	snprintf(buf, n, "%s%s, %u vCPU%s, %llu MiB, %s%s%s%s",
		 cvm_protection_name(c->protection), prot, c->vcpus,
		 c->vcpus == 1 ? "" : "s", (unsigned long long)c->memory_mib,
		 cvm_vm_guest_name(c->guest),
		 c->base_image ? " '"
		 : c->workload ? " "
			       : "",
		 c->base_image ? c->base_image
		 : c->workload ? c->workload
			       : "",
		 c->base_image ? "'" : "");
}

int
vm_out_write(void *opaque, const char *data, size_t len)
{
	struct vm_out *o = opaque;
	size_t k = o->until ? strlen(o->until) : 0;
	char win[sizeof(o->tail) + 8192];
	size_t n, total, keep;

	fwrite(data, 1, len, stdout);
	fflush(stdout);
	if (o->parser)
		cvm_guestio_feed(o->parser, data, len, cvm_now_ns());
	if (!k || o->seen)
		return o->seen;
	/* the tail of earlier output plus this chunk: a match may span */
	for (size_t off = 0; off < len; off += n) {
		n = len - off < 8192 ? len - off : 8192;
		memcpy(win, o->tail, o->ntail);
		memcpy(win + o->ntail, data + off, n);
		total = o->ntail + n;
		if (memmem(win, total, o->until, k))
			return (o->seen = true);
		keep = total < k - 1 ? total : k - 1;
		memcpy(o->tail, win + total - keep, keep);
		o->ntail = keep;
	}
	return 0;
}
