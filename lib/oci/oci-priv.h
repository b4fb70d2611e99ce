/* SPDX-License-Identifier: MIT */
/* Internals of lib/oci shared between its files and its unit tests. */
#ifndef CVM_OCI_PRIV_H
#define CVM_OCI_PRIV_H

#include <stdbool.h>

#include <json-c/json.h>

#include "cvm/oci.h"

/* config.c: typed member access; 1 present, 0 absent, < 0 error */
int oci_member(struct json_object *obj, const char *key, enum json_type type,
	       bool required, const char *where, struct json_object **out,
	       struct cvm_err *err);
int oci_strings(struct json_object *arr, const char *what, char ***out,
		size_t *count, struct cvm_err *err);
void oci_strv_free(char **v);

/* mounts.c */
int oci_parse_mounts(struct cvm_oci_spec *s, struct json_object *root,
		     struct cvm_err *err);
int oci_parse_hooks(struct cvm_oci_spec *s, struct json_object *root,
		    struct cvm_err *err);
/* Split mount options into MS_* flags and the data string (malloc'd). */
void oci_mount_options(char *const *opts, size_t n, unsigned long *flags,
		       char **data);

/* plan.c: the microvm argv for an unprotected plan */
int oci_plain_argv(const struct cvm_oci_plan *p, const char *initrd, int ctl_fd,
		   struct cvm_argv *out, struct cvm_err *err);
/* The host TSC rate in kHz from /proc/cpuinfo (0 when unknown). */
unsigned long oci_tsc_khz(void);
/* AUTO: KVM when a probe guest runs under it (lib/qemu), else TCG; the
 * answer is kept for the boot in the default runtime root. */
int oci_accel_pick(const char *qemu, enum cvm_accel want, enum cvm_accel *out,
		   struct cvm_err *err);

/* spawn.c: start QEMU in `dir` with `ctl` as descriptor 3 and stderr on
 * a pipe (*err_fd); PR_SET_PDEATHSIG kills it with its parent. */
int oci_qemu_spawn(const char *const *argv, const char *dir, int ctl,
		   int *err_fd, pid_t *pid, struct cvm_err *err);

#endif
