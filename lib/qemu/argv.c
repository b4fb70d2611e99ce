/* SPDX-License-Identifier: MIT */
/*
 * Argument vectors and QEMU option-value escaping: see cvm/qemu.h.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cvm/buf.h"
#include "cvm/qemu.h"

void
cvm_argv_add(struct cvm_argv *a, const char *s)
{
	if (a->n + 2 > a->cap) {
		a->cap = a->cap ? a->cap * 2 : 32;
		a->v = cvm_xrealloc(a->v, a->cap * sizeof(char *));
	}
	a->v[a->n++] = cvm_xstrdup(s);
	a->v[a->n] = NULL;
}

void
cvm_argv_addf(struct cvm_argv *a, const char *fmt, ...)
{
	struct cvm_buf b = CVM_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	cvm_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	cvm_argv_add(a, cvm_buf_str(&b));
	cvm_buf_release(&b);
}

const char *const *
cvm_argv_get(const struct cvm_argv *a)
{
	static const char *const empty[] = {NULL};

	return a->v ? (const char *const *)a->v : empty;
}

void
cvm_argv_release(struct cvm_argv *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	a->v = NULL;
	a->n = a->cap = 0;
}

void
cvm_qemu_opt_escape(struct cvm_buf *b, const char *value)
{
	/* QEMU util/qemu-option.c get_opt_value(): ",," is a literal comma */
	for (const char *p = value; *p; p++) {
		if (*p == ',')
			cvm_buf_addch(b, ',');
		cvm_buf_addch(b, *p);
	}
}

const char *
cvm_qemu_binary(void)
{
	const char *q = getenv("CVM_QEMU");

	return q && *q ? q : "qemu-system-x86_64";
}

char *
cvm_qemu_ovmf_vars_template(const char *code)
{
	const char *base = strrchr(code, '/');
	const char *hit;
	char *vars;
	size_t off;

	base = base ? base + 1 : code;
	hit = strstr(base, "CODE");
	if (!hit)
		return NULL;
	vars = cvm_xstrdup(code);
	off = (size_t)(hit - code);
	memcpy(vars + off, "VARS", 4);
	if (access(vars, R_OK) != 0) {
		free(vars);
		return NULL;
	}
	return vars;
}
