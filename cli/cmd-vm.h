/* SPDX-License-Identifier: MIT */
/* Shared by the `cvm vm` verbs (cmd-vm-*.c): the create options (also
 * taken by `cvm vm run`), printing plans and command lines, the console
 * pump to stdout. */
#ifndef CVM_CLI_CMD_VM_H
#define CVM_CLI_CMD_VM_H

#include <stdbool.h>

#include <json-c/json.h>

#include "cvm/vm.h"

struct cvm_guestio;

/* The create options as `cvm vm create --help` lists them. */
#define VM_CREATE_OPTS_USAGE                                                   \
	"(--cloud-image FILE | --kernel FILE [--initrd FILE] [--append TEXT] " \
	"| --guest unikernel [--workload LIST]) "                              \
	"[--protection none|sev|sev-es|sev-snp|auto] [--policy VALUE] "        \
	"[--vcpus N] [--memory SIZE] [--disk-size SIZE] "                      \
	"[--cloud-init FILE] [--network-config FILE] [--ssh-key FILE] "        \
	"[--firmware FILE] [--id-block FILE --id-auth FILE [--author-key]] "   \
	"[--host-data BASE64] [--dh-cert FILE --session FILE] "                \
	"[--boot pvh|efi] [--accel auto|kvm|tcg] "                             \
	"[--no-network] [--backend qemu|libvirt] [--connect URI]"

#define VM_CREATE_OPTS_HELP                                                    \
	"the guest (one of):\n"                                                \
	"  --cloud-image FILE  a cloud (disk) image, booted by OVMF through "  \
	"a "                                                                   \
	"qcow2\n"                                                              \
	"                      overlay: FILE itself is never written\n"        \
	"  --kernel FILE       a kernel booted directly (--initrd FILE, "      \
	"--append TEXT)\n"                                                     \
	"  --guest unikernel   the cvm unikernel (--workload LIST, default "   \
	"hello;\n"                                                             \
	"                      --image FILE instead of the built one)\n"       \
	"options:\n"                                                           \
	"  --protection LEVEL  none, sev, sev-es, sev-snp or auto (default): " \
	"auto\n"                                                               \
	"                      picks the highest level 'cvm host check' "      \
	"allows\n"                                                             \
	"  --policy VALUE      the guest policy (default: SEV 0x3, SEV-ES "    \
	"0x7,\n"                                                               \
	"                      SEV-SNP 0x30000; see 'cvm policy explain')\n"   \
	"  --vcpus N           vCPUs (default 1)\n"                            \
	"  --memory SIZE       RAM (default: cloud image 1G, kernel 512M, "    \
	"unikernel 128M)\n"                                                    \
	"  --disk-size SIZE    grow the overlay beyond the image's size\n"     \
	"  --cloud-init FILE   user-data for the NoCloud seed (default: an "   \
	"empty\n"                                                              \
	"                      #cloud-config)\n"                               \
	"  --network-config FILE  network-config for the seed\n"               \
	"  --ssh-key FILE      a public key for ssh_authorized_keys\n"         \
	"  --firmware FILE     OVMF (default: Debian's OVMF_CODE_4M.fd with "  \
	"its\n"                                                                \
	"                      VARS copied for this VM; SEV-SNP: a combined "  \
	"image)\n"                                                             \
	"  --id-block FILE, --id-auth FILE  SEV-SNP ID block and its "         \
	"signature (base64,\n"                                                 \
	"                      from 'cvm measure --id-key'); --author-key "    \
	"when signed\n"                                                        \
	"                      with an author key too\n"                       \
	"  --host-data BASE64  SEV-SNP HOST_DATA (32 bytes) for the "          \
	"attestation report\n"                                                 \
	"  --dh-cert FILE, --session FILE  SEV/SEV-ES launch session "         \
	"(base64, from\n"                                                      \
	"                      'sevctl session'), copied into the VM\n"        \
	"  --boot pvh|efi      kernel and unikernel guests: no firmware or "   \
	"OVMF\n"                                                               \
	"                      (default: unikernel pvh when unprotected, "     \
	"else efi)\n"                                                          \
	"  --accel MODE        auto (default, decided at each start), kvm or " \
	"tcg\n"                                                                \
	"  --no-network        no user-mode virtio-net (cloud images and "     \
	"kernels have one)\n"                                                  \
	"  --backend NAME      qemu (default: QEMU started by cvm) or "        \
	"libvirt\n"                                                            \
	"  --connect URI       the libvirt connection (default: libvirt's)\n"
#define VM_DRY_RUN_HELP                                                        \
	"  --dry-run           check everything, print the QEMU command line " \
	"(libvirt:\n"                                                          \
	"                      the domain XML), write nothing\n"               \
	"  --qemu-version X.Y  with --dry-run: for that QEMU release's "       \
	"options\n"                                                            \
	"                      (7.2, 8.2, 9.1, 10.1 ...) instead of the "      \
	"installed one\n"

/* What a create-like command line said. */
struct vm_cli {
	struct cvm_vm_create_opts o;
	bool json, dry_run, keep;
	int timeout_s; /* run: 0 none */
	int operands;  /* where getopt left the operands (NAME) in argv */
};

/*
 * Parse argv (argv[0] the verb) into `c`: the create options plus, when
 * `run`, --timeout and --keep; a NAME is required unless `run`.  Returns
 * 0, or the exit status of a usage error (printed).
 */
int vm_cli_parse(int argc, char **argv, bool run, struct vm_cli *c);

/* Print (or as JSON) what `create --dry-run` shows: the command line or
 * the libvirt domain XML; the exit status. */
int vm_create_dry(const struct vm_cli *c, const struct cvm_vm_plan *p);

/* Print what --protection auto picked and the policy's warnings
 * (stderr). */
void vm_plan_notes(const struct cvm_vm_plan *p);

/* Report a refused plan (the error line) and, when the policy named the
 * other SEV level (p->policy_level), the same command line with that
 * level: "(as SEV-ES: cvm vm create NAME ... --protection sev-es ...)".
 * argv as vm_cli_parse() left it.  Returns the exit status. */
int vm_plan_failed(const struct vm_cli *c, int argc, char **argv,
		   const struct cvm_vm_plan *p, const struct cvm_err *err);

/* "cd DIR && ARGV..." for a dry run, or its JSON form. */
void vm_print_argv(const struct cvm_vm_launch *l);
struct json_object *vm_launch_json(const struct cvm_vm_launch *l);

/* One line about a VM's configuration: "sev (policy 0x3), 1 vCPU,
 * 1024 MiB, cloud image 'x'". */
void vm_describe(const struct cvm_vm_config *c, char *buf, size_t n);

/* Console output to stdout, watching for `until` (NULL: none). */
struct vm_out {
	const char *until;
	char tail[256]; /* the last bytes seen, to match across chunks */
	size_t ntail;
	bool seen;
	struct cvm_guestio *parser; /* CVM1 lines (run), may be NULL */
};
int vm_out_write(void *opaque, const char *data, size_t len);

/* Parse "N" seconds for --timeout (1 to 86400); -1 when invalid. */
int vm_parse_seconds(const char *s);

#endif
