/* SPDX-License-Identifier: MIT */
/*
 * Scope-bound cleanup for host code (crun/systemd style, over
 * __attribute__((cleanup))).  Declare an owning local at the top of its
 * block, initialised to NULL or -1; hand ownership on with steal_ptr() or
 * steal_fd().  Not for the guest.
 */
#ifndef CVM_CLEANUP_H
#define CVM_CLEANUP_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <dirent.h>

static inline void
cvm_freep(void *p)
{
	free(*(void **)p);
}

static inline void
cvm_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

static inline void
cvm_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void
cvm_closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

#define CVM_CLEANUP(f)	 __attribute__((cleanup(f)))
#define cleanup_free	 CVM_CLEANUP(cvm_freep)
#define cleanup_close	 CVM_CLEANUP(cvm_closep)
#define cleanup_fclose	 CVM_CLEANUP(cvm_fclosep)
#define cleanup_closedir CVM_CLEANUP(cvm_closedirp)
#define cleanup_buf	 CVM_CLEANUP(cvm_buf_release)

#define steal_ptr(p)                    \
	__extension__({                 \
		__typeof__(p) p_ = (p); \
		(p) = NULL;             \
		p_;                     \
	})
#define steal_fd(fd)            \
	__extension__({         \
		int fd_ = (fd); \
		(fd) = -1;      \
		fd_;            \
	})

#define CVM_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Invariant violations are bugs: abort with a message (git's BUG()). */
#define CVM_BUG(msg) cvm_bug(__FILE__, __LINE__, msg)
_Noreturn void cvm_bug(const char *file, int line, const char *msg);

#endif
