/* SPDX-License-Identifier: MIT */
/*
 * Shared by the libFuzzer harnesses in tests/fuzz/ (docs/security.md,
 * "Fuzzing").  Each harness is one fuzz-<name>.c defining
 * LLVMFuzzerTestOneInput(); it must be deterministic for a given input,
 * leak nothing, and check the library's promises beyond "no crash":
 * error messages are one NUL-terminated line, outputs stay in range.
 * A broken promise calls fuzz_fail(), which aborts so that libFuzzer
 * records the input as a crash.
 */
#ifndef CVM_FUZZ_H
#define CVM_FUZZ_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvm/buf.h"
#include "cvm/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static inline void __attribute__((noreturn, format(printf, 1, 2)))
fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("fuzz: broken promise: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

/*
 * The rules of include/cvm/err.h: a failure has a negative code and a
 * non-empty, NUL-terminated message without a line break; success
 * leaves the code alone.  `r` is what the function returned.
 */
static inline void
fuzz_check_err(int r, const struct cvm_err *err, const char *fn)
{
	size_t n;

	if (r >= 0)
		return;
	n = strnlen(err->msg, sizeof(err->msg));
	if (n == sizeof(err->msg))
		fuzz_fail("%s: error message not terminated", fn);
	if (n == 0)
		fuzz_fail("%s: failed (%d) without a message", fn, r);
	if (memchr(err->msg, '\n', n))
		fuzz_fail("%s: error message spans lines: %s", fn, err->msg);
}

/* A NUL-terminated copy of the input (malloc'd). */
static inline char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = cvm_xmalloc(size + 1);

	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* The input as a sequence of fields, consumed from the front. */
struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t
fuzz_u8(struct fuzz_in *in)
{
	uint8_t v = 0;

	if (in->n) {
		v = in->p[0];
		in->p++;
		in->n--;
	}
	return v;
}

static inline uint64_t
fuzz_u64(struct fuzz_in *in)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)fuzz_u8(in) << (8 * i);
	return v;
}

/* Up to `max` bytes (fewer at the end of the input). */
static inline const uint8_t *
fuzz_bytes(struct fuzz_in *in, size_t max, size_t *got)
{
	const uint8_t *p = in->p;

	*got = in->n < max ? in->n : max;
	in->p += *got;
	in->n -= *got;
	return p;
}

/*
 * A NUL-terminated field: the bytes up to the next NUL (or the end),
 * malloc'd.  Lets one input carry several strings.
 */
static inline char *
fuzz_str(struct fuzz_in *in)
{
	const uint8_t *nul = in->n ? memchr(in->p, 0, in->n) : NULL;
	size_t len = nul ? (size_t)(nul - in->p) : in->n;
	char *s = fuzz_cstr(in->p, len);

	in->p += len + (nul ? 1 : 0);
	in->n -= len + (nul ? 1 : 0);
	return s;
}

/* The shared reference folder (../shared), for harnesses that load
 * fixed certificates at start-up; $CVM_SHARED overrides. */
static inline const char *
fuzz_shared_dir(void)
{
	const char *s = getenv("CVM_SHARED");

	return s && *s ? s : CVM_SHARED_DIR;
}

#endif
