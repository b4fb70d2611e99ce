/* SPDX-License-Identifier: MIT */
/*
 * The guests of the evaluation: the cvm unikernel's images, and the
 * Linux baseline guest (Debian's kernel, its extracted vmlinux for PVH
 * boot, and the initramfs cvm builds around linux-guest/cvm-linux-init),
 * and the VM of a cell.  See eval-priv.h.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/linuxguest.h"
#include "cvm/util.h"
#include "eval-priv.h"

#define INIT_NAME "cvm-linux-init"

/* Debian's kernel boots fast and quietly; the first console byte is its
 * banner (earlyprintk), which stands for kernel entry; panic=-1 turns a
 * panic into a reboot, which -no-reboot turns into QEMU's exit;
 * no_timer_check: under TCG on a busy host the kernel's IO-APIC timer
 * check can miss its ticks and panic ("IO-APIC + timer doesn't work"),
 * as cloud images' command lines guard against */
#define LINUX_CMDLINE                                                   \
	"console=ttyS0 earlyprintk=serial,ttyS0,115200 quiet panic=-1 " \
	"no_timer_check"

/*
 * cvm-linux-init: $CVM_LINUX_INIT, next to the build tree's cvm
 * (<dir>/../linux-guest/), or installed (<dir>/../lib/cvm/).
 */
static char *
find_init(char **why)
{
	const char *env = getenv("CVM_LINUX_INIT");
	char exe[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *cand[3] = {NULL, NULL, NULL}, *found = NULL;

	if (env && *env)
		cand[0] = cvm_xstrdup(env);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		cand[1] = cvm_xasprintf("%s/../linux-guest/" INIT_NAME, exe);
		cand[2] = cvm_xasprintf("%s/../lib/cvm/" INIT_NAME, exe);
	}
	for (size_t i = 0; i < 3; i++) {
		if (!found && cand[i] && access(cand[i], R_OK) == 0)
			found = realpath(cand[i], NULL);
		free(cand[i]);
	}
	if (!found)
		*why = cvm_xstrdup(INIT_NAME
				   " not found (build it with 'make', or set "
				   "CVM_LINUX_INIT)");
	return found;
}

int
eval_linux_initrd(const char *init_path, const char *out_path,
		  struct cvm_err *err)
{
	cleanup_free char *tmp = cvm_xasprintf("%s.XXXXXX", out_path);
	struct cvm_cpio c;
	int fd = mkstemp(tmp), r;

	if (fd < 0)
		return cvm_err_set(err, -errno, "create '%s': %s", tmp,
				   strerror(errno));
	cvm_cpio_init(&c, fd);
	/* the kernel opens dev/console for init's stdio; /proc and /dev are
	 * mount points (init.c) */
	if ((r = cvm_cpio_add_dir(&c, "dev", 0755, err)) < 0 ||
	    (r = cvm_cpio_add_node(&c, "dev/console", S_IFCHR | 0600, 5, 1,
				   err)) < 0 ||
	    (r = cvm_cpio_add_dir(&c, "proc", 0555, err)) < 0 ||
	    (r = cvm_cpio_add_path(&c, "init", init_path, err)) < 0 ||
	    (r = cvm_cpio_finish(&c, err)) < 0)
		goto out;
	if (fchmod(fd, 0644) < 0 || fsync(fd) < 0) {
		r = cvm_err_set(err, -errno, "write '%s': %s", tmp,
				strerror(errno));
		goto out;
	}
	if (rename(tmp, out_path) < 0)
		r = cvm_err_set(err, -errno, "rename '%s': %s", out_path,
				strerror(errno));
out:
	close(fd);
	if (r < 0)
		unlink(tmp);
	return r;
}

char *
eval_linux_append(const char *workload, char cls, bool efi)
{
	(void)efi;
	return cvm_xasprintf(LINUX_CMDLINE " workload=%s class=%c reps=1",
			     workload, cls);
}

static void
prepare_unikernel(struct eval_guests *g)
{
	struct cvm_err err = CVM_ERR_INIT;

	g->uk_pvh = cvm_guest_image_find("cvm-unikernel.elf", &err);
	if (!g->uk_pvh)
		g->uk_missing = cvm_xstrdup(err.msg);
	g->uk_efi = cvm_guest_image_find("cvm-unikernel.efi", NULL);
}

/*
 * What the Linux guest needs.  A kernel the user named (--kernel, or
 * $CVM_LINUX_KERNEL) that cannot be used is an error: the user asked
 * for that guest.  Parts cvm looks for itself and does not find become
 * g->linux_missing (the cells are skipped with that reason).  Fails
 * also for an unwritable folder.
 */
static int
prepare_linux(struct eval_guests *g, const struct cvm_eval_config *c,
	      const char *dir, struct cvm_err *out)
{
	struct cvm_err err = CVM_ERR_INIT;
	cleanup_free char *gdir = cvm_xasprintf("%s/guest", dir);
	const char *env = getenv("CVM_LINUX_KERNEL");
	const char *named = c->linux_kernel ? "--kernel"
			    : env && *env   ? "CVM_LINUX_KERNEL"
					    : NULL;
	struct stat st;
	int r;

	if (c->linux_kernel && stat(c->linux_kernel, &st) < 0)
		return cvm_err_set(out, -errno, "--kernel '%s': %s",
				   c->linux_kernel, strerror(errno));
	if (c->linux_kernel && !S_ISREG(st.st_mode))
		return cvm_err_set(out, -EINVAL,
				   "--kernel '%s': not a regular file",
				   c->linux_kernel);
	if (c->linux_kernel)
		g->bzimage = cvm_xstrdup(c->linux_kernel);
	else if ((r = cvm_linux_kernel_find(&g->bzimage, &err)) < 0) {
		if (named)
			return cvm_err_set(out, r, "%s", err.msg);
		g->linux_missing = cvm_xstrdup(err.msg);
		return 0;
	}
	if ((r = cvm_linux_vmlinux_cached(g->bzimage, &g->vmlinux, &err)) < 0) {
		if (named)
			return cvm_err_set(out, r, "%s '%s': %s", named,
					   g->bzimage, err.msg);
		g->linux_missing =
			cvm_xasprintf("kernel '%s': %s", g->bzimage, err.msg);
		return 0;
	}
	g->init = find_init(&g->linux_missing);
	if (!g->init)
		return 0;
	g->initrd = cvm_xasprintf("%s/linux-initrd.cpio", gdir);
	if ((r = cvm_mkdir_p(gdir, 0755, out)) < 0 ||
	    (r = eval_linux_initrd(g->init, g->initrd, out)) < 0)
		return cvm_err_prefix(out, "the Linux guest's initramfs");
	return 0;
}

int
eval_guests_prepare(struct eval_guests *g, const struct cvm_eval_config *c,
		    const char *dir, struct cvm_err *err)
{
	memset(g, 0, sizeof(*g));
	g->firmware =
		cvm_xstrdup(c->firmware ? c->firmware : CVM_OVMF_CODE_DEFAULT);
	if (c->guests & (1u << CVM_EVAL_UNIKERNEL))
		prepare_unikernel(g);
	if (!(c->guests & (1u << CVM_EVAL_LINUX)))
		return 0;
	return prepare_linux(g, c, dir, err);
}

void
eval_guests_release(struct eval_guests *g)
{
	free(g->uk_pvh);
	free(g->uk_efi);
	free(g->uk_missing);
	free(g->bzimage);
	free(g->vmlinux);
	free(g->init);
	free(g->initrd);
	free(g->linux_missing);
	free(g->firmware);
	memset(g, 0, sizeof(*g));
}

/* The SEV parameters of a protected cell, from the host report. */
static void
sev_params(struct cvm_vmspec *s, const struct cvm_host_report *host)
{
	/* policy: SEV API spec 55766 "Guest Policy": bit 0 NODBG, bit 2 ES;
	 * SNP ABI spec 56860 "Guest Policy": bit 17 must be 1, bit 16 SMT
	 * allowed */
	s->sev.policy = s->protection == CVM_PROT_SEV_SNP  ? 0x30000
			: s->protection == CVM_PROT_SEV_ES ? 0x5
							   : 0x1;
	s->sev.cbitpos = host && host->have_cbit ? host->cbitpos : 51;
	s->sev.reduced_phys_bits =
		host && host->reduced_phys_bits ? host->reduced_phys_bits : 1;
}

/* Copy the OVMF variable-store template next to the run (not for SNP,
 * which takes the firmware alone as -bios). */
static int
private_vars(struct eval_vm *vm, const char *firmware, const char *vars_path,
	     struct cvm_err *err)
{
	cleanup_free char *tmpl = cvm_qemu_ovmf_vars_template(firmware);
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;

	if (!tmpl || vm->spec.protection == CVM_PROT_SEV_SNP)
		return 0;
	if (cvm_file_read(tmpl, &b, 64u << 20, err) < 0 ||
	    cvm_file_write_atomic(vars_path, b.data, b.len, 0600, err) < 0)
		return cvm_err_prefix(err, "copy the OVMF variable store");
	vm->vars = cvm_xstrdup(vars_path);
	return 0;
}

int
eval_vm_make(const struct eval_guests *g, const struct cvm_eval_cell *cell,
	     const struct cvm_eval_config *c,
	     const struct cvm_host_report *host,
	     const struct cvm_qemu_caps *caps, const char *qemu,
	     enum cvm_accel accel, const char *vars_path, struct eval_vm *vm,
	     struct cvm_err *err)
{
	struct cvm_vmspec *s = &vm->spec;
	bool efi = cell->level != CVM_PROT_NONE;
	bool lx = cell->guest == CVM_EVAL_LINUX;
	int r;

	memset(vm, 0, sizeof(*vm));
	s->name = "cvm-eval";
	s->protection = cell->level;
	s->accel = accel;
	s->boot = efi ? CVM_BOOT_EFI : CVM_BOOT_PVH;
	s->vcpus = c->vcpus ? c->vcpus : 1;
	s->memory_mib =
		c->memory_mib ? c->memory_mib : cvm_eval_default_memory(c->cls);
	s->kernel = lx ? (efi ? g->bzimage : g->vmlinux)
		       : (efi ? g->uk_efi : g->uk_pvh);
	s->initrd = lx ? g->initrd : NULL;
	vm->append = lx ? eval_linux_append(cell->workload, cell->cls, efi)
			: cvm_xasprintf("workload=%s class=%c reps=1",
					cell->workload, cell->cls);
	s->append = vm->append;
	s->serial_stdio = true;
	s->debug_exit = true;
	s->no_reboot = true;
	if (efi) {
		s->firmware_code = g->firmware;
		sev_params(s, host);
		if ((r = private_vars(vm, g->firmware, vars_path, err)) < 0)
			return r;
		s->firmware_vars = vm->vars;
	}
	if (!s->kernel)
		return cvm_err_set(err, -ENOENT, "%s: no %s image", cell->id,
				   efi ? "EFI" : "PVH");
	return cvm_qemu_build(s, caps, qemu, &vm->argv, err);
}

void
eval_vm_release(struct eval_vm *vm)
{
	if (vm->vars)
		unlink(vm->vars);
	cvm_argv_release(&vm->argv);
	free(vm->append);
	free(vm->vars);
	memset(vm, 0, sizeof(*vm));
}
