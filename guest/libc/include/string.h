/* SPDX-License-Identifier: MIT */
/*
 * The unikernel's <string.h>: the functions workloads/wl.h allows plus
 * what the kernel uses.  Outside libc/string.c the mem* calls map onto
 * the compiler builtins, so -ffreestanding code still gets small copies
 * inlined as a hosted build would; larger ones call the functions here.
 */
#ifndef CVM_GUEST_STRING_H
#define CVM_GUEST_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

#ifndef CVM_LIBC_IMPL
#define memcpy(d, s, n)	 __builtin_memcpy(d, s, n)
#define memmove(d, s, n) __builtin_memmove(d, s, n)
#define memset(d, c, n)	 __builtin_memset(d, c, n)
#define memcmp(a, b, n)	 __builtin_memcmp(a, b, n)
#define strlen(s)	 __builtin_strlen(s)
#endif

#endif
