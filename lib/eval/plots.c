/* SPDX-License-Identifier: MIT */
/*
 * The report's plots, drawn by gnuplot (run without a shell) as PNG and
 * SVG from data files written next to them:
 *
 *   boot-phases   stacked bars per guest and protection: the median time
 *                 from QEMU's start to the first console byte, to guest
 *                 main (Linux: init), to workload start, the workload, and
 *                 the exit (of `hello`, else each cell's first workload)
 *   overhead      per workload, the slowdown of each protection level
 *                 against none, with its 95% CI (a labelled empty chart
 *                 when no protected level ran)
 *   ratio         per workload, how many times better the unikernel is
 *                 than Linux (time to workload start, and the workload's
 *                 own metric), with 95% CIs, log scale
 *   memory        QEMU's peak RSS per workload, guest and protection
 *
 * See cvm_eval_plots() in cvm/eval.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvm/cleanup.h"
#include "cvm/proc.h"
#include "cvm/util.h"
#include "eval-priv.h"

#define MAX_ROWS   64
#define MAX_SERIES 16

/* A table of (value, low, high) triples: rows x series. */
struct grid {
	const char *rows[MAX_ROWS];
	char *series[MAX_SERIES];
	size_t nrows, nseries;
	double v[MAX_ROWS][MAX_SERIES][3];
};

static void
grid_init(struct grid *g)
{
	memset(g, 0, sizeof(*g));
	for (size_t r = 0; r < MAX_ROWS; r++)
		for (size_t s = 0; s < MAX_SERIES; s++)
			g->v[r][s][0] = g->v[r][s][1] = g->v[r][s][2] = NAN;
}

static void
grid_release(struct grid *g)
{
	for (size_t s = 0; s < g->nseries; s++)
		free(g->series[s]);
}

static size_t
grid_row(struct grid *g, const char *name)
{
	for (size_t i = 0; i < g->nrows; i++)
		if (!strcmp(g->rows[i], name))
			return i;
	if (g->nrows == MAX_ROWS)
		return MAX_ROWS;
	g->rows[g->nrows] = name;
	return g->nrows++;
}

static size_t
grid_series(struct grid *g, const char *name)
{
	for (size_t i = 0; i < g->nseries; i++)
		if (!strcmp(g->series[i], name))
			return i;
	if (g->nseries == MAX_SERIES)
		return MAX_SERIES;
	g->series[g->nseries] = cvm_xstrdup(name);
	return g->nseries++;
}

static void
grid_set(struct grid *g, const char *row, const char *series, double v,
	 double lo, double hi)
{
	size_t r = grid_row(g, row), s = grid_series(g, series);

	if (r < MAX_ROWS && s < MAX_SERIES) {
		g->v[r][s][0] = v;
		g->v[r][s][1] = lo;
		g->v[r][s][2] = hi;
	}
}

/* 'text' for a gnuplot script: single quotes, '' for a quote */
static void
quoted(struct cvm_buf *b, const char *s)
{
	cvm_buf_addch(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			cvm_buf_addch(b, '\'');
		cvm_buf_addch(b, *s);
	}
	cvm_buf_addch(b, '\'');
}

/* The data file: "ROW" v lo hi v lo hi ... (NaN for missing). */
static int
write_grid(const struct grid *g, const char *path, struct cvm_err *err)
{
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;

	for (size_t r = 0; r < g->nrows; r++) {
		cvm_buf_addf(&b, "\"%s\"", g->rows[r]);
		for (size_t s = 0; s < g->nseries; s++)
			for (int k = 0; k < 3; k++)
				cvm_buf_addf(&b, " %.6g", g->v[r][s][k]);
		cvm_buf_addch(&b, '\n');
	}
	return cvm_file_write_atomic(path, cvm_buf_str(&b), b.len, 0644, err);
}

struct plot {
	const char *dir, *name, *title, *ylabel;
	bool emulated;
};

/* The header of a script drawing into NAME.png, then NAME.svg. */
static void
script_head(struct cvm_buf *b, const struct plot *p)
{
	cvm_buf_adds(b, "set datafile missing 'NaN'\n"
			"set style fill solid 0.85 border -1\n"
			"set grid ytics\nset key outside right top\n"
			"set xtics nomirror rotate by -20\n"
			"set terminal pngcairo size 960,540 font 'sans,10'\n"
			"set output ");
	cvm_buf_addf(b, "'%s/%s.png'\nset title ", p->dir, p->name);
	{
		cleanup_free char *t = cvm_xasprintf(
			"%s%s", p->title,
			p->emulated ? " (TCG: emulated, not hardware speed)"
				    : "");

		quoted(b, t);
	}
	cvm_buf_adds(b, "\nset ylabel ");
	quoted(b, p->ylabel);
	cvm_buf_adds(b, "\n");
}

static void
script_svg(struct cvm_buf *b, const struct plot *p)
{
	cvm_buf_addf(b,
		     "set terminal svg size 960,540 font 'sans,10' background "
		     "'white'\nset output '%s/%s.svg'\nreplot\nunset output\n",
		     p->dir, p->name);
}

static int
run_gnuplot(const struct plot *p, const struct cvm_buf *script,
	    struct cvm_err *err)
{
	cleanup_free char *path = cvm_xasprintf("%s/%s.gp", p->dir, p->name);
	const char *const argv[] = {"gnuplot", path, NULL};
	struct cvm_proc_result r = CVM_PROC_RESULT_INIT;
	int ret;

	if ((ret = cvm_file_write_atomic(path, script->data, script->len, 0644,
					 err)) < 0)
		return ret;
	ret = cvm_proc_run(argv, NULL, 0, 60000, &r, err);
	if (ret == 0 && r.status != 0)
		ret = cvm_err_set(err, -CVM_E_CHILD, "gnuplot '%s': %.200s",
				  path, cvm_buf_str(&r.err));
	cvm_proc_result_release(&r);
	return ret;
}

/* Clustered bars with error bars: one clause per series. */
static int
plot_grid(const struct plot *p, const struct grid *g, bool logscale,
	  struct cvm_err *err)
{
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	cleanup_free char *dat = cvm_xasprintf("%s/%s.dat", p->dir, p->name);
	int r;

	if ((r = write_grid(g, dat, err)) < 0)
		return r;
	script_head(&b, p);
	cvm_buf_adds(&b, "set style data histograms\n"
			 "set style histogram errorbars gap 2 lw 1\n"
			 "set boxwidth 0.9 relative\nset yrange [0:*]\n");
	if (logscale)
		cvm_buf_adds(&b, "set logscale y\nset yrange [0.1:*]\n"
				 "set arrow from graph 0, first 1 to graph 1, "
				 "first 1 nohead dt 2\n");
	cvm_buf_adds(&b, "plot ");
	for (size_t s = 0; s < g->nseries; s++) {
		cvm_buf_addf(&b, "%s'%s' using %zu:%zu:%zu%s title ",
			     s ? ", " : "", dat, 2 + 3 * s, 3 + 3 * s,
			     4 + 3 * s, s ? "" : ":xtic(1)");
		quoted(&b, g->series[s]);
	}
	cvm_buf_adds(&b, "\n");
	script_svg(&b, p);
	return run_gnuplot(p, &b, err);
}

/* A chart that only says why it is empty. */
static int
plot_empty(const struct plot *p, const char *why, struct cvm_err *err)
{
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;

	script_head(&b, p);
	cvm_buf_adds(&b, "unset key\nunset xtics\nunset ytics\n"
			 "set label 1 ");
	quoted(&b, why);
	cvm_buf_adds(&b, " at graph 0.5, graph 0.5 center\n"
			 "plot [0:1] [0:1] NaN notitle\n");
	script_svg(&b, p);
	return run_gnuplot(p, &b, err);
}

static double
median_of(struct json_object *cell, const char *metric)
{
	struct json_object *ms = json_object_object_get(cell, "metrics");

	return eval_json_num(json_object_object_get(ms, metric), "median", NAN);
}

/* The cell whose boot the plot shows for a guest and level: hello, else
 * the first. */
static struct json_object *
boot_cell(struct json_object *cells, const char *guest, const char *level)
{
	struct json_object *first = NULL;
	size_t n = json_object_array_length(cells);

	for (size_t i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(cells, i);

		if (strcmp(eval_json_str(c, "guest"), guest) ||
		    strcmp(eval_json_str(c, "protection"), level))
			continue;
		if (!strcmp(eval_json_str(c, "workload"), "hello"))
			return c;
		if (!first)
			first = c;
	}
	return first;
}

/* One bar: the phase medians as segments (a missing phase adds 0). */
static void
boot_row(struct cvm_buf *b, struct json_object *c)
{
	static const char *const ph[] = {"boot.first_output", "boot.guest_main",
					 "boot.workload_start",
					 "boot.workload_end", "boot.exit"};
	double prev = 0;

	cvm_buf_addf(b, "\"%s %s (%s)\"", eval_json_str(c, "guest"),
		     eval_json_str(c, "protection"),
		     eval_json_str(c, "workload"));
	for (size_t i = 0; i < CVM_ARRAY_SIZE(ph); i++) {
		double t = median_of(c, ph[i]);
		double seg = isfinite(t) && t > prev ? t - prev : 0;

		cvm_buf_addf(b, " %.6g", seg);
		if (isfinite(t) && t > prev)
			prev = t;
	}
	cvm_buf_addch(b, '\n');
}

static int
plot_boot(struct json_object *res, const struct plot *p, struct cvm_err *err)
{
	static const char *const guests[] = {"unikernel", "linux"};
	static const char *const levels[] = {"none", "sev", "sev-es",
					     "sev-snp"};
	struct json_object *cells = json_object_object_get(res, "cells");
	cleanup_buf struct cvm_buf d = CVM_BUF_INIT, b = CVM_BUF_INIT;
	cleanup_free char *dat = cvm_xasprintf("%s/%s.dat", p->dir, p->name);
	int r;

	for (size_t g = 0; g < 2; g++)
		for (size_t l = 0; l < 4; l++) {
			struct json_object *c =
				boot_cell(cells, guests[g], levels[l]);

			if (c)
				boot_row(&d, c);
		}
	if (!d.len)
		return plot_empty(p, "no run finished", err);
	if ((r = cvm_file_write_atomic(dat, d.data, d.len, 0644, err)) < 0)
		return r;
	script_head(&b, p);
	cvm_buf_addf(&b,
		     "set style data histograms\n"
		     "set style histogram rowstacked\nset boxwidth 0.6\n"
		     "set yrange [0:*]\n"
		     "plot '%s' using 2:xtic(1) title 'QEMU start to first "
		     "console output', '' using 3 title 'to guest main (Linux: "
		     "init)', '' using 4 title 'to workload start', '' using 5 "
		     "title 'workload', '' using 6 title 'to QEMU exit'\n",
		     dat);
	script_svg(&b, p);
	return run_gnuplot(p, &b, err);
}

/* Overheads (kind "slowdown vs none") or ratios of each workload's
 * primary metric into a grid; `also` adds a second metric's series. */
static void
pairs_grid(struct json_object *list, struct grid *g, bool ratio)
{
	size_t n = json_object_array_length(list);

	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(list, i);
		const char *m = eval_json_str(o, "metric");
		bool start = !strcmp(m, "boot.workload_start");
		bool primary = !strcmp(m, "workload.time") ||
			       !strcmp(m, "workload.triad") ||
			       (start &&
				!strcmp(eval_json_str(o, "workload"), "hello"));
		char series[96];

		if (!primary && !(ratio && start))
			continue;
		if (ratio)
			snprintf(series, sizeof(series), "%s (%s)",
				 start ? "time to workload start"
				       : "workload time or bandwidth",
				 eval_json_str(o, "protection"));
		else
			snprintf(series, sizeof(series), "%s %s",
				 eval_json_str(o, "guest"),
				 eval_json_str(o, "protection"));
		grid_set(g, eval_json_str(o, "workload"), series,
			 eval_json_num(o, "factor", NAN),
			 eval_json_num(o, "ci_low", NAN),
			 eval_json_num(o, "ci_high", NAN));
	}
}

static void
memory_grid(struct json_object *cells, struct grid *g)
{
	size_t n = json_object_array_length(cells);

	for (size_t i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(cells, i);
		struct json_object *st = json_object_object_get(
			json_object_object_get(c, "metrics"), "qemu.peak_rss");
		char series[64];

		if (!st)
			continue;
		snprintf(series, sizeof(series), "%s %s",
			 eval_json_str(c, "guest"),
			 eval_json_str(c, "protection"));
		grid_set(g, eval_json_str(c, "workload"), series,
			 eval_json_num(st, "median", NAN),
			 eval_json_num(st, "ci_low", NAN),
			 eval_json_num(st, "ci_high", NAN));
	}
}

static int
plot_pairs(struct json_object *res, const struct plot *p, const char *key,
	   bool ratio, struct cvm_err *err)
{
	struct grid *g = cvm_xmalloc(sizeof(*g));
	int r;

	grid_init(g);
	if (!strcmp(key, "memory"))
		memory_grid(json_object_object_get(res, "cells"), g);
	else
		pairs_grid(json_object_object_get(res, key), g, ratio);
	if (!g->nrows)
		r = plot_empty(p,
			       ratio ? "no workload ran in both guests"
			       : strcmp(key, "memory")
				       ? "no protected level ran on this host: "
					 "see Skipped in the report"
				       : "no run finished",
			       err);
	else
		r = plot_grid(p, g, ratio, err);
	grid_release(g);
	free(g);
	return r;
}

int
cvm_eval_plots(struct json_object *res, const char *dir, size_t *made,
	       struct cvm_err *err)
{
	struct json_object *env = json_object_object_get(res, "environment");
	bool emu = json_object_get_boolean(
		json_object_object_get(env, "emulated"));
	cleanup_free char *gp = cvm_which("gnuplot");
	struct plot p[] = {
		{dir, "boot-phases",
		 "Boot phases, median, host clock from QEMU's start", "ms",
		 emu},
		{dir, "overhead",
		 "Slowdown of each protection level against none (95% CI)",
		 "slowdown (x, > 1: slower)", emu},
		{dir, "ratio",
		 "Unikernel vs Linux: how many times better (95% CI)",
		 "factor (> 1: the unikernel is better)", emu},
		{dir, "memory", "QEMU peak RSS, median (95% CI)", "MiB", emu},
	};
	int r;

	*made = 0;
	if (!gp || !cvm_is_executable(gp))
		return cvm_err_set(err, -ENOENT,
				   "gnuplot is not installed (Debian package "
				   "gnuplot-nox): no plots");
	if ((r = plot_boot(res, &p[0], err)) < 0 ||
	    (++*made, r = plot_pairs(res, &p[1], "overheads", false, err)) <
		    0 ||
	    (++*made, r = plot_pairs(res, &p[2], "ratios", true, err)) < 0 ||
	    (++*made, r = plot_pairs(res, &p[3], "memory", false, err)) < 0)
		return r;
	++*made;
	return 0;
}
