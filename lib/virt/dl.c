/* SPDX-License-Identifier: MIT */
/*
 * Loading libvirt on first use (see virt-dl.h for why): dlopen the
 * library, look up every function lib/virt calls, once per process.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#define VIRT_DL_NO_MACROS
#include "virt-dl.h"

struct virt_dl_table virt_dl;

static pthread_once_t dl_once = PTHREAD_ONCE_INIT;
static char dl_error[200]; /* empty when loaded */

static void
dl_load_once(void)
{
	void *h = dlopen(VIRT_DL_SONAME, RTLD_NOW | RTLD_LOCAL);
	const char *missing = NULL;

	if (!h) {
		snprintf(dl_error, sizeof(dl_error), "%s", dlerror());
		return;
	}
	/* POSIX: a function pointer is stored through a void ** */
#define VIRT_DL_SYM(f)                         \
	*(void **)(&virt_dl.f) = dlsym(h, #f); \
	if (!virt_dl.f && !missing)            \
		missing = #f;
	VIRT_DL_FUNCS(VIRT_DL_SYM)
#undef VIRT_DL_SYM
	if (missing)
		snprintf(dl_error, sizeof(dl_error), "it has no %s", missing);
	/* the handle stays open for the life of the process */
}

int
virt_dl_load(struct cvm_err *err)
{
	pthread_once(&dl_once, dl_load_once);
	if (dl_error[0])
		return cvm_err_set(err, -CVM_E_UNSUPPORTED,
				   "cannot load libvirt (%s): %s "
				   "(apt-get install libvirt0)",
				   VIRT_DL_SONAME, dl_error);
	return 0;
}
