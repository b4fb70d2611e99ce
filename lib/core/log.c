/* SPDX-License-Identifier: MIT */
/* The log callback: see cvm/log.h. */
#include <stdarg.h>
#include <stdio.h>

#include "cvm/log.h"

static cvm_log_fn log_fn;
static void *log_opaque;

void
cvm_log_set(cvm_log_fn fn, void *opaque)
{
	log_fn = fn;
	log_opaque = opaque;
}

void
cvm_log(enum cvm_log_level level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!log_fn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_fn(log_opaque, level, msg);
}
