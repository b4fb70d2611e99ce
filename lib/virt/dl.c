/* SPDX-License-Identifier: MIT */
/* libvirt on first use (virt-dl.h says why; cvm/dl.h loads it). */
#include "cvm/dl.h"

#define VIRT_DL_NO_MACROS
#include "virt-dl.h"

struct virt_dl_table virt_dl;

#define VIRT_DL_NAME(f) #f,
static const char *const names[] = {VIRT_DL_FUNCS(VIRT_DL_NAME)};
#undef VIRT_DL_NAME

/* POSIX: a function pointer is stored through a void ** */
#define VIRT_DL_SLOT(f) (void **)&virt_dl.f,
static void **const slots[] = {VIRT_DL_FUNCS(VIRT_DL_SLOT)};
#undef VIRT_DL_SLOT

static struct cvm_dl lib = {
	.soname = VIRT_DL_SONAME,
	.package = "libvirt0",
	.names = names,
	.slots = slots,
	.n = sizeof(names) / sizeof(names[0]),
};

int
virt_dl_load(struct cvm_err *err)
{
	return cvm_dl_load(&lib, err);
}
