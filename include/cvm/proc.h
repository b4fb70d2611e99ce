/* SPDX-License-Identifier: MIT */
/*
 * Running other programs: fork + execvp with an argv, never a shell.
 */
#ifndef CVM_PROC_H
#define CVM_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cvm/buf.h"
#include "cvm/err.h"

struct cvm_proc_result {
	int status;	    /* exit code, or 128 + signal number */
	int signal;	    /* the terminating signal, 0 if it exited */
	bool timed_out;	    /* killed by us after the timeout */
	struct cvm_buf out; /* captured stdout */
	struct cvm_buf err; /* captured stderr */
};
#define CVM_PROC_RESULT_INIT                            \
	{                                               \
		0, 0, false, CVM_BUF_INIT, CVM_BUF_INIT \
	}

void cvm_proc_result_release(struct cvm_proc_result *r);

/*
 * Run `argv` (argv[0] looked up on $PATH) to completion, feeding it
 * `in`/`in_len` on stdin (NULL: /dev/null) and capturing stdout and
 * stderr up to 16 MiB each.  `timeout_ms` <= 0 means no limit; on timeout
 * the child is killed with SIGKILL and `timed_out` is set.
 * Returns 0 when the program ran (whatever its status), -ENOENT naming
 * argv[0] when it does not exist, another negative code otherwise.
 */
int cvm_proc_run(const char *const *argv, const void *in, size_t in_len,
		 int timeout_ms, struct cvm_proc_result *res,
		 struct cvm_err *err);

/* Join argv into one display line, quoting words that need it. */
char *cvm_argv_join(const char *const *argv);

#endif
