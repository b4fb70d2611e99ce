/* SPDX-License-Identifier: MIT */
/* Output helpers: see out.h. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cvm/buf.h"
#include "cvm/cleanup.h"
#include "cvm/log.h"
#include "out.h"

/* One line, as lib/core/err.c makes library messages: the arguments a
 * message quotes may hold newlines or escape sequences. */
static void print_line(const char *head, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void
print_line(const char *head, const char *fmt, va_list ap)
{
	char msg[CVM_ERR_MSG_MAX];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	for (char *p = msg; *p; p++)
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
			*p = '?';
	fprintf(stderr, "%s%s\n", head, msg);
}

static void error_line(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void
error_line(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_line("cvm: error: ", fmt, ap);
	va_end(ap);
}

int
cli_error(const struct cvm_err *err)
{
	if (err->msg[0])
		error_line("%s", err->msg);
	else
		error_line("%s", cvm_strerror(err->code));
	return cvm_err_exit_status(err->code ? err->code : -1);
}

int
cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_line("cvm: error: ", fmt, ap);
	va_end(ap);
	fprintf(stderr, "(see '%s --help')\n", cmd);
	return 2;
}

void
cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_line("cvm: warning: ", fmt, ap);
	va_end(ap);
}

bool
out_color(FILE *f)
{
	const char *term = getenv("TERM");

	if (getenv("NO_COLOR"))
		return false;
	if (term && strcmp(term, "dumb") == 0)
		return false;
	return isatty(fileno(f));
}

const char *
out_sgr(FILE *f, enum out_colour c)
{
	static const char *const sgr[] = {
		[OUT_PLAIN] = "",	   [OUT_GREEN] = "\033[32m",
		[OUT_YELLOW] = "\033[33m", [OUT_RED] = "\033[31m",
		[OUT_BOLD] = "\033[1m",	   [OUT_DIM] = "\033[2m",
	};

	return out_color(f) ? sgr[c] : "";
}

const char *
out_reset(FILE *f)
{
	return out_color(f) ? "\033[0m" : "";
}

void
out_json(struct json_object *obj)
{
	fputs(json_object_to_json_string_ext(
		      obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
				   JSON_C_TO_STRING_NOSLASHESCAPE),
	      stdout);
	fputc('\n', stdout);
	json_object_put(obj);
}

struct out_table {
	size_t ncols, nrows, cap;
	char **cells; /* (nrows + 1) * ncols, row 0 = header */
};

static void
table_add(struct out_table *t, const char *const *cells)
{
	if (t->nrows + 1 >= t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->cells = cvm_xrealloc(t->cells,
					t->cap * t->ncols * sizeof(char *));
	}
	for (size_t c = 0; c < t->ncols; c++)
		t->cells[t->nrows * t->ncols + c] =
			cvm_xstrdup(cells[c] ? cells[c] : "-");
	t->nrows++;
}

struct out_table *
out_table_new(size_t ncols, const char *const *header)
{
	struct out_table *t = cvm_xcalloc(1, sizeof(*t));

	t->ncols = ncols;
	table_add(t, header);
	return t;
}

void
out_table_row(struct out_table *t, const char *const *cells)
{
	table_add(t, cells);
}

void
out_table_print(struct out_table *t, FILE *f)
{
	cleanup_free size_t *w = cvm_xcalloc(t->ncols, sizeof(size_t));

	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			size_t l = strlen(t->cells[r * t->ncols + c]);

			if (l > w[c])
				w[c] = l;
		}
	for (size_t r = 0; r < t->nrows; r++) {
		if (r == 0)
			fputs(out_sgr(f, OUT_BOLD), f);
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];

			if (c + 1 == t->ncols)
				fputs(s, f);
			else
				fprintf(f, "%-*s  ", (int)w[c], s);
		}
		if (r == 0)
			fputs(out_reset(f), f);
		fputc('\n', f);
	}
}

void
out_table_free(struct out_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

static void
log_stderr(void *opaque, enum cvm_log_level level, const char *msg)
{
	bool verbose = opaque != NULL;
	static const char *const names[] = {"error", "warning", "info",
					    "debug"};

	if (level == CVM_LOG_DEBUG && !verbose)
		return;
	if (level == CVM_LOG_INFO)
		fprintf(stderr, "cvm: %s\n", msg);
	else
		fprintf(stderr, "cvm: %s: %s\n", names[level], msg);
}

void
cli_log_init(bool verbose)
{
	cvm_log_set(log_stderr, verbose ? (void *)1 : NULL);
}
