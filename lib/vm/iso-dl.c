/* SPDX-License-Identifier: MIT */
/* libisofs on first use (iso-dl.h). */
#include "cvm/dl.h"

#define ISO_DL_NO_MACROS
#include "iso-dl.h"

struct iso_dl_table iso_dl;

#define CVM_DL_TABLE iso_dl
CVM_DL_DEFINE(ISO_DL_FUNCS, ISO_DL_SONAME, "libisofs6", iso_dl_load)
