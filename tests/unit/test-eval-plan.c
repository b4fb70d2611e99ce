/* SPDX-License-Identifier: MIT */
/*
 * lib/eval: the configuration (defaults, options) and the plan (cells,
 * skipped cells, the interleaved run order).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cvm/eval.h"

static int
opt(struct cvm_eval_config *c, const char *name, const char *v)
{
	struct cvm_err err = CVM_ERR_INIT;

	return cvm_eval_config_option(c, name, v, &err);
}

static void
test_defaults(void **state)
{
	struct cvm_eval_config c;

	(void)state;
	cvm_eval_config_init(&c, false);
	assert_int_equal(c.guests, 3);
	assert_int_equal(c.levels, 0xf); /* none, sev, sev-es, sev-snp */
	assert_int_equal(c.nworkloads, 7);
	assert_int_equal(c.cls, 'S');
	assert_int_equal(c.repeat, 5);
	assert_int_equal(c.warmup, 1);
	assert_string_equal(c.out_dir, "results");
	cvm_eval_config_init(&c, true);
	assert_int_equal(c.repeat, 3);
	assert_int_equal(c.nworkloads, 7); /* every workload, class S */
	assert_string_equal(c.workloads[0], "hello");
	assert_int_equal(cvm_eval_default_memory('S'), 256);
	assert_int_equal(cvm_eval_default_memory('W'), 512);
	assert_int_equal(cvm_eval_default_memory('A'), 1536);
}

static void
test_options(void **state)
{
	struct cvm_eval_config c;
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	cvm_eval_config_init(&c, false);
	assert_int_equal(opt(&c, "guests", "linux"), 0);
	assert_int_equal(c.guests, 1u << CVM_EVAL_LINUX);
	assert_int_equal(opt(&c, "protection", "none,sev-snp"), 0);
	assert_int_equal(c.levels,
			 (1u << CVM_PROT_NONE) | (1u << CVM_PROT_SEV_SNP));
	assert_int_equal(opt(&c, "protection", "available"), 0);
	assert_int_equal(c.levels, 0xf);
	assert_int_equal(opt(&c, "workloads", "ep,hello"), 0);
	assert_int_equal(c.nworkloads, 2);
	assert_string_equal(c.workloads[1], "hello");
	assert_int_equal(opt(&c, "class", "w"), 0);
	assert_int_equal(c.cls, 'W');
	assert_int_equal(opt(&c, "memory", "1G"), 0);
	assert_int_equal(c.memory_mib, 1024);
	assert_int_equal(opt(&c, "warmup", "0"), 0);
	assert_int_equal(c.warmup, 0);
	assert_int_equal(opt(&c, "repeat", "7"), 0);
	assert_int_equal(opt(&c, "pin", "0"), 0);
	assert_string_equal(c.pin, "0");
	assert_int_equal(opt(&c, "accel", "tcg"), 0);
	assert_int_equal(c.accel, CVM_ACCEL_TCG);
	/* refusals name the option and the text */
	assert_int_equal(
		cvm_eval_config_option(&c, "guests", "linux,bsd", &err),
		-CVM_E_USAGE);
	assert_non_null(strstr(err.msg, "--guests 'linux,bsd'"));
	assert_non_null(strstr(err.msg, "'bsd'"));
	assert_int_equal(opt(&c, "workloads", "ep,ep"), -CVM_E_USAGE);
	assert_int_equal(opt(&c, "workloads", "fault"), -CVM_E_USAGE);
	assert_int_equal(opt(&c, "workloads", "ep,,is"), -CVM_E_USAGE);
	assert_int_equal(opt(&c, "protection", "auto"), -CVM_E_USAGE);
	assert_int_equal(opt(&c, "class", "B"), -CVM_E_USAGE);
	assert_int_equal(opt(&c, "repeat", "0"), -CVM_E_USAGE);
	assert_int_equal(opt(&c, "memory", "12"), -CVM_E_USAGE);
	assert_int_equal(opt(&c, "pin", "99999"), -CVM_E_USAGE);
	assert_int_equal(opt(&c, "pin", "1-0"), -CVM_E_USAGE);
	assert_int_equal(opt(&c, "pin", "0;1"), -CVM_E_USAGE);
	assert_int_equal(opt(&c, "bogus", "1"), -CVM_E_USAGE);
}

/* skip every protected level, as a host without SEV does */
static char *
skip_protected(void *opaque, const struct cvm_eval_cell *cell)
{
	(*(int *)opaque)++;
	return cell->level != CVM_PROT_NONE ? strdup("no SEV here") : NULL;
}

static void
test_plan_cells(void **state)
{
	struct cvm_eval_config c;
	struct cvm_eval_plan p;
	struct cvm_err err = CVM_ERR_INIT;
	int calls = 0;
	size_t skipped = 0;

	(void)state;
	cvm_eval_config_init(&c, false);
	opt(&c, "workloads", "hello,ep,is");
	assert_int_equal(
		cvm_eval_plan_make(&c, skip_protected, &calls, &p, &err), 0);
	assert_int_equal(p.ncells, 2 * 4 * 3);
	assert_int_equal(calls, 24);
	assert_string_equal(p.cells[0].id, "unikernel/none/hello/-");
	assert_string_equal(p.cells[1].id, "unikernel/none/ep/S");
	assert_string_equal(p.cells[12].id, "linux/none/hello/-");
	for (size_t i = 0; i < p.ncells; i++) {
		skipped += p.cells[i].skipped;
		if (p.cells[i].skipped)
			assert_string_equal(p.cells[i].skip_reason,
					    "no SEV here");
	}
	assert_int_equal(skipped, 18);
	/* only the 6 runnable cells run: (1 warm-up + 5) each */
	assert_int_equal(p.nruns, 6 * 6);
	for (size_t i = 0; i < p.nruns; i++)
		assert_false(p.cells[p.order[i].cell].skipped);
	cvm_eval_plan_release(&p);
	opt(&c, "guests", "unikernel");
	c.nworkloads = 0;
	assert_int_equal(cvm_eval_plan_make(&c, NULL, NULL, &p, &err),
			 -CVM_E_USAGE);
	cvm_eval_plan_release(&p);
}

static void
test_plan_order_interleaved(void **state)
{
	struct cvm_eval_config c;
	struct cvm_eval_plan p, q;
	struct cvm_err err = CVM_ERR_INIT;
	unsigned rounds, seen[8][8] = {{0}};
	bool rounds_differ = false;
	size_t nc;

	(void)state;
	cvm_eval_config_init(&c, false);
	opt(&c, "protection", "none");
	opt(&c, "workloads", "hello,ep,is,cg");
	opt(&c, "repeat", "4");
	assert_int_equal(cvm_eval_plan_make(&c, NULL, NULL, &p, &err), 0);
	assert_int_equal(cvm_eval_plan_make(&c, NULL, NULL, &q, &err), 0);
	nc = p.ncells;
	rounds = p.warmup + p.repeat;
	assert_int_equal(nc, 8);
	assert_int_equal(p.nruns, nc * rounds);
	for (size_t r = 0; r < rounds; r++)
		for (size_t k = 0; k < nc; k++) {
			const struct cvm_eval_slot *s = &p.order[r * nc + k];

			/* round r holds repetition r of every cell once:
			 * warm-ups first, no configuration run back to back
			 * through all its repetitions */
			assert_int_equal(s->rep, r);
			seen[s->cell][s->rep]++;
			if (r && s->cell != p.order[k].cell)
				rounds_differ = true;
			/* the same config gives the same order */
			assert_int_equal(s->cell, q.order[r * nc + k].cell);
			/* never the same cell twice in a row */
			if (r * nc + k)
				assert_int_not_equal(s->cell, s[-1].cell);
		}
	for (size_t i = 0; i < nc; i++)
		for (size_t r = 0; r < rounds; r++)
			assert_int_equal(seen[i][r], 1);
	assert_true(rounds_differ);
	cvm_eval_plan_release(&p);
	cvm_eval_plan_release(&q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_plan_cells),
		cmocka_unit_test(test_plan_order_interleaved),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
