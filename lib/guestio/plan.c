/* SPDX-License-Identifier: MIT */
/*
 * Planning a unikernel run: checking the request, defaults, finding the
 * image and firmware, the private OVMF variable store, the accelerator
 * and the QEMU command line.  See cvm_run_plan_make() in cvm/guestio.h.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/guestio.h"
#include "cvm/util.h"

#define MAX_REPS     1000000u
#define RUN_LIST_MAX 8

char *
cvm_guest_image_find(const char *name, struct cvm_err *err)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *env = getenv("CVM_GUEST_DIR");
	char *cand[3] = {NULL, NULL, NULL};
	char *found = NULL;
	struct cvm_buf tried = CVM_BUF_INIT;

	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		cand[0] = cvm_xasprintf("%s/../guest/%s", exe, name);
		cand[2] = cvm_xasprintf("%s/../lib/cvm/%s", exe, name);
	}
	if (env && *env)
		cand[1] = cvm_xasprintf("%s/%s", env, name);
	for (size_t i = 0; i < 3; i++) {
		if (!cand[i])
			continue;
		if (!found && access(cand[i], R_OK) == 0)
			found = realpath(cand[i], NULL);
		cvm_buf_addf(&tried, "%s'%s'", tried.len ? ", " : "", cand[i]);
		free(cand[i]);
	}
	if (!found)
		cvm_err_set(
			err, -ENOENT,
			"guest image '%s' not found (looked in %s; build it "
			"with 'make', set CVM_GUEST_DIR or give --image)",
			name, cvm_buf_str(&tried));
	cvm_buf_release(&tried);
	return found;
}

static uint64_t
default_memory(const struct cvm_run_request *r)
{
	uint64_t mib = r->cls == 'A' ? 1024 : r->cls == 'W' ? 256 : 64;

	if (r->cls == '-')
		mib = 32;
	if (r->boot == CVM_BOOT_EFI && mib < 128)
		mib = 128;
	return mib;
}

/*
 * The workloads of a comma-separated list (the unikernel runs up to
 * RUN_LIST_MAX in one boot, guest/kernel/cmdline.c): each must be known
 * and have the class; a class is an error only when no workload in the
 * list has classes.  Fills r->cls ('-' when none has classes).
 */
static int
check_workloads(struct cvm_run_request *r, struct cvm_err *err)
{
	const char *wl = r->workload ? r->workload : "";
	cleanup_free char *list = cvm_xstrdup(wl);
	char *save = NULL, *name;
	size_t n = 1, classed = 0;

	for (const char *c = wl; *c; c++)
		n += *c == ',';
	if (!*wl || wl[0] == ',' || wl[strlen(wl) - 1] == ',' ||
	    strstr(wl, ",,") || n > RUN_LIST_MAX)
		return cvm_err_set(err, -CVM_E_USAGE,
				   "--workload '%s': give 1 to %d names "
				   "separated by commas",
				   wl, RUN_LIST_MAX);
	for (name = strtok_r(list, ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		const struct cvm_workload_info *w = cvm_workload_find(name);

		if (!w)
			return cvm_err_set(
				err, -CVM_E_USAGE,
				"unknown workload '%s' (known: hello, "
				"stream, ep, is, cg, mg, ft; for "
				"tests: fault, hang)",
				name);
		if (w->classes[0] == '-')
			continue;
		classed++;
		if (r->cls && !strchr(w->classes, r->cls))
			return cvm_err_set(
				err, -CVM_E_USAGE,
				"workload '%s' has no class '%c' (it "
				"has %s)",
				w->name, r->cls, w->classes);
	}
	if (!classed && r->cls)
		return cvm_err_set(err, -CVM_E_USAGE,
				   "workload '%s' has no classes: drop --class",
				   r->workload);
	if (!classed)
		r->cls = '-';
	else if (!r->cls)
		r->cls = 'S';
	return 0;
}

static int
check_request(struct cvm_run_request *r, struct cvm_err *err)
{
	uint64_t min = r->boot == CVM_BOOT_EFI ? CVM_RUN_MIN_MIB_EFI
					       : CVM_RUN_MIN_MIB_PVH;
	uint64_t host_mib = (uint64_t)sysconf(_SC_PHYS_PAGES) *
				    (uint64_t)sysconf(_SC_PAGESIZE) >>
			    20;
	int ret;

	if ((ret = check_workloads(r, err)) < 0)
		return ret;
	if (!r->timeout_s)
		r->timeout_s = 300;
	if (r->boot != CVM_BOOT_PVH && r->boot != CVM_BOOT_EFI)
		return cvm_err_set(err, -CVM_E_USAGE,
				   "the unikernel boots with pvh or efi");
	if (!r->reps)
		r->reps = 1;
	if (r->reps > MAX_REPS)
		return cvm_err_set(err, -CVM_E_USAGE,
				   "%u repetitions: at most %u", r->reps,
				   MAX_REPS);
	if (!r->vcpus)
		r->vcpus = 1;
	if (!r->memory_mib)
		r->memory_mib = default_memory(r);
	if (r->memory_mib < min)
		return cvm_err_set(
			err, -CVM_E_USAGE,
			"%llu MiB of memory is too small for %s boot "
			"(at least %llu MiB)",
			(unsigned long long)r->memory_mib,
			r->boot == CVM_BOOT_EFI ? "EFI" : "PVH",
			(unsigned long long)min);
	if (host_mib && r->memory_mib > host_mib)
		return cvm_err_set(err, -CVM_E_HOST,
				   "%llu MiB of memory is more than this host "
				   "has (%llu MiB)",
				   (unsigned long long)r->memory_mib,
				   (unsigned long long)host_mib);
	if (r->firmware && r->boot != CVM_BOOT_EFI)
		return cvm_err_set(err, -CVM_E_USAGE,
				   "a firmware is for EFI boot (--boot efi)");
	return 0;
}

/* A file QEMU will open: regular and readable (a FIFO would block QEMU
 * for good, a directory or a device make it fail obscurely). */
static int
input_file(const char *what, const char *path, const char *hint,
	   struct cvm_err *err)
{
	struct stat st;
	int e;

	if (stat(path, &st) != 0 || access(path, R_OK) != 0) {
		e = errno;
		return cvm_err_set(err, -e, "%s '%s': %s%s", what, path,
				   strerror(e), hint);
	}
	if (!S_ISREG(st.st_mode))
		return cvm_err_set(err, -EINVAL,
				   "%s '%s' is not a regular file", what, path);
	return 0;
}

/* The image, and for EFI the firmware and a private copy of its
 * variable store (the template must never be written). */
static int
find_files(struct cvm_run_plan *p, struct cvm_err *err)
{
	const struct cvm_run_request *r = &p->req;
	cleanup_free char *tmpl = NULL;
	cleanup_buf struct cvm_buf vars = CVM_BUF_INIT;
	const char *tmp = getenv("TMPDIR");
	int ret;

	if (r->image &&
	    (ret = input_file("guest image", r->image, "", err)) < 0)
		return ret;
	p->image = r->image
			   ? cvm_xstrdup(r->image)
			   : cvm_guest_image_find(r->boot == CVM_BOOT_EFI
							  ? "cvm-unikernel.efi"
							  : "cvm-unikernel.elf",
						  err);
	if (!p->image)
		return err ? err->code : -ENOENT;
	if (r->boot != CVM_BOOT_EFI)
		return 0;
	p->firmware =
		cvm_xstrdup(r->firmware ? r->firmware : CVM_OVMF_CODE_DEFAULT);
	/* a facts file names the firmware of another host */
	if (!p->sev.from_facts &&
	    (ret = input_file("firmware", p->firmware,
			      " (install Debian's ovmf or give --firmware)",
			      err)) < 0)
		return ret;
	tmpl = cvm_qemu_ovmf_vars_template(p->firmware);
	if (!tmpl)
		return 0; /* a combined image: -bios */
	p->tmpdir =
		cvm_xasprintf("%s/cvm-run.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (r->dry_run) { /* name the copy, make nothing */
		p->vars = cvm_xasprintf("%s/OVMF_VARS.fd", p->tmpdir);
		free(steal_ptr(p->tmpdir));
		return 0;
	}
	if (!mkdtemp(p->tmpdir)) {
		int e = errno;

		free(steal_ptr(p->tmpdir));
		return cvm_err_set(err, -e, "create a temporary folder: %s",
				   strerror(e));
	}
	p->vars = cvm_xasprintf("%s/OVMF_VARS.fd", p->tmpdir);
	if (cvm_file_read(tmpl, &vars, 64u << 20, err) < 0 ||
	    cvm_file_write_atomic(p->vars, vars.data, vars.len, 0600, err) < 0)
		return cvm_err_prefix(err, "copy the OVMF variable store");
	return 0;
}

static void
fill_spec(struct cvm_run_plan *p)
{
	struct cvm_vmspec *s = &p->spec;

	memset(s, 0, sizeof(*s));
	p->name = cvm_xstrdup("cvm-run");
	p->append = cvm_xasprintf("workload=%s class=%c reps=%u",
				  p->req.workload, p->req.cls, p->req.reps);
	s->name = p->name;
	s->protection = CVM_PROT_NONE;
	s->accel = p->req.accel;
	s->boot = p->req.boot;
	s->vcpus = p->req.vcpus;
	s->memory_mib = p->req.memory_mib;
	s->firmware_code = p->firmware;
	s->firmware_vars = p->vars;
	s->kernel = p->image;
	s->append = p->append;
	s->serial_stdio = true;
	s->debug_exit = true;
	s->no_reboot = true;	  /* a triple fault ends the run */
	cvm_run_sev_fill_spec(p); /* protection, SEV parameters, nonce */
}

/* --accel auto: probe KVM with the CPU model a KVM run would use */
static int
resolve_accel(struct cvm_run_plan *p, struct cvm_err *err)
{
	struct cvm_vmspec kvm = p->spec;
	int r;

	if (p->req.protection != CVM_PROT_NONE) {
		p->accel.accel = CVM_ACCEL_KVM;
		snprintf(p->accel.reason, sizeof(p->accel.reason),
			 "%s needs KVM; the host check (%s) passed",
			 cvm_protection_name(p->req.protection), p->sev.source);
		return 0;
	}
	if (p->req.accel != CVM_ACCEL_AUTO) {
		p->accel.accel = p->req.accel;
		snprintf(p->accel.reason, sizeof(p->accel.reason),
			 "chosen with --accel");
		return 0;
	}
	kvm.accel = CVM_ACCEL_KVM;
	r = cvm_qemu_accel_detect(p->req.qemu, &p->caps,
				  cvm_qemu_default_cpu(&kvm, &p->caps),
				  &p->accel, err);
	if (r == 0)
		p->req.accel = p->spec.accel = p->accel.accel;
	return r;
}

int
cvm_run_plan_make(const struct cvm_run_request *req, struct cvm_run_plan *p,
		  struct cvm_err *err)
{
	int r;

	memset(p, 0, sizeof(*p));
	p->req = *req;
	if (!p->req.qemu)
		p->req.qemu = cvm_qemu_binary();
	/* the protection first: it decides boot, firmware and accelerator */
	if ((r = cvm_run_sev_resolve(p, err)) < 0 ||
	    (r = check_request(&p->req, err)) < 0 ||
	    (r = find_files(p, err)) < 0)
		return r;
	/* a facts file: the command line is for that host's QEMU */
	r = p->sev.from_facts
		    ? cvm_qemu_caps_preset(p->sev.qemu_version, &p->caps, err)
		    : cvm_qemu_caps_probe(p->req.qemu, &p->caps, err);
	if (r < 0)
		return r;
	fill_spec(p);
	if ((r = resolve_accel(p, err)) < 0 ||
	    (r = cvm_qemu_build(&p->spec, &p->caps, p->req.qemu, &p->argv,
				err)) < 0)
		return r;
	return cvm_run_sev_expect(p, err);
}

void
cvm_run_plan_release(struct cvm_run_plan *p)
{
	if (p->vars)
		unlink(p->vars);
	if (p->tmpdir)
		rmdir(p->tmpdir);
	cvm_argv_release(&p->argv);
	free(p->image);
	free(p->firmware);
	free(p->vars);
	free(p->append);
	free(p->tmpdir);
	free(p->name);
	cvm_run_sev_release(&p->sev);
	memset(p, 0, sizeof(*p));
}
