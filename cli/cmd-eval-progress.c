/* SPDX-License-Identifier: MIT */
/*
 * `cvm eval` console output: progress on stderr (on a terminal a bar
 * redrawn in place with runs done, cell, repetition and time left;
 * otherwise one plain line per finished run; failed runs always get a
 * line of their own), the skipped cells, and the closing summary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cmd-eval.h"
#include "out.h"

#define BAR_WIDTH 24

void
eval_fmt_duration(char *out, unsigned long size, double s)
{
	unsigned long t = s < 0 ? 0 : (unsigned long)(s + 0.5);

	if (s < 0)
		snprintf(out, size, "?");
	else if (t >= 3600)
		snprintf(out, size, "%luh%02lum", t / 3600, t / 60 % 60);
	else if (t >= 60)
		snprintf(out, size, "%lum%02lus", t / 60, t % 60);
	else
		snprintf(out, size, "%lus", t);
}

void
eval_progress_clear(struct eval_progress_state *st)
{
	if (st->tty && st->drawn)
		fputs("\r\033[K", stderr);
	st->drawn = false;
}

static void
bar(const struct cvm_eval_progress *p)
{
	char left[32], b[BAR_WIDTH + 1];
	size_t fill = p->total ? p->done * BAR_WIDTH / p->total : 0;

	for (size_t i = 0; i < BAR_WIDTH; i++)
		b[i] = i < fill ? '#' : '-';
	b[BAR_WIDTH] = '\0';
	eval_fmt_duration(left, sizeof(left), p->eta_s);
	fprintf(stderr, "\r\033[K[%s] %zu/%zu %s %s %u/%u, %s left", b, p->done,
		p->total, p->cell, p->warmup ? "warm-up" : "run", p->rep,
		p->reps, left);
}

static void
on_start(void *opaque, const struct cvm_eval_progress *p)
{
	struct eval_progress_state *st = opaque;

	if (!st->tty)
		return;
	bar(p);
	st->drawn = true;
}

static void
on_done(void *opaque, const struct cvm_eval_progress *p)
{
	struct eval_progress_state *st = opaque;
	char left[32];

	eval_fmt_duration(left, sizeof(left), p->eta_s);
	if (!p->ok) {
		st->failed++;
		eval_progress_clear(st);
		cli_warn("%s %s %u/%u failed: %s", p->cell,
			 p->warmup ? "warm-up" : "run", p->rep, p->reps,
			 p->error ? p->error : "?");
	} else if (!st->tty) {
		fprintf(stderr,
			"cvm eval: [%zu/%zu] %s %s %u/%u: ok, %.2f s "
			"(about %s left)\n",
			p->done + 1, p->total, p->cell,
			p->warmup ? "warm-up" : "run", p->rep, p->reps,
			p->seconds, left);
	}
}

static void
on_note(void *opaque, const char *msg)
{
	struct eval_progress_state *st = opaque;

	eval_progress_clear(st);
	fprintf(stderr, "cvm eval: %s\n", msg);
}

void
eval_progress_hooks(struct cvm_eval_hooks *h, struct eval_progress_state *st)
{
	memset(st, 0, sizeof(*st));
	st->tty = isatty(STDERR_FILENO) &&
		  !(getenv("TERM") && !strcmp(getenv("TERM"), "dumb"));
	h->run_start = on_start;
	h->run_done = on_done;
	h->note = on_note;
	h->opaque = st;
}

/* the skipped cells, one line per level and reason */
void
eval_print_skipped(const struct cvm_eval_plan *p)
{
	for (size_t i = 0; i < p->ncells; i++) {
		const struct cvm_eval_cell *c = &p->cells[i];
		bool seen = false;
		size_t n = 0;

		if (!c->skipped)
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = p->cells[j].skipped &&
			       p->cells[j].level == c->level &&
			       !strcmp(p->cells[j].skip_reason, c->skip_reason);
		for (size_t j = i; j < p->ncells && !seen; j++)
			n += p->cells[j].skipped &&
			     p->cells[j].level == c->level &&
			     !strcmp(p->cells[j].skip_reason, c->skip_reason);
		if (!seen)
			fprintf(stderr,
				"cvm eval: skipped %s (%zu cell%s): %s\n",
				cvm_protection_name(c->level), n,
				n == 1 ? "" : "s", c->skip_reason);
	}
}

void
eval_summary(const char *dir, bool json, bool interrupted, size_t done,
	     size_t total, unsigned failed)
{
	if (json) {
		struct json_object *j = json_object_new_object();

		json_object_object_add(j, "out", json_object_new_string(dir));
		json_object_object_add(j, "complete",
				       json_object_new_boolean(done == total));
		json_object_object_add(j, "finished_runs",
				       json_object_new_int((int)done));
		json_object_object_add(j, "planned_runs",
				       json_object_new_int((int)total));
		json_object_object_add(j, "failed_runs",
				       json_object_new_int((int)failed));
		json_object_object_add(
			j, "report",
			interrupted ? NULL
				    : json_object_new_string("report.html"));
		out_json(j);
		return;
	}
	if (interrupted)
		printf("interrupted: %zu of %zu runs are kept in %s; run the "
		       "same command to continue\n",
		       done, total, dir);
	else
		printf("%zu run%s in %s: report.md, report.html, results.json, "
		       "results.csv, plots/\n",
		       done, done == 1 ? "" : "s", dir);
}
