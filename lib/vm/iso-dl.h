/* SPDX-License-Identifier: MIT */
/*
 * libisofs, loaded when cvm first writes a cloud-init seed (cvm/dl.h
 * says why).  Every libisofs function seed.c calls is a pointer in
 * `iso_dl`; the macros turn the usual calls into calls through them.
 * Include after <libisofs/libisofs.h>; a function seed.c starts to call
 * must be added to ISO_DL_FUNCS.
 */
#ifndef CVM_VM_ISO_DL_H
#define CVM_VM_ISO_DL_H

#ifndef LIBISOFS_WITHOUT_LIBBURN
#define LIBISOFS_WITHOUT_LIBBURN 1
#endif
#include <stdint.h>
#include <sys/types.h>

#include <libisofs/libisofs.h>

#include "cvm/err.h"

#define ISO_DL_SONAME "libisofs.so.6"

#define ISO_DL_FUNCS(X)                 \
	X(iso_error_to_msg)             \
	X(iso_finish)                   \
	X(iso_image_add_new_file)       \
	X(iso_image_create_burn_source) \
	X(iso_image_get_root)           \
	X(iso_image_new)                \
	X(iso_image_unref)              \
	X(iso_init)                     \
	X(iso_memory_stream_new)        \
	X(iso_set_msgs_severities)      \
	X(iso_stream_unref)             \
	X(iso_write_opts_free)          \
	X(iso_write_opts_new)           \
	X(iso_write_opts_set_relaxed_vol_atts)

struct iso_dl_table {
#define ISO_DL_FIELD(f) __typeof__(f) *f;
	ISO_DL_FUNCS(ISO_DL_FIELD)
#undef ISO_DL_FIELD
};

extern struct iso_dl_table iso_dl;

/* Load libisofs (once per process); -CVM_E_UNSUPPORTED when it cannot. */
int iso_dl_load(struct cvm_err *err);

#ifndef ISO_DL_NO_MACROS
#define iso_error_to_msg	     (*iso_dl.iso_error_to_msg)
#define iso_finish		     (*iso_dl.iso_finish)
#define iso_image_add_new_file	     (*iso_dl.iso_image_add_new_file)
#define iso_image_create_burn_source (*iso_dl.iso_image_create_burn_source)
#define iso_image_get_root	     (*iso_dl.iso_image_get_root)
#define iso_image_new		     (*iso_dl.iso_image_new)
#define iso_image_unref		     (*iso_dl.iso_image_unref)
#define iso_init		     (*iso_dl.iso_init)
#define iso_memory_stream_new	     (*iso_dl.iso_memory_stream_new)
#define iso_set_msgs_severities	     (*iso_dl.iso_set_msgs_severities)
#define iso_stream_unref	     (*iso_dl.iso_stream_unref)
#define iso_write_opts_free	     (*iso_dl.iso_write_opts_free)
#define iso_write_opts_new	     (*iso_dl.iso_write_opts_new)
#define iso_write_opts_set_relaxed_vol_atts \
	(*iso_dl.iso_write_opts_set_relaxed_vol_atts)
#endif

#endif
