/* SPDX-License-Identifier: MIT */
/*
 * The library never prints.  Progress and diagnostics go to a callback
 * that the front end installs (crun's output handler, libvirt's error
 * hook).  With no callback installed, messages are dropped.
 */
#ifndef CVM_LOG_H
#define CVM_LOG_H

enum cvm_log_level {
	CVM_LOG_ERROR,
	CVM_LOG_WARN,
	CVM_LOG_INFO,
	CVM_LOG_DEBUG,
};

typedef void (*cvm_log_fn)(void *opaque, enum cvm_log_level level,
			   const char *msg);

/* Install the process-wide log callback (not thread-safe; call early). */
void cvm_log_set(cvm_log_fn fn, void *opaque);

void cvm_log(enum cvm_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
