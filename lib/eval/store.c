/* SPDX-License-Identifier: MIT */
/*
 * The output folder of an evaluation: plan.json (what is evaluated, and
 * the environment of every session that added runs) and runs.jsonl (one
 * JSON object per finished run, appended with one write() and fsync'd
 * before the next run starts, so an interruption keeps every finished
 * run and a crash can tear at most the last line).  See eval-priv.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "eval-priv.h"

#define PLAN_MAX (16u << 20)
#define RUNS_MAX (1u << 30)

static const char *
jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && v
		       ? json_object_get_string(v)
		       : "";
}

static const char *
jpath(struct json_object *o, const char *a, const char *b)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, a, &v))
		return "";
	return jstr(v, b);
}

bool
eval_plan_mismatch(struct json_object *old, struct json_object *cur, char *why,
		   size_t size)
{
	/* what makes runs comparable: the same cells on the same machine,
	 * QEMU and accelerator (repetitions may change: more are added) */
	static const char *const keys[][2] = {
		{"fingerprint", "cells"},  {"fingerprint", "class"},
		{"fingerprint", "memory"}, {"fingerprint", "vcpus"},
		{"fingerprint", "accel"},  {"fingerprint", "cpu"},
		{"fingerprint", "qemu"},   {"fingerprint", "kernel"},
		{"fingerprint", "warmup"},
	};

	if (strcmp(jstr(old, "schema"), CVM_EVAL_PLAN) != 0) {
		snprintf(why, size, "its plan.json is not a cvm eval plan");
		return true;
	}
	for (size_t i = 0; i < CVM_ARRAY_SIZE(keys); i++) {
		const char *a = jpath(old, keys[i][0], keys[i][1]);
		const char *b = jpath(cur, keys[i][0], keys[i][1]);

		if (strcmp(a, b) != 0) {
			snprintf(why, size, "%s '%.200s' there, '%.200s' now",
				 keys[i][1], a, b);
			return true;
		}
	}
	return false;
}

static int
write_json_atomic(const char *path, struct json_object *o, struct cvm_err *err)
{
	const char *s = json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			   JSON_C_TO_STRING_NOSLASHESCAPE);

	return cvm_file_write_atomic(path, s, strlen(s), 0644, err);
}

/*
 * Parse runs.jsonl; a last line without its newline is a torn write
 * (the run it held was never counted as finished): ignored, and cut off
 * the file when `repair`.
 */
static int
load_runs(struct eval_store *s, bool repair, struct cvm_err *err)
{
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	size_t start = 0, good = 0, line = 0;
	int r = cvm_file_read(s->runs_path, &b, RUNS_MAX, err);

	s->runs = json_object_new_array();
	if (r == -ENOENT) {
		cvm_err_clear(err);
		return 0;
	}
	if (r < 0)
		return r;
	for (size_t i = 0; i < b.len; i++) {
		struct json_object *o;

		if (b.data[i] != '\n')
			continue;
		line++;
		b.data[i] = '\0';
		o = json_tokener_parse(b.data + start);
		if (!o || !json_object_is_type(o, json_type_object)) {
			json_object_put(o);
			return cvm_err_set(err, -CVM_E_PARSE,
					   "'%s' line %zu: not a run record",
					   s->runs_path, line);
		}
		json_object_array_add(s->runs, o);
		start = good = i + 1;
	}
	if (good < b.len) {
		s->dropped_tail = b.len - good;
		if (repair && truncate(s->runs_path, (off_t)good) < 0)
			return cvm_err_set(err, -errno, "truncate '%s': %s",
					   s->runs_path, strerror(errno));
	}
	return 0;
}

/* The stored plan with this session's environment appended. */
static struct json_object *
merged_plan(struct json_object *old, struct json_object *cur)
{
	struct json_object *sessions, *add, *out;

	if (!old)
		return json_object_get(cur);
	out = json_object_get(old);
	if (!json_object_object_get_ex(out, "sessions", &sessions))
		return out;
	if (json_object_object_get_ex(cur, "sessions", &add) &&
	    json_object_array_length(add) > 0)
		json_object_array_add(
			sessions,
			json_object_get(json_object_array_get_idx(add, 0)));
	/* the latest command line and repetitions count */
	json_object_object_add(
		out, "config",
		json_object_get(json_object_object_get(cur, "config")));
	json_object_object_add(
		out, "cells",
		json_object_get(json_object_object_get(cur, "cells")));
	return out;
}

static int
read_plan(const char *path, struct json_object **out, struct cvm_err *err)
{
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	int r = cvm_file_read(path, &b, PLAN_MAX, err);

	*out = NULL;
	if (r < 0)
		return r;
	*out = json_tokener_parse(cvm_buf_str(&b));
	if (!*out || !json_object_is_type(*out, json_type_object)) {
		json_object_put(*out);
		*out = NULL;
		return cvm_err_set(err, -CVM_E_PARSE, "'%s': not JSON", path);
	}
	return 0;
}

/* A new dir/earlier-N, N the first number free. */
static int
make_earlier(const char *dir, char **out, struct cvm_err *err)
{
	for (unsigned n = 1; n < 1000; n++) {
		char *to = cvm_xasprintf("%s/earlier-%u", dir, n);
		int e;

		if (mkdir(to, 0755) == 0) {
			*out = to;
			return 0;
		}
		e = errno;
		free(to);
		if (e != EEXIST)
			return cvm_err_set(err, -e,
					   "create '%s/earlier-%u': %s", dir, n,
					   strerror(e));
	}
	return cvm_err_set(err, -CVM_E_STATE,
			   "'%s' has no free earlier-N name left", dir);
}

static int
move_one(const char *dir, const char *to, const char *name, struct cvm_err *err)
{
	cleanup_free char *a = cvm_xasprintf("%s/%s", dir, name);
	cleanup_free char *b = cvm_xasprintf("%s/%s", to, name);

	if (rename(a, b) < 0 && errno != ENOENT)
		return cvm_err_set(err, -errno, "move '%s' to '%s': %s", a, b,
				   strerror(errno));
	return 0;
}

/* What moves aside: all but the guest/ cache and earlier evaluations;
 * runs.jsonl and plan.json are moved first and last by themselves. */
static int
moves_between(const struct dirent *e)
{
	return strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
	       strcmp(e->d_name, "guest") && strcmp(e->d_name, "runs.jsonl") &&
	       strcmp(e->d_name, "plan.json") &&
	       strncmp(e->d_name, "earlier-", 8);
}

/*
 * Move another evaluation's records from `dir` into dir/earlier-N (the
 * first N free): runs.jsonl first, then the report and anything else
 * it wrote, plan.json last.  An interruption between leaves either the
 * old evaluation (plan.json still there) or a folder that opens as a new
 * one; nothing is lost.  The guest/ cache stays.
 */
static int
move_aside(const char *dir, char **moved_to, struct cvm_err *err)
{
	struct dirent **list = NULL;
	char *to = NULL;
	int r, n;

	if ((r = make_earlier(dir, &to, err)) < 0)
		return r;
	r = move_one(dir, to, "runs.jsonl", err);
	n = r < 0 ? 0 : scandir(dir, &list, moves_between, alphasort);
	if (n < 0)
		r = cvm_err_set(err, -errno, "read '%s': %s", dir,
				strerror(errno));
	for (int i = 0; i < n; i++) {
		if (r == 0)
			r = move_one(dir, to, list[i]->d_name, err);
		free(list[i]);
	}
	free(list);
	if (r == 0)
		r = move_one(dir, to, "plan.json", err);
	if (r < 0) {
		free(to);
		return r;
	}
	*moved_to = to;
	return 0;
}

int
eval_store_open(struct eval_store *s, const char *dir, struct json_object *plan,
		bool replace, char **moved_to, struct cvm_err *err)
{
	cleanup_free char *plan_path = cvm_xasprintf("%s/plan.json", dir);
	struct json_object *old = NULL, *merged;
	char why[512];
	int r;

	memset(s, 0, sizeof(*s));
	s->runs_fd = -1;
	s->dir = cvm_xstrdup(dir);
	s->runs_path = cvm_xasprintf("%s/runs.jsonl", dir);
	if ((r = cvm_mkdir_p(dir, 0755, err)) < 0)
		return r;
	r = read_plan(plan_path, &old, err);
	if (r < 0 && r != -ENOENT)
		return r;
	cvm_err_clear(err);
	*moved_to = NULL;
	if (old && eval_plan_mismatch(old, plan, why, sizeof(why))) {
		json_object_put(old);
		old = NULL;
		if (!replace)
			return cvm_err_set(
				err, -CVM_E_STATE,
				"'%s' holds another evaluation (%s): "
				"give another --out, --replace "
				"(keeps it in %s/earlier-N) or "
				"remove it",
				dir, why, dir);
		if ((r = move_aside(dir, moved_to, err)) < 0)
			return r;
	}
	if ((r = load_runs(s, true, err)) < 0) {
		json_object_put(old);
		return r;
	}
	merged = merged_plan(old, plan);
	json_object_put(old);
	r = write_json_atomic(plan_path, merged, err);
	json_object_put(merged);
	if (r < 0)
		return r;
	s->runs_fd = open(s->runs_path,
			  O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (s->runs_fd < 0)
		return cvm_err_set(err, -errno, "open '%s': %s", s->runs_path,
				   strerror(errno));
	return 0;
}

int
eval_store_append(struct eval_store *s, struct json_object *run,
		  struct cvm_err *err)
{
	const char *text = json_object_to_json_string_ext(
		run, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	cleanup_free char *line = cvm_xasprintf("%s\n", text);
	size_t len = strlen(line);
	ssize_t w = write(s->runs_fd, line, len);

	if (w != (ssize_t)len || fsync(s->runs_fd) < 0) {
		int e = w < 0 ? errno : EIO;

		return cvm_err_set(err, -e, "append to '%s': %s", s->runs_path,
				   strerror(e));
	}
	json_object_array_add(s->runs, json_object_get(run));
	return 0;
}

void
eval_store_close(struct eval_store *s)
{
	if (s->runs_fd >= 0)
		close(s->runs_fd);
	json_object_put(s->runs);
	free(s->dir);
	free(s->runs_path);
	memset(s, 0, sizeof(*s));
	s->runs_fd = -1;
}

int
eval_store_load(const char *dir, struct json_object **plan,
		struct json_object **runs, struct cvm_err *err)
{
	cleanup_free char *plan_path = cvm_xasprintf("%s/plan.json", dir);
	struct eval_store s;
	int r;

	*plan = *runs = NULL;
	if ((r = read_plan(plan_path, plan, err)) < 0)
		return r == -ENOENT ? cvm_err_set(err, r,
						  "'%s' holds no evaluation "
						  "(no plan.json)",
						  dir)
				    : r;
	memset(&s, 0, sizeof(s));
	s.runs_path = cvm_xasprintf("%s/runs.jsonl", dir);
	r = load_runs(&s, false, err);
	free(s.runs_path);
	if (r < 0) {
		json_object_put(s.runs);
		json_object_put(*plan);
		*plan = NULL;
		return r;
	}
	*runs = s.runs;
	return 0;
}

bool
eval_runs_have(struct json_object *runs, const char *cell, unsigned rep)
{
	size_t n = json_object_array_length(runs);

	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(runs, i);
		struct json_object *r;

		if (strcmp(jstr(o, "cell"), cell) == 0 &&
		    json_object_object_get_ex(o, "rep", &r) &&
		    json_object_get_int(r) == (int)rep)
			return true;
	}
	return false;
}
