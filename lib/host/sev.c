/* SPDX-License-Identifier: MIT */
/*
 * The /dev/sev platform-status ioctls: cvm's own copies of the kernel's
 * structures (Debian 12's linux-libc-dev 6.1 lacks the SNP ones), the
 * ioctl itself, and bounds-checked decoding of the returned bytes.
 * Layouts: Linux include/uapi/linux/psp-sev.h; SEV API spec 55766
 * "PLATFORM_STATUS"; SNP firmware ABI spec 56860 "SNP_PLATFORM_STATUS".
 */
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/ioctl.h>

#include "cvm/cleanup.h"
#include "cvm/host.h"
#include "cvm/util.h"
#include "host-priv.h"

/* psp-sev.h: struct sev_issue_cmd { __u32 cmd; __u64 data; __u32 error; } */
struct sev_issue_cmd_copy {
	uint32_t cmd;
	uint64_t data;
	uint32_t error;
} __attribute__((packed));

_Static_assert(sizeof(struct sev_issue_cmd_copy) == 16,
	       "struct sev_issue_cmd is 16 bytes");

/* SEV_ISSUE_CMD = _IOWR('S', 0x0, struct sev_issue_cmd) */
#define CVM_SEV_ISSUE_CMD _IOWR('S', 0x0, struct sev_issue_cmd_copy)
_Static_assert(CVM_SEV_ISSUE_CMD == 0xC0105300u, "SEV_ISSUE_CMD value");

/* psp-sev.h enum: SEV_PLATFORM_STATUS = 1, SNP_PLATFORM_STATUS = 9 */
enum { CMD_SEV_PLATFORM_STATUS = 1, CMD_SNP_PLATFORM_STATUS = 9 };

/* struct sev_user_data_status (packed, 12 bytes) */
struct sev_status_copy {
	uint8_t api_major, api_minor, state;
	uint32_t flags;
	uint8_t build;
	uint32_t guest_count;
} __attribute__((packed));
_Static_assert(sizeof(struct sev_status_copy) == CVM_SEV_STATUS_SIZE,
	       "struct sev_user_data_status is 12 bytes");

/* struct sev_user_data_snp_status (packed, 32 bytes) */
struct snp_status_copy {
	uint8_t api_major, api_minor, state, status_flags;
	uint32_t build_id, feature_flags, guest_count;
	uint64_t current_tcb, reported_tcb;
} __attribute__((packed));
_Static_assert(sizeof(struct snp_status_copy) == CVM_SNP_STATUS_SIZE,
	       "struct sev_user_data_snp_status is 32 bytes");

int
cvm_sev_platform_status_decode(const uint8_t *p, size_t n,
			       struct cvm_sev_platform_status *out)
{
	if (n < CVM_SEV_STATUS_SIZE)
		return -EINVAL;
	out->api_major = p[0];
	out->api_minor = p[1];
	out->state = p[2];
	out->flags = cvm_le32(p + 3);
	out->build = p[7];
	out->guest_count = cvm_le32(p + 8);
	return 0;
}

int
cvm_snp_platform_status_decode(const uint8_t *p, size_t n,
			       struct cvm_snp_platform_status *out)
{
	if (n < CVM_SNP_STATUS_SIZE)
		return -EINVAL;
	out->api_major = p[0];
	out->api_minor = p[1];
	out->state = p[2];
	out->status_flags = p[3];
	out->build_id = cvm_le32(p + 4);
	out->feature_flags = cvm_le32(p + 8);
	out->guest_count = cvm_le32(p + 12);
	out->current_tcb = cvm_le64(p + 16);
	out->reported_tcb = cvm_le64(p + 24);
	return 0;
}

void
cvm_tcb_decode(uint64_t tcb, unsigned cpu_family, struct cvm_tcb *out)
{
	memset(out, 0, sizeof(*out));
	out->microcode = (uint8_t)(tcb >> 56);
	if (cpu_family >= 0x1A) {
		/* Turin: FMC, boot loader, TEE, SNP in bytes 0..3 */
		out->has_fmc = true;
		out->fmc = (uint8_t)tcb;
		out->boot_loader = (uint8_t)(tcb >> 8);
		out->tee = (uint8_t)(tcb >> 16);
		out->snp = (uint8_t)(tcb >> 24);
		return;
	}
	out->boot_loader = (uint8_t)tcb;
	out->tee = (uint8_t)(tcb >> 8);
	out->snp = (uint8_t)(tcb >> 48);
}

/*
 * Open /dev/sev read-write when we may (newer kernels' implicit-init
 * paths want it), else read-only: PLATFORM_STATUS works on either.
 */
static int
sev_open(void)
{
	int fd = open("/dev/sev", O_RDWR | O_CLOEXEC);

	if (fd < 0 && (errno == EACCES || errno == EPERM))
		fd = open("/dev/sev", O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* Issue `cmd` with `buf` as its data; the firmware status to *fw_error. */
static int
sev_issue(uint32_t cmd, void *buf, uint32_t *fw_error)
{
	cleanup_close int fd = sev_open();
	struct sev_issue_cmd_copy arg;

	*fw_error = 0;
	if (fd < 0)
		return fd;
	memset(&arg, 0, sizeof(arg));
	arg.cmd = cmd;
	arg.data = (uint64_t)(uintptr_t)buf;
	if (ioctl(fd, CVM_SEV_ISSUE_CMD, &arg) < 0) {
		int e = -errno;

		*fw_error = arg.error;
		return e;
	}
	*fw_error = arg.error;
	return 0;
}

int
host_real_sev_status(void *ctx, struct cvm_sev_platform_status *st,
		     uint32_t *fw_error)
{
	uint8_t raw[CVM_SEV_STATUS_SIZE] = {0};
	int r;

	(void)ctx;
	r = sev_issue(CMD_SEV_PLATFORM_STATUS, raw, fw_error);
	if (r < 0)
		return r;
	return cvm_sev_platform_status_decode(raw, sizeof(raw), st);
}

int
host_real_snp_status(void *ctx, struct cvm_snp_platform_status *st,
		     uint32_t *fw_error)
{
	uint8_t raw[CVM_SNP_STATUS_SIZE] = {0};
	int r;

	(void)ctx;
	r = sev_issue(CMD_SNP_PLATFORM_STATUS, raw, fw_error);
	if (r < 0)
		return r;
	return cvm_snp_platform_status_decode(raw, sizeof(raw), st);
}

const char *
host_fw_status_name(uint32_t code)
{
	/* psp-sev.h enum sev_ret_code (the codes users meet, §1.3) */
	static const struct {
		uint32_t code;
		const char *name;
	} names[] = {
		{0x00, "SUCCESS"},
		{0x01, "INVALID_PLATFORM_STATE"},
		{0x02, "INVALID_GUEST_STATE"},
		{0x03, "INVALID_CONFIG"},
		{0x04, "INVALID_LEN"},
		{0x05, "ALREADY_OWNED"},
		{0x06, "INVALID_CERTIFICATE"},
		{0x07, "POLICY_FAILURE"},
		{0x08, "INACTIVE"},
		{0x09, "INVALID_ADDRESS"},
		{0x0A, "BAD_SIGNATURE"},
		{0x0B, "BAD_MEASUREMENT"},
		{0x0E, "WBINVD_REQUIRED"},
		{0x13, "HWSEV_RET_PLATFORM"},
		{0x15, "UNSUPPORTED"},
		{0x16, "INVALID_PARAM"},
		{0x17, "RESOURCE_LIMIT"},
		{0x1A, "INVALID_PAGE_STATE"},
		{0x20, "RMP_INIT_REQUIRED"},
		{0x26, "RMP_INITIALIZATION_FAILED"},
	};

	for (size_t i = 0; i < CVM_ARRAY_SIZE(names); i++)
		if (names[i].code == code)
			return names[i].name;
	return "unknown status";
}
