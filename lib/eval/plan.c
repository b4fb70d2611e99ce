/* SPDX-License-Identifier: MIT */
/*
 * The evaluation's configuration (defaults, options from command-line
 * text) and its plan: the cells of the cross product and the
 * interleaved order of their runs.  See cvm/eval.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/eval.h"
#include "cvm/guestio.h"
#include "cvm/util.h"

#define MAX_COUNT 1000000u
/* the per-round seeds of the run order: CVM_STATS_SEED + round */
#define ORDER_SEED (CVM_STATS_SEED ^ 0x6f72646572ull) /* "order" */

/* every workload at class S: EP is the slow one under TCG (~10 s a run) */
static const char *const quick_workloads[] = {"hello", "stream", "ep", "is",
					      "cg",    "mg",	 "ft"};
static const char *const all_workloads[] = {"hello", "stream", "ep", "is",
					    "cg",    "mg",     "ft"};

const char *
cvm_eval_guest_name(enum cvm_eval_guest g)
{
	return g == CVM_EVAL_LINUX ? "linux" : "unikernel";
}

void
cvm_eval_config_init(struct cvm_eval_config *c, bool quick)
{
	const char *const *wl = quick ? quick_workloads : all_workloads;
	size_t n = quick ? CVM_ARRAY_SIZE(quick_workloads)
			 : CVM_ARRAY_SIZE(all_workloads);

	memset(c, 0, sizeof(*c));
	c->guests = (1u << CVM_EVAL_UNIKERNEL) | (1u << CVM_EVAL_LINUX);
	for (int l = CVM_PROT_NONE; l <= CVM_PROT_SEV_SNP; l++)
		c->levels |= 1u << l;
	for (size_t i = 0; i < n; i++)
		c->workloads[i] = wl[i];
	c->nworkloads = n;
	c->cls = 'S';
	c->repeat = quick ? 3 : 5;
	c->warmup = 1;
	c->vcpus = 1;
	c->timeout_s = 600;
	c->accel = CVM_ACCEL_AUTO;
	c->quick = quick;
	c->out_dir = "results";
}

uint64_t
cvm_eval_default_memory(char cls)
{
	return cls == 'A' ? 1536 : cls == 'W' ? 512 : 256;
}

static int
bad(struct cvm_err *err, const char *name, const char *v, const char *why)
{
	return cvm_err_set(err, -CVM_E_USAGE, "--%s '%s': %s", name, v, why);
}

/* Split a comma list; calls `one` per item; rejects empty items. */
static int
each_item(const char *name, const char *v, int (*one)(void *, const char *),
	  void *ctx, const char *hint, struct cvm_err *err)
{
	cleanup_free char *copy = cvm_xstrdup(v);
	char *save = NULL;

	if (!*v || v[0] == ',' || v[strlen(v) - 1] == ',' || strstr(v, ",,"))
		return bad(err, name, v, "an empty item in the list");
	for (char *w = strtok_r(copy, ",", &save); w;
	     w = strtok_r(NULL, ",", &save))
		if (one(ctx, w) < 0)
			return cvm_err_set(err, -CVM_E_USAGE,
					   "--%s '%s': unknown or repeated "
					   "'%s' (use %s)",
					   name, v, w, hint);
	return 0;
}

static int
one_guest(void *ctx, const char *w)
{
	unsigned *m = ctx;

	for (int g = 0; g < CVM_EVAL_NGUESTS; g++)
		if (!strcmp(w, cvm_eval_guest_name(g))) {
			*m |= 1u << g;
			return 0;
		}
	return -1;
}

static int
one_level(void *ctx, const char *w)
{
	unsigned *m = ctx;
	enum cvm_protection p;

	if (!strcmp(w, "available") || !strcmp(w, "all")) {
		*m |= (1u << (CVM_PROT_SEV_SNP + 1)) - 1;
		return 0;
	}
	if (cvm_protection_parse(w, &p) < 0 || p == CVM_PROT_AUTO)
		return -1;
	*m |= 1u << p;
	return 0;
}

static int
one_workload(void *ctx, const char *w)
{
	struct cvm_eval_config *c = ctx;
	const struct cvm_workload_info *wi = cvm_workload_find(w);

	if (!wi || wi->test_only || c->nworkloads >= CVM_EVAL_MAX_WORKLOADS)
		return -1;
	for (size_t i = 0; i < c->nworkloads; i++)
		if (!strcmp(c->workloads[i], wi->name))
			return -1;
	c->workloads[c->nworkloads++] = wi->name;
	return 0;
}

static int
list_option(struct cvm_eval_config *c, const char *name, const char *v,
	    struct cvm_err *err)
{
	if (!strcmp(name, "guests")) {
		c->guests = 0;
		return each_item(name, v, one_guest, &c->guests,
				 "unikernel, linux", err);
	}
	if (!strcmp(name, "protection")) {
		c->levels = 0;
		return each_item(name, v, one_level, &c->levels,
				 "none, sev, sev-es, sev-snp or available",
				 err);
	}
	c->nworkloads = 0;
	return each_item(name, v, one_workload, c,
			 "hello, stream, ep, is, cg, mg, ft, each once", err);
}

static int
count_option(const char *name, const char *v, unsigned min, unsigned *out,
	     struct cvm_err *err)
{
	uint64_t n;

	if (cvm_parse_u64(v, &n) < 0 || n < min || n > MAX_COUNT)
		return bad(err, name, v,
			   min ? "not a number from 1 to 1000000"
			       : "not a number from 0 to 1000000");
	*out = (unsigned)n;
	return 0;
}

/* "0", "0-3", "1,3": CPUs this host has */
static int
pin_option(const char *v, struct cvm_err *err)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	const char *p = v;

	while (*p) {
		char *end;
		unsigned long a = strtoul(p, &end, 10), b = a;

		if (end == p)
			return bad(err, "pin", v,
				   "not a CPU list such as 0-1,3");
		if (*end == '-') {
			p = end + 1;
			b = strtoul(p, &end, 10);
			if (end == p || b < a)
				return bad(err, "pin", v,
					   "not a CPU list such as 0-1,3");
		}
		if ((long)b >= ncpu)
			return bad(err, "pin", v, "no such CPU on this host");
		p = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return bad(err, "pin", v,
				   "not a CPU list such as 0-1,3");
	}
	return *v ? 0 : bad(err, "pin", v, "not a CPU list such as 0-1,3");
}

int
cvm_eval_config_option(struct cvm_eval_config *c, const char *name,
		       const char *v, struct cvm_err *err)
{
	uint64_t n;

	if (!strcmp(name, "guests") || !strcmp(name, "protection") ||
	    !strcmp(name, "workloads"))
		return list_option(c, name, v, err);
	if (!strcmp(name, "class")) {
		if (strlen(v) != 1 || !strchr("SWAswa", v[0]))
			return bad(err, name, v, "use S, W or A");
		c->cls = (char)(v[0] & ~0x20);
		return 0;
	}
	if (!strcmp(name, "repeat"))
		return count_option(name, v, 1, &c->repeat, err);
	if (!strcmp(name, "warmup"))
		return count_option(name, v, 0, &c->warmup, err);
	if (!strcmp(name, "vcpus"))
		return count_option(name, v, 1, &c->vcpus, err);
	if (!strcmp(name, "timeout"))
		return count_option(name, v, 1, &c->timeout_s, err);
	if (!strcmp(name, "memory")) {
		if (cvm_parse_size(v, &n) < 0 || n < (1u << 20))
			return bad(err, name, v, "not a size such as 256M");
		c->memory_mib = n >> 20;
		return 0;
	}
	if (!strcmp(name, "accel")) {
		struct cvm_run_request r = {0};
		int ret = cvm_run_request_option(&r, "accel", v, err);

		c->accel = r.accel;
		return ret;
	}
	if (!strcmp(name, "pin")) {
		c->pin = v;
		return pin_option(v, err);
	}
	if (!strcmp(name, "replace")) {
		c->replace = true;
		return 0;
	}
	if (!strcmp(name, "out") || !strcmp(name, "qemu") ||
	    !strcmp(name, "firmware") || !strcmp(name, "kernel")) {
		if (!*v)
			return bad(err, name, v, "empty");
		*(name[0] == 'o'   ? &c->out_dir
		  : name[0] == 'q' ? &c->qemu
		  : name[0] == 'f' ? &c->firmware
				   : &c->linux_kernel) = v;
		return 0;
	}
	return cvm_err_set(err, -CVM_E_USAGE, "unknown option '--%s'", name);
}

static void
make_cell(struct cvm_eval_cell *cell, const struct cvm_eval_config *c, int g,
	  int l, const char *wl)
{
	const struct cvm_workload_info *wi = cvm_workload_find(wl);

	memset(cell, 0, sizeof(*cell));
	cell->guest = (enum cvm_eval_guest)g;
	cell->level = (enum cvm_protection)l;
	cell->workload = wl;
	cell->cls = wi && wi->classes[0] == '-' ? '-' : c->cls;
	snprintf(cell->id, sizeof(cell->id), "%s/%s/%s/%c",
		 cvm_eval_guest_name(cell->guest),
		 cvm_protection_name(cell->level), wl, cell->cls);
}

/* Fisher-Yates over `n` slots with its own seed per round. */
static void
shuffle(struct cvm_eval_slot *s, size_t n, unsigned round)
{
	uint64_t st = ORDER_SEED + round;

	for (size_t i = n; i > 1; i--) {
		size_t j = cvm_stats_rand_below(&st, i);
		struct cvm_eval_slot t = s[i - 1];

		s[i - 1] = s[j];
		s[j] = t;
	}
}

static void
make_order(struct cvm_eval_plan *p)
{
	size_t nrun = 0, k = 0;
	unsigned rounds = p->warmup + p->repeat;

	for (size_t i = 0; i < p->ncells; i++)
		nrun += !p->cells[i].skipped;
	p->nruns = nrun * rounds;
	p->order = cvm_xcalloc(p->nruns ? p->nruns : 1, sizeof(*p->order));
	for (unsigned r = 0; r < rounds; r++) {
		struct cvm_eval_slot *round = p->order + k;

		for (size_t i = 0; i < p->ncells; i++)
			if (!p->cells[i].skipped)
				p->order[k++] = (struct cvm_eval_slot){i, r};
		shuffle(round, nrun, r);
		/* no cell twice in a row across the rounds' seam either */
		if (r && nrun > 1 && round[0].cell == round[-1].cell) {
			struct cvm_eval_slot t = round[0];

			round[0] = round[1];
			round[1] = t;
		}
	}
}

int
cvm_eval_plan_make(const struct cvm_eval_config *c, cvm_eval_skip_fn skip,
		   void *opaque, struct cvm_eval_plan *p, struct cvm_err *err)
{
	size_t n = 0;

	memset(p, 0, sizeof(*p));
	if (!c->guests || !c->levels || !c->nworkloads)
		return cvm_err_set(err, -CVM_E_USAGE,
				   "nothing to run: give at least one guest, "
				   "protection level and workload");
	p->cells = cvm_xcalloc((size_t)CVM_EVAL_NGUESTS *
				       (CVM_PROT_SEV_SNP + 1) * c->nworkloads,
			       sizeof(*p->cells));
	for (int g = 0; g < CVM_EVAL_NGUESTS; g++)
		for (int l = CVM_PROT_NONE; l <= CVM_PROT_SEV_SNP; l++)
			for (size_t w = 0; w < c->nworkloads; w++) {
				struct cvm_eval_cell *cell = &p->cells[n];

				if (!(c->guests & (1u << g)) ||
				    !(c->levels & (1u << l)))
					continue;
				make_cell(cell, c, g, l, c->workloads[w]);
				cell->skip_reason =
					skip ? skip(opaque, cell) : NULL;
				cell->skipped = cell->skip_reason != NULL;
				n++;
			}
	p->ncells = n;
	p->warmup = c->warmup;
	p->repeat = c->repeat;
	make_order(p);
	return 0;
}

void
cvm_eval_plan_release(struct cvm_eval_plan *p)
{
	for (size_t i = 0; i < p->ncells; i++)
		free(p->cells[i].skip_reason);
	free(p->cells);
	free(p->order);
	memset(p, 0, sizeof(*p));
}
