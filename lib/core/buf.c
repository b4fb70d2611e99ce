/* SPDX-License-Identifier: MIT */
/* Growable buffers and allocation helpers: see cvm/buf.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvm/buf.h"
#include "cvm/cleanup.h"

void *
cvm_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		CVM_BUG("out of memory");
	return p;
}

void *
cvm_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		CVM_BUG("out of memory");
	return p;
}

void *
cvm_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		CVM_BUG("out of memory");
	return q;
}

char *
cvm_xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		CVM_BUG("out of memory");
	return p;
}

char *
cvm_xasprintf(const char *fmt, ...)
{
	struct cvm_buf b = CVM_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	cvm_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	return cvm_buf_detach(&b, NULL);
}

void
cvm_buf_release(struct cvm_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void
cvm_buf_grow(struct cvm_buf *b, size_t extra)
{
	size_t want;

	if (extra > SIZE_MAX - b->len - 1)
		CVM_BUG("buffer size overflow");
	want = b->len + extra + 1;
	if (want <= b->cap)
		return;
	if (b->cap && want < b->cap * 2)
		want = b->cap * 2;
	if (want < 64)
		want = 64;
	b->data = cvm_xrealloc(b->data, want);
	b->cap = want;
	if (b->len == 0)
		b->data[0] = '\0';
}

void
cvm_buf_add(struct cvm_buf *b, const void *p, size_t n)
{
	cvm_buf_grow(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
cvm_buf_adds(struct cvm_buf *b, const char *s)
{
	cvm_buf_add(b, s, strlen(s));
}

void
cvm_buf_addch(struct cvm_buf *b, char c)
{
	cvm_buf_add(b, &c, 1);
}

void
cvm_buf_vaddf(struct cvm_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		CVM_BUG("bad format");
	cvm_buf_grow(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
cvm_buf_addf(struct cvm_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cvm_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void
cvm_buf_truncate(struct cvm_buf *b, size_t n)
{
	if (n > b->len)
		CVM_BUG("truncate beyond length");
	b->len = n;
	if (b->data)
		b->data[n] = '\0';
}

const char *
cvm_buf_str(const struct cvm_buf *b)
{
	return b->data ? b->data : "";
}

char *
cvm_buf_detach(struct cvm_buf *b, size_t *len)
{
	char *p;

	if (!b->data)
		cvm_buf_grow(b, 0);
	p = b->data;
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
