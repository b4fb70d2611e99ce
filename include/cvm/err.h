/* SPDX-License-Identifier: MIT */
/*
 * Errors as values.  Every libcvm function that can fail takes a
 * `struct cvm_err *err` as its last parameter, returns a negative code on
 * failure and fills `err` with a one-line, lowercase message that names
 * the subject in single quotes.  The error lives on the caller's stack,
 * so it never needs freeing.  The library never prints or exits.
 */
#ifndef CVM_ERR_H
#define CVM_ERR_H

#include <errno.h>
#include <stdarg.h>

/* cvm's own error codes, beyond errno; always used negated (-CVM_E_*). */
enum cvm_errcode {
	CVM_E_BASE = 4096,
	CVM_E_USAGE,	   /* bad command line: exit status 2 */
	CVM_E_PARSE,	   /* malformed input data */
	CVM_E_UNSUPPORTED, /* valid input that cvm or the host cannot handle */
	CVM_E_INVALID,	   /* verification ran and the subject is invalid */
	CVM_E_FIRMWARE,	   /* the SEV firmware returned an error status */
	CVM_E_HOST,	   /* the host cannot do what was asked */
	CVM_E_CHILD,	   /* a program cvm started failed */
	CVM_E_TIMEOUT,	   /* something took longer than allowed */
	CVM_E_STATE,	   /* an object is in the wrong state for the request */
	CVM_E_MAX,
};

#define CVM_ERR_MSG_MAX 512

struct cvm_err {
	int code; /* 0, a negative errno, or -CVM_E_* */
	char msg[CVM_ERR_MSG_MAX];
};

#define CVM_ERR_INIT \
	{            \
		0    \
	}

/*
 * Set `err` to `code` (negative) and a formatted message; returns `code`
 * so that `return cvm_err_set(err, -EINVAL, "bad '%s'", s);` works.
 * `err` may be NULL, in which case only the code is returned.
 */
int cvm_err_set(struct cvm_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* As cvm_err_set() with a va_list. */
int cvm_err_vset(struct cvm_err *err, int code, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/*
 * Add context in front of the current message ("launch 'vm0': " + msg)
 * and return the unchanged code.  The innermost cause is kept.
 */
int cvm_err_prefix(struct cvm_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Reset to "no error". */
void cvm_err_clear(struct cvm_err *err);

/* A short description of a code: strerror() for errno, ours otherwise. */
const char *cvm_strerror(int code);

/*
 * The process exit status the front ends use for a code: 2 for usage
 * errors, 3 for an invalid (verified and rejected) subject, 1 otherwise,
 * 0 for code >= 0.
 */
int cvm_err_exit_status(int code);

#endif
