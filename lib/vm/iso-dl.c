/* SPDX-License-Identifier: MIT */
/* libisofs on first use (iso-dl.h). */
#include "cvm/dl.h"

#define ISO_DL_NO_MACROS
#include "iso-dl.h"

struct iso_dl_table iso_dl;

#define ISO_DL_NAME(f) #f,
static const char *const names[] = {ISO_DL_FUNCS(ISO_DL_NAME)};
#undef ISO_DL_NAME

/* POSIX: a function pointer is stored through a void ** */
#define ISO_DL_SLOT(f) (void **)&iso_dl.f,
static void **const slots[] = {ISO_DL_FUNCS(ISO_DL_SLOT)};
#undef ISO_DL_SLOT

static struct cvm_dl lib = {
	.soname = ISO_DL_SONAME,
	.package = "libisofs6",
	.names = names,
	.slots = slots,
	.n = sizeof(names) / sizeof(names[0]),
};

int
iso_dl_load(struct cvm_err *err)
{
	return cvm_dl_load(&lib, err);
}
