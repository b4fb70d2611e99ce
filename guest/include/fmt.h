/* SPDX-License-Identifier: MIT */
/*
 * Console output and number formatting (libc/fmt.c, libc/fmt-double.c).
 * Self-contained (standard headers only) so the host unit tests can
 * compile the same files.
 */
#ifndef CVM_GUEST_FMT_H
#define CVM_GUEST_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* One byte to the console (plat/serial.c; the unit tests provide one). */
void console_putc(char c);

/*
 * printf subset: %s %c %d %u %x %p, the flags '0' and '-', a width, the
 * length modifiers l, ll and z; %% for a percent sign.  An unknown
 * conversion is copied through.  Return the length the output needs.
 */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int ksnprintf(char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int kvsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/*
 * v as printf's %.{prec}g would print it (prec clamped to 1..15), into
 * buf (always NUL-terminated when n > 0); returns the length needed.
 * Uses SSE: call it only from workload-side code (libc/fmt-double.c).
 */
int fmt_double(char *buf, size_t n, double v, int prec);

#endif
