/* SPDX-License-Identifier: MIT */
/* `cvm demo scrape`: the tables, verdicts and JSON (see cmd-demo.h). */
#include <stdio.h>
#include <string.h>

#include "cmd-demo.h"
#include "out.h"

static const char *
level_text(enum cvm_protection p)
{
	static const char *const t[] = {"plain (unprotected) VM", "SEV VM",
					"SEV-ES VM", "SEV-SNP VM"};

	return p <= CVM_PROT_SEV_SNP ? t[p] : "?";
}

void
demo_scrape_intro(void)
{
	printf("cvm demo scrape: can the host read a secret from a guest's "
	       "memory?\n\n"
	       "The guest builds a secret at run time (never in its image, "
	       "never on its\nconsole) and reports only its random suffix. "
	       "The host then reads the guest's\nmemory three ways and "
	       "searches for the secret, and for a control string that\n"
	       "never entered the guest.\n");
}

static void
size_text(uint64_t b, char *out, size_t n)
{
	if (b >= (1ull << 30))
		snprintf(out, n, "%.1f GiB", (double)b / (1ull << 30));
	else
		snprintf(out, n, "%.1f MiB", (double)b / (1ull << 20));
}

void
demo_scrape_print(const struct cvm_scrape_result *res, bool expected)
{
	static const char *const hdr[] = {"METHOD", "SECRET", "CONTROL",
					  "SCANNED"};
	struct out_table *t = out_table_new(4, hdr);
	bool plain = res->protection == CVM_PROT_NONE;

	printf("\n%s, booted in %.2f s\n  secret  %s\n  control %s\n\n",
	       level_text(res->protection), (double)res->boot_ns / 1e9,
	       res->secret, res->control);
	for (int i = 0; i < CVM_SCRAPE_METHODS; i++) {
		const struct cvm_scrape_method *m = &res->m[i];
		char sec[48], ctl[48], sz[32];
		const char *row[4] = {m->name, sec, ctl, sz};

		if (m->ran) {
			snprintf(sec, sizeof(sec),
				 m->secret_hits ? "found (%llu)" : "not found",
				 (unsigned long long)m->secret_hits);
			snprintf(ctl, sizeof(ctl),
				 m->control_hits ? "FOUND (%llu)" : "not found",
				 (unsigned long long)m->control_hits);
			size_text(m->bytes, sz, sizeof(sz));
		} else {
			snprintf(sec, sizeof(sec), "refused");
			snprintf(ctl, sizeof(ctl), "-");
			snprintf(sz, sizeof(sz), "-");
		}
		out_table_row(t, row);
	}
	out_table_print(t, stdout);
	out_table_free(t);
	for (int i = 0; i < CVM_SCRAPE_METHODS; i++)
		if (!res->m[i].ran)
			printf("  %s: %s\n", res->m[i].name, res->m[i].error);
	printf("  verdict: %s\n",
	       !expected ? "UNEXPECTED: the result contradicts the protection"
	       : plain	 ? "the host reads the secret in the plain guest's "
			   "memory (as expected: nothing protects it)"
			 : "the host cannot find the secret in the protected "
			   "guest's memory");
}

struct json_object *
demo_scrape_json(const struct cvm_scrape_result *res, bool expected)
{
	struct json_object *o = json_object_new_object();
	struct json_object *ms = json_object_new_array();

	json_object_object_add(
		o, "protection",
		json_object_new_string(cvm_protection_name(res->protection)));
	json_object_object_add(
		o, "boot_s",
		json_object_new_double((double)res->boot_ns / 1e9));
	json_object_object_add(o, "secret",
			       json_object_new_string(res->secret));
	json_object_object_add(o, "control",
			       json_object_new_string(res->control));
	for (int i = 0; i < CVM_SCRAPE_METHODS; i++) {
		const struct cvm_scrape_method *m = &res->m[i];
		struct json_object *j = json_object_new_object();

		json_object_object_add(j, "method",
				       json_object_new_string(m->name));
		json_object_object_add(j, "ran",
				       json_object_new_boolean(m->ran));
		json_object_object_add(
			j, "error",
			m->ran ? NULL : json_object_new_string(m->error));
		json_object_object_add(
			j, "secret_hits",
			json_object_new_int64((int64_t)m->secret_hits));
		json_object_object_add(
			j, "control_hits",
			json_object_new_int64((int64_t)m->control_hits));
		json_object_object_add(
			j, "bytes_scanned",
			json_object_new_int64((int64_t)m->bytes));
		json_object_array_add(ms, j);
	}
	json_object_object_add(o, "methods", ms);
	json_object_object_add(o, "as_expected",
			       json_object_new_boolean(expected));
	return o;
}

void
demo_scrape_limits(const char *skipped)
{
	if (skipped)
		printf("\nprotected VM: not run: %s\n  (only the plain half "
		       "ran. "
		       "On SEV and SEV-ES hosts the dumps read the\n  guest's "
		       "private pages as ciphertext; on SNP hosts with "
		       "guest_memfd they are\n  not mapped into QEMU at all "
		       "and "
		       "read as zeros, or QEMU refuses the dump.)\n",
		       skipped);
	printf("\nLimits of the claim: SEV protects the guest's memory while "
	       "it runs. The\nimage, the command line, the environment and "
	       "the console output still pass\nthrough the host in "
	       "plaintext, and so does anything the guest shares on\n"
	       "purpose (DMA bounce buffers, the network). Real secrets must "
	       "arrive after\nattestation.\n");
}
