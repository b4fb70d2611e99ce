/* SPDX-License-Identifier: MIT */
/* Shared libraries loaded on first use (cvm/dl.h). */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#include "cvm/dl.h"

static pthread_mutex_t dl_lock = PTHREAD_MUTEX_INITIALIZER;

static void
dl_try(struct cvm_dl *dl)
{
	void *h = dlopen(dl->soname, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		snprintf(dl->error, sizeof(dl->error), "%s", dlerror());
		return;
	}
	for (size_t i = 0; i < dl->n; i++) {
		*dl->slots[i] = dlsym(h, dl->names[i]);
		if (!*dl->slots[i]) {
			snprintf(dl->error, sizeof(dl->error), "it has no %s",
				 dl->names[i]);
			return;
		}
	}
}

int
cvm_dl_load(struct cvm_dl *dl, struct cvm_err *err)
{
	pthread_mutex_lock(&dl_lock);
	if (!dl->tried) {
		dl_try(dl);
		dl->tried = true;
	}
	pthread_mutex_unlock(&dl_lock);
	if (dl->error[0])
		return cvm_err_set(err, -CVM_E_UNSUPPORTED,
				   "cannot load %s: %s (apt-get install %s)",
				   dl->soname, dl->error, dl->package);
	return 0;
}
