/* SPDX-License-Identifier: MIT */
/*
 * The options of `cvm vm create`, also taken by `cvm vm run` (see
 * cmd-vm.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-vm.h"
#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "out.h"

enum {
	O_CLOUD = 256,
	O_KERNEL,
	O_INITRD,
	O_APPEND,
	O_GUEST,
	O_WORKLOAD,
	O_IMAGE,
	O_BOOT,
	O_PROT,
	O_POLICY,
	O_VCPUS,
	O_MEMORY,
	O_DISK,
	O_CLOUDINIT,
	O_NETCFG,
	O_SSHKEY,
	O_FIRMWARE,
	O_ACCEL,
	O_NONET,
	O_BACKEND,
	O_CONNECT,
	O_QEMUVER,
	O_DRYRUN,
	O_JSON,
	O_TIMEOUT,
	O_KEEP,
	O_IDBLOCK,
	O_IDAUTH,
	O_HOSTDATA,
	O_AUTHORKEY,
	O_DHCERT,
	O_SESSION,
};

static const struct option longopts[] = {
	{"cloud-image", 1, NULL, O_CLOUD},
	{"kernel", 1, NULL, O_KERNEL},
	{"initrd", 1, NULL, O_INITRD},
	{"append", 1, NULL, O_APPEND},
	{"guest", 1, NULL, O_GUEST},
	{"workload", 1, NULL, O_WORKLOAD},
	{"image", 1, NULL, O_IMAGE},
	{"boot", 1, NULL, O_BOOT},
	{"protection", 1, NULL, O_PROT},
	{"policy", 1, NULL, O_POLICY},
	{"vcpus", 1, NULL, O_VCPUS},
	{"memory", 1, NULL, O_MEMORY},
	{"disk-size", 1, NULL, O_DISK},
	{"cloud-init", 1, NULL, O_CLOUDINIT},
	{"network-config", 1, NULL, O_NETCFG},
	{"ssh-key", 1, NULL, O_SSHKEY},
	{"firmware", 1, NULL, O_FIRMWARE},
	{"accel", 1, NULL, O_ACCEL},
	{"no-network", 0, NULL, O_NONET},
	{"backend", 1, NULL, O_BACKEND},
	{"connect", 1, NULL, O_CONNECT},
	{"qemu-version", 1, NULL, O_QEMUVER},
	{"dry-run", 0, NULL, O_DRYRUN},
	{"json", 0, NULL, O_JSON},
	{"timeout", 1, NULL, O_TIMEOUT},
	{"keep", 0, NULL, O_KEEP},
	{"id-block", 1, NULL, O_IDBLOCK},
	{"id-auth", 1, NULL, O_IDAUTH},
	{"host-data", 1, NULL, O_HOSTDATA},
	{"author-key", 0, NULL, O_AUTHORKEY},
	{"dh-cert", 1, NULL, O_DHCERT},
	{"session", 1, NULL, O_SESSION},
	{NULL, 0, NULL, 0},
};

int
vm_parse_seconds(const char *s)
{
	uint64_t v;

	if (cvm_parse_u64(s, &v) < 0 || v < 1 || v > 86400)
		return -1;
	return (int)v;
}

/* Options with a value that needs checking; -1: bad value. */
static int
typed(struct vm_cli *c, int ch, const char *v)
{
	struct cvm_vm_create_opts *o = &c->o;
	uint64_t n;

	switch (ch) {
	case O_GUEST:
		o->unikernel = !strcmp(v, "unikernel");
		return o->unikernel ? 0 : -1;
	case O_BOOT:
		o->boot_set = true;
		o->boot = !strcmp(v, "efi") ? CVM_BOOT_EFI : CVM_BOOT_PVH;
		return strcmp(v, "efi") && strcmp(v, "pvh") ? -1 : 0;
	case O_PROT:
		return cvm_protection_parse(v, &o->protection);
	case O_VCPUS:
		if (cvm_parse_u64(v, &n) < 0 || !n || n > 255)
			return -1;
		o->vcpus = (unsigned)n;
		return 0;
	case O_MEMORY:
		return cvm_parse_size(v, &o->memory) < 0 || !o->memory ? -1 : 0;
	case O_DISK:
		return cvm_parse_size(v, &o->disk_size) < 0 || !o->disk_size
			       ? -1
			       : 0;
	case O_ACCEL:
		o->accel = !strcmp(v, "kvm")   ? CVM_ACCEL_KVM
			   : !strcmp(v, "tcg") ? CVM_ACCEL_TCG
					       : CVM_ACCEL_AUTO;
		return strcmp(v, "kvm") && strcmp(v, "tcg") && strcmp(v, "auto")
			       ? -1
			       : 0;
	case O_BACKEND:
		return cvm_vm_backend_parse(v, &o->backend);
	case O_TIMEOUT:
		c->timeout_s = vm_parse_seconds(v);
		return c->timeout_s < 0 ? -1 : 0;
	}
	return 0;
}

/* Options that only store their text (or a flag). */
static void
plain(struct vm_cli *c, int ch, const char *v)
{
	struct cvm_vm_create_opts *o = &c->o;
	const char **slot[] = {
		[O_CLOUD - O_CLOUD] = &o->cloud_image,
		[O_KERNEL - O_CLOUD] = &o->kernel,
		[O_INITRD - O_CLOUD] = &o->initrd,
		[O_APPEND - O_CLOUD] = &o->append,
		[O_WORKLOAD - O_CLOUD] = &o->workload,
		[O_IMAGE - O_CLOUD] = &o->image,
		[O_POLICY - O_CLOUD] = &o->policy,
		[O_CLOUDINIT - O_CLOUD] = &o->cloud_init,
		[O_NETCFG - O_CLOUD] = &o->network_config,
		[O_SSHKEY - O_CLOUD] = &o->ssh_key,
		[O_FIRMWARE - O_CLOUD] = &o->firmware,
		[O_CONNECT - O_CLOUD] = &o->connect,
		[O_QEMUVER - O_CLOUD] = &o->qemu_version,
		[O_IDBLOCK - O_CLOUD] = &o->id_block,
		[O_IDAUTH - O_CLOUD] = &o->id_auth,
		[O_HOSTDATA - O_CLOUD] = &o->host_data,
		[O_DHCERT - O_CLOUD] = &o->dh_cert,
		[O_SESSION - O_CLOUD] = &o->session,
	};

	o->no_network |= ch == O_NONET;
	c->dry_run |= ch == O_DRYRUN;
	c->json |= ch == O_JSON;
	c->keep |= ch == O_KEEP;
	o->author_key |= ch == O_AUTHORKEY;
	if ((size_t)(ch - O_CLOUD) < CVM_ARRAY_SIZE(slot) && slot[ch - O_CLOUD])
		*slot[ch - O_CLOUD] = v;
}

static int
check_combination(const char *cmd, bool run, struct vm_cli *c)
{
	if (c->o.qemu_version && !c->dry_run)
		return cli_usage(cmd, "--qemu-version is for --dry-run only");
	if (c->o.connect && c->o.backend != CVM_VM_LIBVIRT)
		return cli_usage(cmd, "--connect goes with --backend libvirt");
	if (!run && (c->timeout_s || c->keep))
		return cli_usage(cmd, "--timeout and --keep are for 'cvm vm "
				      "run'");
	c->o.dry_run = c->dry_run;
	return 0;
}

int
vm_cli_parse(int argc, char **argv, bool run, struct vm_cli *c)
{
	const char *cmd = run ? "cvm vm run" : "cvm vm create";
	int ch, idx = 0;

	memset(c, 0, sizeof(*c));
	c->o.protection = CVM_PROT_AUTO;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, &idx)) != -1) {
		if (ch == '?' || ch == ':')
			return cli_usage(cmd,
					 "unknown option or missing value "
					 "in '%s'",
					 argv[optind - 1]);
		if (typed(c, ch, optarg) < 0)
			return cli_usage(cmd, "--%s: '%s' is not valid",
					 longopts[idx].name, optarg);
		plain(c, ch, optarg);
	}
	c->operands = optind;
	if (optind < argc)
		c->o.name = argv[optind++];
	if (optind < argc)
		return cli_usage(cmd, "unexpected argument '%s'", argv[optind]);
	if (!c->o.name && !run)
		return cli_usage(cmd, "a VM NAME is required");
	return check_combination(cmd, run, c);
}
