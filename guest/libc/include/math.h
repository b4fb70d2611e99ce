/* SPDX-License-Identifier: MIT */
/*
 * The unikernel's <math.h>: the functions workloads/wl.h allows, taken
 * from Debian's musl (package musl-dev; libc/musl-math.sh extracts and
 * checks the objects).  As in <string.h>, the names map onto compiler
 * builtins so code generation matches a hosted build (sqrt and fabs
 * inline, the rest call musl).
 */
#ifndef CVM_GUEST_MATH_H
#define CVM_GUEST_MATH_H

double sqrt(double x);
double log(double x);
double exp(double x);
double pow(double x, double y);
double sin(double x);
double cos(double x);
double fabs(double x);
double floor(double x);
void sincos(double x, double *s, double *c);

#define HUGE_VAL __builtin_huge_val()
#define INFINITY __builtin_inff()
#define NAN	 __builtin_nanf("")
#define isnan(x) __builtin_isnan(x)
#define isinf(x) __builtin_isinf_sign(x)

#ifndef CVM_LIBC_IMPL
#define sqrt(x)	  __builtin_sqrt(x)
#define log(x)	  __builtin_log(x)
#define exp(x)	  __builtin_exp(x)
#define pow(x, y) __builtin_pow(x, y)
#define sin(x)	  __builtin_sin(x)
#define cos(x)	  __builtin_cos(x)
#define fabs(x)	  __builtin_fabs(x)
#define floor(x)  __builtin_floor(x)
#endif

#endif
