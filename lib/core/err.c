/* SPDX-License-Identifier: MIT */
/* Errors as values: see cvm/err.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvm/cleanup.h"
#include "cvm/err.h"

/*
 * A message is one line of plain text: a control character from the
 * input it quotes (a newline in a file name, a guest's escape sequence,
 * a QMP reply) becomes '?', as ls -q shows such names; a tab stays.
 */
static void
one_line(char *s)
{
	for (; *s; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			*s = '?';
}

int
cvm_err_vset(struct cvm_err *err, int code, const char *fmt, va_list ap)
{
	if (!err)
		return code;
	err->code = code;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	one_line(err->msg);
	return code;
}

int
cvm_err_set(struct cvm_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cvm_err_vset(err, code, fmt, ap);
	va_end(ap);
	return code;
}

int
cvm_err_prefix(struct cvm_err *err, const char *fmt, ...)
{
	char out[CVM_ERR_MSG_MAX];
	size_t n, left;
	va_list ap;
	int w;

	if (!err)
		return 0;
	va_start(ap, fmt);
	w = vsnprintf(out, sizeof(out), fmt, ap);
	va_end(ap);
	one_line(out);
	n = w < 0 ? 0 : (size_t)w;
	if (n >= sizeof(out) - 1 || !err->msg[0]) {
		memcpy(err->msg, out, sizeof(out));
		return err->code;
	}
	/* out = head ": " old, truncated to the buffer */
	for (const char *p = ": "; *p && n < sizeof(out) - 1; p++)
		out[n++] = *p;
	left = sizeof(out) - 1 - n;
	w = (int)strnlen(err->msg, sizeof(err->msg));
	if ((size_t)w < left)
		left = (size_t)w;
	memcpy(out + n, err->msg, left);
	out[n + left] = '\0';
	memcpy(err->msg, out, sizeof(out));
	return err->code;
}

void
cvm_err_clear(struct cvm_err *err)
{
	if (!err)
		return;
	err->code = 0;
	err->msg[0] = '\0';
}

static const char *const cvm_err_names[] = {
	[CVM_E_USAGE - CVM_E_BASE] = "usage error",
	[CVM_E_PARSE - CVM_E_BASE] = "malformed input",
	[CVM_E_UNSUPPORTED - CVM_E_BASE] = "not supported",
	[CVM_E_INVALID - CVM_E_BASE] = "verification failed",
	[CVM_E_FIRMWARE - CVM_E_BASE] = "SEV firmware error",
	[CVM_E_HOST - CVM_E_BASE] = "host cannot do this",
	[CVM_E_CHILD - CVM_E_BASE] = "child program failed",
	[CVM_E_TIMEOUT - CVM_E_BASE] = "timed out",
	[CVM_E_STATE - CVM_E_BASE] = "wrong state",
};

const char *
cvm_strerror(int code)
{
	int c = code < 0 ? -code : code;

	if (c > CVM_E_BASE && c < CVM_E_MAX && cvm_err_names[c - CVM_E_BASE])
		return cvm_err_names[c - CVM_E_BASE];
	if (c == 0)
		return "success";
	return strerror(c);
}

int
cvm_err_exit_status(int code)
{
	if (code >= 0)
		return 0;
	if (code == -CVM_E_USAGE)
		return 2;
	if (code == -CVM_E_INVALID)
		return 3;
	return 1;
}

_Noreturn void
cvm_bug(const char *file, int line, const char *msg)
{
	fprintf(stderr, "cvm: BUG at %s:%d: %s\n", file, line, msg);
	abort();
}
