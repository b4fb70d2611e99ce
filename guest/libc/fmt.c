/* SPDX-License-Identifier: MIT */
/*
 * A printf subset for the kernel (integers and strings only: the core
 * has no floating point; doubles are formatted in libc/fmt-double.c).
 * One engine writes through a sink, so kprintf() streams to the console
 * with no buffer limit and ksnprintf() fills a buffer.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../include/fmt.h"

struct sink {
	void (*put)(struct sink *s, char c);
	char *buf;
	size_t cap, len; /* len counts every byte, stored or not */
};

static void
put_console(struct sink *s, char c)
{
	console_putc(c);
	s->len++;
}

static void
put_buf(struct sink *s, char c)
{
	if (s->len + 1 < s->cap)
		s->buf[s->len] = c;
	s->len++;
}

struct spec {
	bool zero, left;
	unsigned width;
	int lng; /* 0, 1 (l, z) or 2 (ll) */
};

static void
emit_padded(struct sink *s, const struct spec *sp, const char *str, size_t n,
	    bool numeric_neg)
{
	size_t pad = sp->width > n ? sp->width - n : 0;

	if (numeric_neg && sp->zero && !sp->left) {
		s->put(s, '-');
		str++;
	}
	while (!sp->left && pad--)
		s->put(s, sp->zero ? '0' : ' ');
	for (; *str; str++)
		s->put(s, *str);
	while (sp->left && pad--)
		s->put(s, ' ');
}

/* digits of v in base 10 or 16 into the end of buf[24]; returns start */
static char *
utoa(char *end, uint64_t v, unsigned base)
{
	*end = '\0';
	do {
		*--end = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	return end;
}

static void
emit_int(struct sink *s, const struct spec *sp, char conv, va_list *ap)
{
	char tmp[24];
	char *p;
	uint64_t u;
	int64_t v;
	bool neg = false;

	if (conv == 'd') {
		v = sp->lng == 2 ? va_arg(*ap, long long)
		    : sp->lng	 ? va_arg(*ap, long)
				 : va_arg(*ap, int);
		neg = v < 0;
		u = neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	} else if (conv == 'p') {
		u = (uint64_t)(uintptr_t)va_arg(*ap, void *);
	} else {
		u = sp->lng == 2 ? va_arg(*ap, unsigned long long)
		    : sp->lng	 ? va_arg(*ap, unsigned long)
				 : va_arg(*ap, unsigned);
	}
	p = utoa(tmp + sizeof(tmp) - 1, u,
		 conv == 'x' || conv == 'p' ? 16 : 10);
	if (conv == 'p') {
		*--p = 'x';
		*--p = '0';
	}
	if (neg)
		*--p = '-';
	emit_padded(s, sp, p, strlen(p), neg);
}

static const char *
parse_spec(const char *f, struct spec *sp)
{
	*sp = (struct spec){0};
	for (;; f++) {
		if (*f == '0')
			sp->zero = true;
		else if (*f == '-')
			sp->left = true;
		else
			break;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (unsigned)(*f++ - '0');
	if (*f == 'z') {
		sp->lng = 1;
		f++;
	}
	while (*f == 'l') {
		sp->lng++;
		f++;
	}
	return f;
}

static void
format(struct sink *s, const char *f, va_list ap0)
{
	struct spec sp;
	const char *str;
	char c[2] = {0, 0};
	va_list ap;

	va_copy(ap, ap0);
	for (; *f; f++) {
		if (*f != '%') {
			s->put(s, *f);
			continue;
		}
		f = parse_spec(f + 1, &sp);
		switch (*f) {
		case 's':
			str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			emit_padded(s, &sp, str, strlen(str), false);
			break;
		case 'c':
			c[0] = (char)va_arg(ap, int);
			emit_padded(s, &sp, c, 1, false);
			break;
		case 'd':
		case 'u':
		case 'x':
		case 'p':
			emit_int(s, &sp, *f, &ap);
			break;
		case '%':
			s->put(s, '%');
			break;
		default: /* unknown or truncated: show it, do not guess */
			s->put(s, '%');
			if (*f)
				s->put(s, *f);
			else
				f--; /* the loop's f++ lands on the NUL */
		}
	}
	va_end(ap);
}

int
kvsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct sink s = {.put = put_buf, .buf = buf, .cap = n};

	format(&s, fmt, ap);
	if (n)
		buf[s.len < n ? s.len : n - 1] = '\0';
	return (int)s.len;
}

int
ksnprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = kvsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

int
kprintf(const char *fmt, ...)
{
	struct sink s = {.put = put_console};
	va_list ap;

	va_start(ap, fmt);
	format(&s, fmt, ap);
	va_end(ap);
	return (int)s.len;
}
