/* SPDX-License-Identifier: MIT */
/*
 * The human form of a host report: the checks as a tree (box-drawing
 * branches, a coloured status tag on a terminal, evidence and fix under
 * each problem) and the verdict.  Used by `cvm host check`.
 */
#include <stdio.h>

#include "cmd-host.h"
#include "cvm/cleanup.h"
#include "out.h"

static const char *
tag(enum cvm_check_status s, enum out_colour *c)
{
	static const char *const tags[] = {"[ ok ]", "[warn]", "[FAIL]",
					   "[skip]"};
	static const enum out_colour colours[] = {OUT_GREEN, OUT_YELLOW,
						  OUT_RED, OUT_DIM};

	*c = colours[s];
	return tags[s];
}

/* Is check i the last child of its parent? */
static bool
last_child(const struct cvm_host_report *r, size_t i)
{
	for (size_t j = i + 1; j < r->nchecks; j++)
		if (r->checks[j].parent == r->checks[i].parent)
			return false;
	return true;
}

/* The tree prefix of check i: one column per ancestor below the root. */
static void
tree_prefix(const struct cvm_host_report *r, size_t i, bool cont,
	    struct cvm_buf *b)
{
	const struct cvm_host_check *c = &r->checks[i];
	size_t chain[16], n = 0;

	cvm_buf_truncate(b, 0);
	for (int p = c->parent; p >= 0 && r->checks[p].parent >= 0 && n < 16;
	     p = r->checks[p].parent)
		chain[n++] = (size_t)p;
	while (n--)
		cvm_buf_adds(b, last_child(r, chain[n]) ? "   " : "│  ");
	if (c->parent < 0)
		return;
	if (cont)
		cvm_buf_adds(b, last_child(r, i) ? "   " : "│  ");
	else
		cvm_buf_adds(b, last_child(r, i) ? "└─ " : "├─ ");
}

void
host_print_tree(const struct cvm_host_report *r, bool verbose)
{
	cleanup_buf struct cvm_buf pre = CVM_BUF_INIT;
	cleanup_buf struct cvm_buf cont = CVM_BUF_INIT;

	for (size_t i = 0; i < r->nchecks; i++) {
		const struct cvm_host_check *c = &r->checks[i];
		enum out_colour col;
		const char *t = tag(c->status, &col);
		bool detail = verbose || c->status == CVM_CHECK_WARN ||
			      c->status == CVM_CHECK_FAIL;

		if (c->parent < 0 && i)
			putchar('\n');
		tree_prefix(r, i, false, &pre);
		tree_prefix(r, i, true, &cont);
		printf("%s%s%s%s %s%s%s: %s\n", cvm_buf_str(&pre),
		       out_sgr(stdout, col), t, out_reset(stdout),
		       out_sgr(stdout, OUT_BOLD), c->name, out_reset(stdout),
		       c->message);
		if (detail && c->evidence[0])
			printf("%s       %sevidence: %s%s\n",
			       cvm_buf_str(&cont), out_sgr(stdout, OUT_DIM),
			       c->evidence, out_reset(stdout));
		if (detail && c->fix && c->status != CVM_CHECK_OK)
			printf("%s       fix: %s\n", cvm_buf_str(&cont),
			       c->fix);
	}
}

void
host_print_verdict(const struct cvm_host_report *r)
{
	enum out_colour col = r->max == CVM_PROT_NONE ? OUT_RED : OUT_GREEN;

	printf("\n%sverdict%s: the highest protection this host can launch "
	       "now is %s%s%s\n",
	       out_sgr(stdout, OUT_BOLD), out_reset(stdout),
	       out_sgr(stdout, col), cvm_protection_name(r->max),
	       out_reset(stdout));
	for (int l = CVM_PROT_SEV; l <= CVM_PROT_SEV_SNP; l++) {
		const struct cvm_host_level *lv = &r->level[l];

		printf("  %-8s %s%s\n",
		       cvm_protection_name((enum cvm_protection)l),
		       lv->launchable ? "ready" : "blocked by ",
		       lv->launchable ? "" : lv->message);
	}
}
