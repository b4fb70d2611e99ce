/* SPDX-License-Identifier: MIT */
/*
 * `cvm measure`: compute a guest's launch measurement offline.  A drop-in
 * for virtee/sev-snp-measure (same options, same stdout, same failures)
 * with --json, --explain and SNP ID blocks on top.  Options are parsed in
 * cmd-measure-opts.c, results printed in cmd-measure-out.c.
 */
#include <stdio.h>
#include <stdlib.h>

#include <openssl/crypto.h>

#include "cmd-measure.h"
#include "cmd.h"
#include "out.h"

static int
measure_run(int argc, char **argv)
{
	struct measure_opts o = {0};
	struct measure_idb_out idb = {0};
	struct cvm_measure_result res;
	struct cvm_err err = CVM_ERR_INIT;
	int r;

	if ((r = measure_parse(argc, argv, &o)) != 0)
		return r < 0 ? 0 : r;
	/*
	 * The digests use OpenSSL's low-level SHA functions, which need no
	 * library initialisation.  Only the ID block's ECDSA P-384 goes
	 * through EVP and its default provider: for it, skip parsing
	 * openssl.cnf and filling the legacy name tables of every cipher
	 * and digest, which it does not use.  Without an ID key OpenSSL is
	 * never initialised and has nothing to tear down at exit.  This
	 * must come before any EVP call.
	 */
	if (o.id_key)
		OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG |
					    OPENSSL_INIT_NO_ADD_ALL_CIPHERS |
					    OPENSSL_INIT_NO_ADD_ALL_DIGESTS,
				    NULL);
	o.f.sha256 = o.json;
	o.p.opaque = &o;
	o.p.on_region = o.explain ? measure_collect_region : NULL;
	o.p.on_vmsa = o.dump_vmsa ? measure_dump_vmsa : NULL;
	r = cvm_measure_files_compute(&o.f, &o.p, &res, &err);
	if (r == 0 && o.id_key)
		r = measure_write_id_block(&o, &res, &idb, &err);
	if (r == 0)
		r = measure_print(&o, &res, o.id_key ? &idb : NULL);
	else
		r = cli_error(&err);
	free(o.regions);
	return r;
}

static const char measure_help[] =
	"Computes the launch digest an AMD SEV, SEV-ES or SEV-SNP guest will\n"
	"report, from its firmware (and kernel, initrd, command line, vCPUs).\n"
	"Options, outputs and failures match virtee/sev-snp-measure 0.0.13:\n"
	"`cvm measure` can replace `sev-snp-measure` in scripts.\n"
	"\n"
	"options (sev-snp-measure's):\n"
	"  --mode MODE            sev, seves, snp, snp:ovmf-hash or snp:svsm\n"
	"  --vcpus N              number of vCPUs (1..512; all modes but sev)\n"
	"  --vcpu-type TYPE       EPYC, EPYC-v1..v4, EPYC-IBPB, EPYC-Rome,\n"
	"                         EPYC-Rome-v1..v3, EPYC-Milan, "
	"EPYC-Milan-v1,\n"
	"                         EPYC-Milan-v2, EPYC-Genoa, EPYC-Genoa-v1,\n"
	"                         EPYC-Turin\n"
	"  --vcpu-sig VALUE       vCPU signature (CPUID 1 EAX), e.g. 0xa00f11\n"
	"  --vcpu-family F --vcpu-model M --vcpu-stepping S\n"
	"                         the signature from its parts\n"
	"  --vmm-type TYPE        QEMU (default), ec2 or gce\n"
	"  --ovmf PATH            firmware image (required)\n"
	"  --kernel PATH          kernel for measured direct boot (needs a\n"
	"                         firmware with a kernel-hash table)\n"
	"  --initrd PATH          initrd (with --kernel)\n"
	"  --append CMDLINE       kernel command line (with --kernel)\n"
	"  --guest-features VALUE SNP SEV_FEATURES of the VMSAs (default 0x1)\n"
	"  --output-format FMT    hex (default) or base64\n"
	"  --snp-ovmf-hash HEX    precomputed snp:ovmf-hash of the firmware\n"
	"  --dump-vmsa            write the VMSAs to vmsa<N>.bin\n"
	"  --svsm PATH            SVSM image (snp:svsm)\n"
	"  --vars-size SIZE       OVMF_VARS size in bytes (snp:svsm)\n"
	"  --vars-file PATH       OVMF_VARS file (snp:svsm; or --vars-size)\n"
	"  -v, --verbose          'Calculated <MODE> guest measurement: ...'\n"
	"  --version              print the version\n"
	"\n"
	"cvm additions:\n"
	"  --explain              after the digest, the measured regions in\n"
	"                         order (GPA, pages, page type)\n"
	"  --json                 JSON output (see below)\n"
	"  --threads N            hash SNP pages on N threads (default 0: one\n"
	"                         per CPU, at most 8)\n"
	"  --id-key PEM           sign an SNP ID block with this EC P-384 key\n"
	"  --id-block-out FILE    write the ID block (base64 of 96 bytes)\n"
	"  --id-auth-out FILE     write the ID auth info (base64 of 4096 "
	"bytes)\n"
	"  --author-key PEM       also sign the ID key "
	"(author-key-enabled=on)\n"
	"  --policy VALUE         ID block POLICY (default 0x30000)\n"
	"  --family-id HEX, --image-id HEX   16-byte IDs (default zeros)\n"
	"  --guest-svn N          ID block GUEST_SVN (default 0)\n"
	"The ID files go to QEMU as sev-snp-guest,id-block=$(cat FILE),\n"
	"id-auth=$(cat FILE).\n"
	"\n"
	"--json prints one object: mode, digest (hex), digest_base64,\n"
	"algorithm (sha256|sha384), vcpus, vcpu_sig, vmm_type, "
	"guest_features,\n"
	"bytes_hashed, pages (SNP), inputs {ovmf, kernel, initrd, svsm,\n"
	"vars_file: {path, size, sha256}; append: string}, regions (with\n"
	"--explain: [{what, gpa, pages, page_type (SNP) or offset (SEV,\n"
	"SEV-ES), bytes, vcpus (VMSA)}]) and id_block ({block_file, "
	"auth_file,\n"
	"policy, guest_svn, family_id, image_id, id_key_digest,\n"
	"author_key_digest}).\n"
	"\n"
	"exit status: 0 ok, 1 bad input or firmware, 2 usage error.\n";

const struct cvm_cmd cmd_measure = {
	.name = "measure",
	.summary = "compute a guest's expected launch measurement offline",
	.usage = "cvm measure --mode MODE --ovmf PATH [--vcpus N "
		 "--vcpu-type TYPE] [OPTIONS]",
	.help = measure_help,
	.run = measure_run,
};
