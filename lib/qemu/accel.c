/* SPDX-License-Identifier: MIT */
/*
 * Can KVM run guests here?  Detected, never assumed: /dev/kvm can exist
 * and open while its KVM cannot run an ordinary guest (a PVM-based KVM
 * stops at the first x87/SSE instruction with "KVM internal error.
 * Suberror: 1", and rejects `-cpu host` with "failed to set MSR").  So
 * after the cheap checks a tiny firmware image is run under -accel kvm.
 * See cvm_qemu_accel_detect() in cvm/qemu.h.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/qemu.h"
#include "cvm/util.h"

#define PROBE_TIMEOUT_MS 5000
#define ROM_SIZE	 0x10000 /* QEMU's -bios wants a multiple of 64 KiB */

/*
 * The probe, assembled with GNU as (.code16 at 0xffff0000, binary):
 *   cli; lgdtl %cs:gdtdesc; cr0.PE=1; ljmpl $0x08,$pm32
 * pm32: ds=es=ss=0x10; page tables at 0x1000 (PML4 -> PDPT 0x2000 ->
 *   PD 0x3000 [0] = 0x0|PS, PD 0x4000 [503] = 0xfee00000|PS|PCD,
 *   [511] = 0xffe00000|PS); cr3=0x1000; cr4 |= PAE|OSFXSR|OSXMMEXCPT;
 *   EFER.LME=1; cr0 |= PG|MP, EM=0; ljmpl $0x18,$lm64
 * lm64: store/compare a qword at 0x8000; read the LAPIC version register
 *   (MMIO 0xfee00030); write it to the ROM (0xffff8000, an MMIO exit);
 *   fninit; fldz; fstpl; ldmxcsr; xorps/addps/movaps;
 *   movb $0x5a,%al; outb %al,$0xf4 (isa-debug-exit: QEMU exits 181)
 * then a flat GDT (null, code32, data, code64) and its descriptor.
 * The reset vector at 0xfff0 is `ljmp $0xf000,$0` (Intel SDM vol. 3
 * §9.1.4: the first instruction is fetched at 0xfffffff0).
 */
static const unsigned char probe_code[] = {
	0xfa, 0x2e, 0x66, 0x0f, 0x01, 0x16, 0x18, 0x01, 0x0f, 0x20, 0xc0, 0x66,
	0x83, 0xc8, 0x01, 0x0f, 0x22, 0xc0, 0x66, 0xea, 0x1a, 0x00, 0xff, 0xff,
	0x08, 0x00, 0x66, 0xb8, 0x10, 0x00, 0x8e, 0xd8, 0x8e, 0xc0, 0x8e, 0xd0,
	0xc7, 0x05, 0x00, 0x10, 0x00, 0x00, 0x03, 0x20, 0x00, 0x00, 0xc7, 0x05,
	0x00, 0x20, 0x00, 0x00, 0x03, 0x30, 0x00, 0x00, 0xc7, 0x05, 0x18, 0x20,
	0x00, 0x00, 0x03, 0x40, 0x00, 0x00, 0xc7, 0x05, 0x00, 0x30, 0x00, 0x00,
	0x83, 0x00, 0x00, 0x00, 0xc7, 0x05, 0xb8, 0x4f, 0x00, 0x00, 0x9b, 0x00,
	0xe0, 0xfe, 0xc7, 0x05, 0xf8, 0x4f, 0x00, 0x00, 0x83, 0x00, 0xe0, 0xff,
	0xb8, 0x00, 0x10, 0x00, 0x00, 0x0f, 0x22, 0xd8, 0x0f, 0x20, 0xe0, 0x0d,
	0x20, 0x06, 0x00, 0x00, 0x0f, 0x22, 0xe0, 0xb9, 0x80, 0x00, 0x00, 0xc0,
	0x0f, 0x32, 0x0d, 0x00, 0x01, 0x00, 0x00, 0x0f, 0x30, 0x0f, 0x20, 0xc0,
	0x0d, 0x02, 0x00, 0x00, 0x80, 0x83, 0xe0, 0xfb, 0x0f, 0x22, 0xc0, 0xea,
	0x96, 0x00, 0xff, 0xff, 0x18, 0x00, 0x48, 0xb8, 0x89, 0x67, 0x45, 0x23,
	0x01, 0x00, 0x00, 0x00, 0x48, 0x89, 0x04, 0x25, 0x00, 0x80, 0x00, 0x00,
	0x48, 0x3b, 0x04, 0x25, 0x00, 0x80, 0x00, 0x00, 0x75, 0x3e, 0xbe, 0x30,
	0x00, 0xe0, 0xfe, 0x8b, 0x0e, 0xbe, 0x00, 0x80, 0xff, 0xff, 0x89, 0x0e,
	0xdb, 0xe3, 0xd9, 0xee, 0xdd, 0x1c, 0x25, 0x10, 0x80, 0x00, 0x00, 0xc7,
	0x04, 0x25, 0x08, 0x80, 0x00, 0x00, 0x80, 0x1f, 0x00, 0x00, 0x0f, 0xae,
	0x14, 0x25, 0x08, 0x80, 0x00, 0x00, 0x0f, 0x57, 0xc0, 0x0f, 0x58, 0xc0,
	0x0f, 0x29, 0x04, 0x25, 0x20, 0x80, 0x00, 0x00, 0xb0, 0x5a, 0xe6, 0xf4,
	0xf4, 0xeb, 0xfd, 0x8d, 0xb4, 0x00, 0x00, 0x90, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x9b, 0xcf, 0x00,
	0xff, 0xff, 0x00, 0x00, 0x00, 0x93, 0xcf, 0x00, 0xff, 0xff, 0x00, 0x00,
	0x00, 0x9b, 0xaf, 0x00, 0x1f, 0x00, 0xf8, 0x00, 0xff, 0xff,
};
static const unsigned char probe_reset[] = {0xea, 0x00, 0x00, 0x00, 0xf0};

int
cvm_qemu_accel_probe_image(const char *path, struct cvm_err *err)
{
	cleanup_free unsigned char *rom = cvm_xmalloc(ROM_SIZE);

	memset(rom, 0xf4, ROM_SIZE); /* hlt everywhere else */
	memcpy(rom, probe_code, sizeof(probe_code));
	memcpy(rom + 0xfff0, probe_reset, sizeof(probe_reset));
	return cvm_file_write_atomic(path, rom, ROM_SIZE, 0600, err);
}

/* Close *fd and mark it closed (poll() skips negative fds). */
static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Read what `fd` has into `b` (bounded); false at EOF or error. */
static bool
slurp(int fd, struct cvm_buf *b)
{
	char chunk[4096];
	ssize_t n = read(fd, chunk, sizeof(chunk));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return true;
	if (n <= 0)
		return false;
	if (b->len < 65536)
		cvm_buf_add(b, chunk, (size_t)n);
	return true;
}

/* Run the probe; returns its exit status (-1: stopped by us). */
static int
run_probe(const char *const *argv, struct cvm_buf *errtext, struct cvm_err *err)
{
	struct cvm_qemu_proc p;
	uint64_t deadline;
	bool stuck = false;
	int r;

	if ((r = cvm_qemu_start(argv, &p, err)) < 0)
		return r;
	deadline = p.start_ns + PROBE_TIMEOUT_MS * 1000000ull;
	while (p.out_fd >= 0 || p.err_fd >= 0) {
		struct pollfd pf[2] = {{p.out_fd, POLLIN, 0},
				       {p.err_fd, POLLIN, 0}};
		struct cvm_buf sink = CVM_BUF_INIT;
		uint64_t now = cvm_now_ns();

		/* an internal error pauses the VM forever: stop at once */
		if (now >= deadline ||
		    strstr(cvm_buf_str(errtext), "KVM internal error")) {
			stuck = true;
			break;
		}
		poll(pf, 2, (int)((deadline - now) / 1000000ull) + 1);
		if (pf[0].revents && !slurp(p.out_fd, &sink))
			close_fd(&p.out_fd);
		cvm_buf_release(&sink);
		if (pf[1].revents && !slurp(p.err_fd, errtext))
			close_fd(&p.err_fd);
	}
	r = cvm_qemu_reap(&p, stuck);
	return stuck ? -1 : r;
}

static int
probe(const char *qemu, const char *cpu, struct cvm_accel_probe *out,
      struct cvm_err *err)
{
	cleanup_free char *dir = NULL, *rom = NULL;
	cleanup_buf struct cvm_buf errtext = CVM_BUF_INIT;
	const char *tmp = getenv("TMPDIR");
	char line[300];
	int status;

	dir = cvm_xasprintf("%s/cvm-kvmprobe.XXXXXX",
			    tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return cvm_err_set(err, -errno, "create '%s': %s", dir,
				   strerror(errno));
	rom = cvm_xasprintf("%s/probe.rom", dir);
	status = cvm_qemu_accel_probe_image(rom, err);
	if (status == 0) {
		const char *argv[] = {qemu,
				      "-machine",
				      "q35",
				      "-accel",
				      "kvm",
				      "-cpu",
				      cpu,
				      "-m",
				      "16M",
				      "-nodefaults",
				      "-no-user-config",
				      "-display",
				      "none",
				      "-no-reboot",
				      "-bios",
				      rom,
				      "-device",
				      "isa-debug-exit,iobase=0xf4,iosize=0x04",
				      NULL};
		uint64_t t0 = cvm_now_ns();

		status = run_probe(argv, &errtext, err);
		out->probe_ns = cvm_now_ns() - t0;
	}
	unlink(rom);
	rmdir(dir);
	if (status < -1)
		return status;
	if (status == CVM_ACCEL_PROBE_STATUS) {
		out->kvm_works = true;
		out->accel = CVM_ACCEL_KVM;
		snprintf(out->reason, sizeof(out->reason),
			 "KVM ran the probe guest (-cpu %s)", cpu);
		return 0;
	}
	cvm_qemu_error_line(cvm_buf_str(&errtext), line, sizeof(line));
	if (status == -1 && !line[0])
		snprintf(line, sizeof(line), "no exit within %d s",
			 PROBE_TIMEOUT_MS / 1000);
	else if (!line[0])
		snprintf(line, sizeof(line), "exit status %d", status);
	snprintf(out->reason, sizeof(out->reason),
		 "KVM cannot run guests here (probe with -cpu %.20s: %.180s)",
		 cpu, line);
	return 0;
}

int
cvm_qemu_accel_detect(const char *qemu, const struct cvm_qemu_caps *caps,
		      const char *cpu_model, struct cvm_accel_probe *out,
		      struct cvm_err *err)
{
	int fd;

	memset(out, 0, sizeof(*out));
	out->accel = CVM_ACCEL_TCG;
	if (!caps->accel_kvm) {
		snprintf(out->reason, sizeof(out->reason),
			 "this QEMU (%u.%u) has no KVM support", caps->major,
			 caps->minor);
		return 0;
	}
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(out->reason, sizeof(out->reason),
			 "cannot open /dev/kvm: %s", strerror(errno));
		return 0;
	}
	close(fd);
	return probe(qemu, cpu_model ? cpu_model : "host", out, err);
}
