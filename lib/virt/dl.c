/* SPDX-License-Identifier: MIT */
/* libvirt on first use (virt-dl.h says why; cvm/dl.h loads it). */
#include "cvm/dl.h"

#define VIRT_DL_NO_MACROS
#include "virt-dl.h"

struct virt_dl_table virt_dl;

#define CVM_DL_TABLE virt_dl
CVM_DL_DEFINE(VIRT_DL_FUNCS, VIRT_DL_SONAME, "libvirt0", virt_dl_load)
