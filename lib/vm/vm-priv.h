/* SPDX-License-Identifier: MIT */
/* lib/vm internals shared by its files (and its unit tests). */
#ifndef CVM_VM_PRIV_H
#define CVM_VM_PRIV_H

#include <stdbool.h>
#include <sys/types.h>

#include "cvm/qmp.h"
#include "cvm/vm.h"

struct cvm_virt_conn;

/* store.c */
/* `s` with control characters, quotes and backslashes as \xNN (malloc'd). */
char *vm_quote(const char *s);
/* how deep a VM folder goes (cvm_rmtree() refuses deeper trees) */
#define VM_TREE_DEPTH 4
/* Delete a VM folder: rename it out of the way (atomic), then remove. */
int vm_remove_dir(const char *dir, struct cvm_err *err);
void vm_gc_temps(const char *root);
/* A fresh creation folder under `root` (made with mode 0700). */
int vm_tmpdir_make(const char *root, char **out, struct cvm_err *err);
/* Rename it to `final`; -EEXIST when that exists. */
int vm_tmpdir_commit(const char *tmp, const char *final, const char *name,
		     struct cvm_err *err);

/* config.c */
const char *vm_accel_name(enum cvm_accel a);
int vm_accel_parse(const char *s, enum cvm_accel *out);
const char *vm_boot_name(enum cvm_boot b);
int vm_config_load(const char *dir, struct cvm_vm_config *out,
		   struct cvm_err *err);
int vm_config_save(const char *dir, const struct cvm_vm_config *c,
		   struct cvm_err *err);

/* launch.c: the host, QEMU, and the vmspec */
/* True when the host report was replayed from a facts file. */
bool vm_host_simulated(const struct cvm_host_report *h);
/* The accelerator for a start: AUTO resolved (see cvm_vm_argv). */
int vm_accel_resolve(const struct cvm_vm_config *c,
		     const struct cvm_host_report *h,
		     const struct cvm_qemu_caps *caps,
		     struct cvm_accel_probe *out, struct cvm_err *err);

/* firmware.c: the OVMF image and variable-store template of a plan */
int vm_plan_firmware(const struct cvm_vm_create_opts *o, struct cvm_vm_plan *p,
		     struct cvm_err *err);

/* a vmspec for a config, with the strings it points to */
struct vm_spec {
	struct cvm_vmspec spec;
	char *owned[12];
	size_t nowned;
};
/*
 * QEMU back end (`absolute` false): files in the VM folder by their
 * relative names (QEMU runs there), with the console and QMP sockets,
 * the serial log and the pid file.  libvirt (`absolute` true): paths
 * under `dir`, the variable-store template (libvirt copies it), a serial
 * log.  spec.accel is c->accel (the caller resolves AUTO).
 */
void vm_spec_make(const struct cvm_vm_config *c, const char *dir, bool absolute,
		  struct vm_spec *out);
void vm_spec_release(struct vm_spec *s);

/* proc.c: the QEMU process of a VM */
/* The pid in qemu.pid if that process is alive and is this VM's QEMU
 * (its cwd is the VM folder); 0 otherwise.  `*stale` says a pid file
 * exists without its QEMU. */
pid_t vm_qemu_pid(const struct cvm_vm *vm, bool *stale);
/* Remove qemu.pid and the sockets a dead QEMU left. */
void vm_clean_runtime(const struct cvm_vm *vm);
/* Start QEMU detached in the VM folder; see cvm_vm_start(). */
int vm_qemu_spawn(struct cvm_vm *vm, struct cvm_vm_launch *l, uint64_t memlock,
		  int timeout_ms, struct cvm_err *err);
/* Connect to the VM's QMP socket (short path) within `timeout_ms`. */
int vm_qmp_open(const struct cvm_vm *vm, int timeout_ms, struct cvm_qmp **out,
		struct cvm_err *err);
/* Wait up to `timeout_ms` for `pid` (not our child) to disappear. */
bool vm_pid_wait_gone(pid_t pid, int timeout_ms);

/* libvirt.c */
int vm_virt_open(const struct cvm_vm_config *c, struct cvm_virt_conn **out,
		 struct cvm_err *err);
int vm_virt_define(const struct cvm_vm_config *c, const char *dir,
		   struct cvm_err *err);
void vm_virt_status(const struct cvm_vm *vm, struct cvm_vm_status *st);
int vm_virt_start(struct cvm_vm *vm, bool paused, struct cvm_err *err);
int vm_virt_stop(struct cvm_vm *vm, int timeout_ms, enum cvm_vm_stop_how *how,
		 struct cvm_err *err);
int vm_virt_kill(struct cvm_vm *vm, struct cvm_err *err);
int vm_virt_undefine(struct cvm_vm *vm, struct cvm_err *err);
int vm_virt_console(struct cvm_vm *vm, const struct cvm_vm_console_opts *o,
		    struct cvm_err *err);
struct json_object *vm_virt_inspect(struct cvm_vm *vm);
/*
 * Where the bytes a libvirt console missed start in a serial log: `log`
 * (`len` bytes) is the log from where it stood when the console attached,
 * which then delivered `seen` bytes ending with `tail` (`ntail` <= 64 of
 * them).  The offset right after them, searched up to 4 KiB further (the
 * log may have grown before the console attached); -1 when the log does
 * not continue the console's output.
 */
ssize_t vm_serial_missed(const char *log, size_t len, uint64_t seen,
			 const char *tail, size_t ntail);

#endif
