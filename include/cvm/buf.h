/* SPDX-License-Identifier: MIT */
/*
 * A growable byte buffer with git strbuf's rules: `data` is always
 * NUL-terminated (so text can be used as a C string), `len` excludes the
 * terminator.  Allocation failure aborts (xmalloc rule), so no function
 * here reports out-of-memory.
 */
#ifndef CVM_BUF_H
#define CVM_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct cvm_buf {
	char *data; /* NULL only before the first write; see cvm_buf_str() */
	size_t len;
	size_t cap;
};

#define CVM_BUF_INIT       \
	{                  \
		NULL, 0, 0 \
	}

/* Free the storage and reset to CVM_BUF_INIT. */
void cvm_buf_release(struct cvm_buf *b);
/* Make room for `extra` more bytes. */
void cvm_buf_grow(struct cvm_buf *b, size_t extra);
void cvm_buf_add(struct cvm_buf *b, const void *p, size_t n);
void cvm_buf_adds(struct cvm_buf *b, const char *s);
void cvm_buf_addch(struct cvm_buf *b, char c);
void cvm_buf_addf(struct cvm_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cvm_buf_vaddf(struct cvm_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Set the length to `n` (<= len), keeping the storage. */
void cvm_buf_truncate(struct cvm_buf *b, size_t n);
/* The contents as a C string; "" for an empty, never-written buffer. */
const char *cvm_buf_str(const struct cvm_buf *b);
/* Hand the storage to the caller (free() it) and reset the buffer. */
char *cvm_buf_detach(struct cvm_buf *b, size_t *len);

/* Small helpers shared by every module. */
void *cvm_xmalloc(size_t n);
void *cvm_xcalloc(size_t n, size_t size);
void *cvm_xrealloc(void *p, size_t n);
char *cvm_xstrdup(const char *s);
char *cvm_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
