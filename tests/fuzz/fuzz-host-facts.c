/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the host facts replay (lib/host; docs/host-facts.md): a facts
 * document is JSON that may come from another machine.  The input is
 * parsed as a document, every readiness check runs over it as its fact
 * source, and the report is turned into JSON and policy-host facts.
 * Seeds: the facts files in tests/data/host.
 */
#include <json-c/json.h>

#include "fuzz.h"

#include "cvm/host.h"

static void
check_report(const struct cvm_host_report *rep)
{
	struct cvm_policy_host ph;
	const char *why;

	for (size_t i = 0; i < rep->nchecks; i++) {
		const struct cvm_host_check *c = &rep->checks[i];

		if (!c->id || !c->name || !c->message)
			fuzz_fail("check %zu lacks a field", i);
		if (c->parent >= (int)i || c->cause >= (int)rep->nchecks)
			fuzz_fail("check %s: parent %d cause %d", c->id,
				  c->parent, c->cause);
		if (strchr(c->message, '\n') ||
		    (c->evidence && strchr(c->evidence, '\n')) ||
		    (c->fix && strchr(c->fix, '\n')))
			fuzz_fail("check %s: text spans lines", c->id);
		(void)cvm_check_status_name(c->status);
	}
	for (int l = CVM_PROT_NONE; l <= CVM_PROT_SEV_SNP; l++)
		(void)cvm_host_can_launch(rep, (enum cvm_protection)l, &why);
	cvm_host_policy_host(rep, &ph);
	(void)cvm_host_report_find(rep, "cpu.sev");
	json_object_put(cvm_host_report_json(rep));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_host_facts *f = NULL;
	struct cvm_host_report *rep = NULL;
	struct cvm_host_source src;
	struct cvm_host_opts opts = {.skip_libvirt = false,
				     .source_name = "facts:fuzz"};
	char *text = fuzz_cstr(data, size);
	int r;

	r = cvm_host_facts_parse(text, "fuzz", &f, &err);
	fuzz_check_err(r, &err, "cvm_host_facts_parse");
	if (r == 0) {
		(void)cvm_host_facts_comment(f);
		src = cvm_host_source_facts(f);
		cvm_err_clear(&err);
		r = cvm_host_check(&src, &opts, &rep, &err);
		fuzz_check_err(r, &err, "cvm_host_check");
		if (r == 0)
			check_report(rep);
		cvm_host_report_free(rep);
		cvm_host_facts_free(f);
	}
	free(text);
	return 0;
}
