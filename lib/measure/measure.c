/* SPDX-License-Identifier: MIT */
/*
 * Launch digests for SEV, SEV-ES and SEV-SNP guests (see cvm/measure.h).
 *
 * SNP order (what QEMU/KVM hand to SNP_LAUNCH_UPDATE): the firmware
 * image page by page from its GPA; the SEV metadata sections in table
 * order (OvmfSevMetadata.asm: SEC_MEM and SVSM_CAA as ZERO pages,
 * SECRETS and CPUID as one page of their type, KERNEL_HASHES as the
 * hash-table page); for EC2 the CPUID page last; then one VMSA per vCPU,
 * BSP first.  SEV and SEV-ES hash the same inputs with SHA-256 as the
 * PSP's LAUNCH_UPDATE_DATA / LAUNCH_UPDATE_VMSA see them.
 */
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define OPENSSL_SUPPRESS_DEPRECATED /* SHA256_Init: see cvm_sha256() */
#include <openssl/sha.h>

#include "cvm/ovmf.h"
#include "cvm/util.h"
#include "measure-priv.h"

#define BSP_EIP 0xFFFFFFF0u

void
cvm_measure_params_init(struct cvm_measure_params *p)
{
	memset(p, 0, sizeof(*p));
	p->mode = CVM_MEASURE_SNP;
	p->vmm = CVM_VMM_QEMU;
	p->guest_features = 0x1; /* sev-snp-measure >= 0.0.10 default */
}

static const char *
fw_name(const struct cvm_measure_params *p)
{
	return p->fw_name ? p->fw_name : "firmware";
}

static void
emit(const struct cvm_measure_params *p, const char *what, uint64_t gpa,
     uint64_t pages, uint64_t bytes, enum cvm_snp_page_type type, unsigned v0,
     unsigned v1)
{
	struct cvm_measure_region r = {
		.what = what,
		.gpa = gpa,
		.pages = pages,
		.bytes = bytes,
		.page_type = type,
		.vcpu_first = v0,
		.vcpu_last = v1,
	};

	if (p->on_region)
		p->on_region(p->opaque, &r);
}

/* The request itself, before any byte of input is read. */
static int
check_request(const struct cvm_measure_params *p, struct cvm_err *err)
{
	bool vcpus = p->mode == CVM_MEASURE_SEV_ES ||
		     p->mode == CVM_MEASURE_SNP ||
		     p->mode == CVM_MEASURE_SNP_SVSM;

	if ((unsigned)p->mode > CVM_MEASURE_SNP_SVSM)
		return cvm_err_set(err, -CVM_E_USAGE, "unknown mode %d",
				   (int)p->mode);
	if (p->vmm < CVM_VMM_QEMU || p->vmm > CVM_VMM_GCE)
		return cvm_err_set(err, -CVM_E_USAGE, "unknown VMM type %d",
				   (int)p->vmm);
	if (vcpus && (p->vcpus < 1 || p->vcpus > CVM_MEASURE_MAX_VCPUS))
		return cvm_err_set(err, -CVM_E_USAGE,
				   "vCPU count %u is outside 1..%d", p->vcpus,
				   CVM_MEASURE_MAX_VCPUS);
	if (p->snp_ovmf_hash && p->mode != CVM_MEASURE_SNP)
		return cvm_err_set(err, -CVM_E_USAGE,
				   "a precomputed OVMF hash applies to mode "
				   "'snp' only, not '%s'",
				   cvm_measure_mode_name(p->mode));
	if (p->hashes && (p->mode == CVM_MEASURE_SNP_OVMF_HASH ||
			  p->mode == CVM_MEASURE_SNP_SVSM))
		return cvm_err_set(err, -CVM_E_USAGE,
				   "mode '%s' does not measure a kernel",
				   cvm_measure_mode_name(p->mode));
	if (p->mode == CVM_MEASURE_SNP_SVSM && p->vmm != CVM_VMM_QEMU)
		return cvm_err_set(err, -CVM_E_USAGE,
				   "mode 'snp:svsm' is defined for VMM type "
				   "QEMU only");
	return 0;
}

/* The firmware must be whole pages for SNP (QEMU maps whole pages). */
static int
parse_fw(const struct cvm_measure_params *p, const uint8_t *data, size_t len,
	 const char *name, struct cvm_ovmf_info *info, struct cvm_err *err)
{
	int r;

	memset(info, 0, sizeof(*info));
	if (!data || len == 0)
		return cvm_err_set(err, -CVM_E_PARSE, "'%s' is empty", name);
	if ((r = cvm_ovmf_parse(data, len, info, err)) < 0) {
		cvm_err_prefix(err, "'%s'", name);
		return r;
	}
	if (p->mode != CVM_MEASURE_SEV && p->mode != CVM_MEASURE_SEV_ES &&
	    len % CVM_PAGE_SIZE)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "'%s' is %zu bytes, not a multiple of 4 KiB",
				   name, len);
	return 0;
}

/* The AP reset vector: SEV-ES and SNP cannot start without it. */
static int
reset_eip(const struct cvm_measure_params *p, const struct cvm_ovmf_info *o,
	  uint32_t *eip, struct cvm_err *err)
{
	if (!o->has_reset_block)
		return cvm_err_set(
			err, -CVM_E_UNSUPPORTED,
			"'%s' has no SEV_ES_RESET_BLOCK entry in its "
			"footer table: it cannot start SEV-ES or SNP "
			"guests",
			fw_name(p));
	if (o->sev_es_reset_eip == 0 && p->vcpus > 1)
		return cvm_err_set(err, -CVM_E_UNSUPPORTED,
				   "'%s' has no AP reset address: it cannot "
				   "start %u vCPUs",
				   fw_name(p), p->vcpus);
	*eip = o->sev_es_reset_eip;
	return 0;
}

/* Feed the BSP and AP VMSAs to `add` (one call per vCPU). */
static int
each_vmsa(const struct cvm_measure_params *p, const uint8_t *bsp,
	  const uint8_t *ap, void (*add)(void *ctx, const uint8_t *page),
	  void *ctx, struct cvm_err *err)
{
	int r;

	for (unsigned i = 0; i < p->vcpus; i++) {
		const uint8_t *page = i == 0 ? bsp : ap;

		add(ctx, page);
		if (p->on_vmsa && (r = p->on_vmsa(p->opaque, i, page, err)) < 0)
			return r;
	}
	return 0;
}

static void
sha256_add(void *ctx, const uint8_t *page)
{
	SHA256_Update(ctx, page, CVM_PAGE_SIZE);
}

static void
emit_vmsas(const struct cvm_measure_params *p, uint64_t gpa, uint64_t bytes,
	   enum cvm_snp_page_type type)
{
	emit(p, "VMSA", gpa, type ? 1 : 0, bytes, type, 0, 0);
	if (p->vcpus > 1)
		emit(p, "VMSA", type ? gpa : gpa + bytes,
		     type ? p->vcpus - 1 : 0, bytes * (p->vcpus - 1), type, 1,
		     p->vcpus - 1);
}

/* SEV: SHA-256(firmware || [hash table]); SEV-ES adds the VMSAs. */
static int
sev_digest(const struct cvm_measure_params *p, const struct cvm_ovmf_info *o,
	   struct cvm_measure_result *out, struct cvm_err *err)
{
	uint8_t table[CVM_SEV_HASH_TABLE_PADDED_SIZE];
	uint8_t bsp[CVM_PAGE_SIZE], ap[CVM_PAGE_SIZE];
	SHA256_CTX ctx;
	uint64_t off = p->fw_len;
	uint32_t eip = 0;
	int r = 0;

	if (p->hashes && !o->kernel_hashes_sev)
		return cvm_err_set(err, -CVM_E_UNSUPPORTED,
				   "'%s' cannot measure a kernel, initrd or "
				   "command line: its SEV_HASH_TABLE_RV GPA is "
				   "0 (measured direct boot needs an AmdSev "
				   "OVMF build)",
				   fw_name(p));
	if (p->mode == CVM_MEASURE_SEV_ES) {
		if ((r = reset_eip(p, o, &eip, err)) < 0)
			return r;
		/* SEV-ES VMSAs carry no SEV_FEATURES */
		cvm_vmsa_build(bsp, BSP_EIP, 0, p->vcpu_sig, p->vmm);
		cvm_vmsa_build(ap, eip, 0, p->vcpu_sig, p->vmm);
	}
	/* the low-level SHA-256 fails only for a NULL digest pointer */
	SHA256_Init(&ctx);
	SHA256_Update(&ctx, p->fw, p->fw_len);
	emit(p, "firmware", 0, 0, p->fw_len, 0, 0, 0);
	if (p->hashes) {
		cvm_sev_hashes_table(p->hashes, table);
		SHA256_Update(&ctx, table, sizeof(table));
		emit(p, "kernel hashes", off, 0, sizeof(table), 0, 0, 0);
		off += sizeof(table);
	}
	if (p->mode == CVM_MEASURE_SEV_ES) {
		r = each_vmsa(p, bsp, ap, sha256_add, &ctx, err);
		emit_vmsas(p, off, CVM_PAGE_SIZE, 0);
		off += (uint64_t)p->vcpus * CVM_PAGE_SIZE;
	}
	if (r == 0)
		SHA256_Final(out->digest, &ctx);
	out->len = CVM_SEV_LD_SIZE;
	out->bytes_hashed = off;
	return r;
}

/* KERNEL_HASHES: the table inside its page, at the RV entry's offset. */
static int
snp_kernel_hashes(struct cvm_gctx *g, const struct cvm_measure_params *p,
		  const struct cvm_ovmf_info *o,
		  const struct cvm_ovmf_section *s, struct cvm_err *err)
{
	uint8_t page[CVM_PAGE_SIZE];
	size_t off = o->hash_table_gpa & (CVM_PAGE_SIZE - 1);

	if (!p->hashes)
		return cvm_gctx_pages(g, "SNP_KERNEL_HASHES", CVM_SNP_PAGE_ZERO,
				      s->gpa, NULL, s->size, err);
	if (!o->has_hash_table_entry)
		return cvm_err_set(
			err, -CVM_E_PARSE,
			"'%s' has a SNP_KERNEL_HASHES section but no "
			"SEV_HASH_TABLE_RV entry",
			fw_name(p));
	if (s->size != CVM_PAGE_SIZE ||
	    off + CVM_SEV_HASH_TABLE_PADDED_SIZE > CVM_PAGE_SIZE)
		return cvm_err_set(
			err, -CVM_E_PARSE,
			"'%s': SNP_KERNEL_HASHES section (size 0x%x, "
			"table at page offset 0x%zx) cannot hold "
			"the hash table",
			fw_name(p), s->size, off);
	memset(page, 0, sizeof(page));
	cvm_sev_hashes_table(p->hashes, page + off);
	return cvm_gctx_pages(g, "SNP_KERNEL_HASHES", CVM_SNP_PAGE_NORMAL,
			      s->gpa, page, CVM_PAGE_SIZE, err);
}

/* One metadata section (sev-snp-measure snp_update_section). */
static int
snp_section(struct cvm_gctx *g, const struct cvm_measure_params *p,
	    const struct cvm_ovmf_info *o, const struct cvm_ovmf_section *s,
	    struct cvm_err *err)
{
	const char *name = cvm_ovmf_section_name(s->type);

	switch (s->type) {
	case CVM_OVMF_SEC_MEM:
		/* GCE leaves these pages unmeasured (PAGE_TYPE_UNMEASURED) */
		return cvm_gctx_pages(g, name,
				      p->vmm == CVM_VMM_GCE
					      ? CVM_SNP_PAGE_UNMEASURED
					      : CVM_SNP_PAGE_ZERO,
				      s->gpa, NULL, s->size, err);
	case CVM_OVMF_SECRETS:
		return cvm_gctx_pages(g, name, CVM_SNP_PAGE_SECRETS, s->gpa,
				      NULL, CVM_PAGE_SIZE, err);
	case CVM_OVMF_CPUID:
		if (p->vmm == CVM_VMM_EC2)
			return 0; /* EC2 adds the CPUID page last */
		return cvm_gctx_pages(g, name, CVM_SNP_PAGE_CPUID, s->gpa, NULL,
				      CVM_PAGE_SIZE, err);
	case CVM_OVMF_SVSM_CAA:
		return cvm_gctx_pages(g, name, CVM_SNP_PAGE_ZERO, s->gpa, NULL,
				      s->size, err);
	case CVM_OVMF_KERNEL_HASHES:
		return snp_kernel_hashes(g, p, o, s, err);
	default:
		return cvm_err_set(err, -CVM_E_PARSE,
				   "'%s': SEV metadata section at 0x%x has "
				   "unknown type 0x%x",
				   fw_name(p), s->gpa, s->type);
	}
}

static int
snp_metadata(struct cvm_gctx *g, const struct cvm_measure_params *p,
	     const struct cvm_ovmf_info *o, struct cvm_err *err)
{
	int r;

	if (p->hashes && !o->kernel_hashes_snp)
		return cvm_err_set(err, -CVM_E_UNSUPPORTED,
				   "'%s' cannot measure a kernel, initrd or "
				   "command line: its SEV metadata has no "
				   "SNP_KERNEL_HASHES section (measured direct "
				   "boot needs an AmdSev OVMF build)",
				   fw_name(p));
	for (size_t i = 0; i < o->nsections; i++)
		if ((r = snp_section(g, p, o, &o->sections[i], err)) < 0)
			return r;
	for (size_t i = 0; p->vmm == CVM_VMM_EC2 && i < o->nsections; i++) {
		if (o->sections[i].type != CVM_OVMF_CPUID)
			continue;
		r = cvm_gctx_pages(g, "CPUID", CVM_SNP_PAGE_CPUID,
				   o->sections[i].gpa, NULL, CVM_PAGE_SIZE,
				   err);
		if (r < 0)
			return r;
	}
	return 0;
}

static void
gctx_add_vmsa(void *ctx, const uint8_t *page)
{
	struct cvm_gctx *g = ctx;
	uint8_t h[CVM_SNP_LD_SIZE];

	cvm_gctx_sha384(g, page, CVM_PAGE_SIZE, h);
	cvm_gctx_update(g, CVM_SNP_PAGE_VMSA, CVM_SNP_VMSA_GPA, h);
}

static int
snp_vmsas(struct cvm_gctx *g, const struct cvm_measure_params *p,
	  const uint8_t *bsp, const uint8_t *ap, struct cvm_err *err)
{
	int r = each_vmsa(p, bsp, ap, gctx_add_vmsa, g, err);

	if (r == 0)
		emit_vmsas(p, CVM_SNP_VMSA_GPA, CVM_PAGE_SIZE + 0x70,
			   CVM_SNP_PAGE_VMSA);
	return r;
}

static int
snp_digest(struct cvm_gctx *g, const struct cvm_measure_params *p,
	   const struct cvm_ovmf_info *o, struct cvm_err *err)
{
	uint8_t bsp[CVM_PAGE_SIZE], ap[CVM_PAGE_SIZE];
	uint32_t eip = 0;
	int r;

	if (p->snp_ovmf_hash)
		emit(p, "firmware (precomputed hash)", o->gpa,
		     p->fw_len / CVM_PAGE_SIZE, 0, CVM_SNP_PAGE_NORMAL, 0, 0);
	else if ((r = cvm_gctx_pages(g, "firmware", CVM_SNP_PAGE_NORMAL, o->gpa,
				     p->fw, p->fw_len, err)) < 0)
		return r;
	if (p->mode == CVM_MEASURE_SNP_OVMF_HASH)
		return 0;
	if ((r = snp_metadata(g, p, o, err)) < 0)
		return r;
	if ((r = reset_eip(p, o, &eip, err)) < 0)
		return r;
	cvm_vmsa_build(bsp, BSP_EIP, p->guest_features, p->vcpu_sig, p->vmm);
	cvm_vmsa_build(ap, eip, p->guest_features, p->vcpu_sig, p->vmm);
	return snp_vmsas(g, p, bsp, ap, err);
}

/*
 * Coconut-SVSM: OVMF, then the SVSM image placed just below OVMF's vars
 * flash, the SVSM's own metadata, and one identical VMSA per vCPU that
 * starts at the SVSM entry point.
 */
static int
svsm_digest(struct cvm_gctx *g, const struct cvm_measure_params *p,
	    const struct cvm_ovmf_info *o, struct cvm_err *err)
{
	const char *sname = p->svsm_name ? p->svsm_name : "SVSM image";
	struct cvm_measure_params sp = *p;
	struct cvm_ovmf_info s;
	uint8_t vmsa[CVM_PAGE_SIZE];
	uint64_t gpa;
	int r;

	sp.fw_name = sname;
	sp.hashes = NULL;
	if ((r = parse_fw(p, p->svsm, p->svsm_len, sname, &s, err)) < 0)
		return r;
	if (p->vars_size + p->svsm_len > o->gpa)
		return cvm_err_set(err, -CVM_E_USAGE,
				   "'%s' (%zu bytes) and %llu bytes of vars do "
				   "not fit below the firmware at 0x%llx",
				   sname, p->svsm_len,
				   (unsigned long long)p->vars_size,
				   (unsigned long long)o->gpa);
	gpa = o->gpa - p->vars_size - p->svsm_len;
	if (!s.has_svsm_info)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "'%s' has no SVSM_INFO entry in its footer "
				   "table",
				   sname);
	if ((r = cvm_gctx_pages(g, "firmware", CVM_SNP_PAGE_NORMAL, o->gpa,
				p->fw, p->fw_len, err)) < 0 ||
	    (r = cvm_gctx_pages(g, "svsm", CVM_SNP_PAGE_NORMAL, gpa, p->svsm,
				p->svsm_len, err)) < 0 ||
	    (r = snp_metadata(g, &sp, &s, err)) < 0)
		return r;
	cvm_vmsa_build_svsm(vmsa, gpa + s.svsm_entry_offset, p->vcpu_sig);
	return snp_vmsas(g, p, vmsa, vmsa, err);
}

int
cvm_measure_compute(const struct cvm_measure_params *p,
		    struct cvm_measure_result *out, struct cvm_err *err)
{
	struct cvm_ovmf_info o;
	struct cvm_gctx g;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = check_request(p, err)) < 0)
		return r;
	if ((r = parse_fw(p, p->fw, p->fw_len, fw_name(p), &o, err)) < 0)
		return r;
	if (p->mode == CVM_MEASURE_SEV || p->mode == CVM_MEASURE_SEV_ES)
		return sev_digest(p, &o, out, err);
	cvm_gctx_init(&g, p->snp_ovmf_hash);
	g.threads = p->threads;
	if (p->lanes && p->lanes < g.lanes)
		g.lanes = p->lanes >= 4 ? 4 : 1;
	g.on_region = p->on_region;
	g.opaque = p->opaque;
	if (p->mode == CVM_MEASURE_SNP_SVSM)
		r = svsm_digest(&g, p, &o, err);
	else
		r = snp_digest(&g, p, &o, err);
	memcpy(out->digest, g.ld, CVM_SNP_LD_SIZE);
	out->len = CVM_SNP_LD_SIZE;
	out->pages = g.pages;
	out->bytes_hashed = g.bytes;
	out->lanes = g.lanes;
	return r;
}

static int
map_input(const char *path, struct cvm_map *m, struct cvm_err *err)
{
	int r = cvm_file_map(path, m, err);

	if (r == 0 && m->len == 0)
		return cvm_err_set(err, -CVM_E_PARSE, "'%s' is empty", path);
	/* every page is read: fault them in at once (a hint; Linux 5.14+) */
	if (r == 0)
		madvise((void *)m->data, m->len, MADV_POPULATE_READ);
	return r;
}

static int
file_size(const char *path, uint64_t *size, struct cvm_err *err)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return cvm_err_set(err, -errno, "cannot stat '%s': %s", path,
				   strerror(errno));
	if (!S_ISREG(st.st_mode))
		return cvm_err_set(err, -EINVAL, "'%s' is not a regular file",
				   path);
	*size = (uint64_t)st.st_size;
	return 0;
}

int
cvm_measure_files_compute(const struct cvm_measure_files *f,
			  const struct cvm_measure_params *params,
			  struct cvm_measure_result *out, struct cvm_err *err)
{
	cleanup_map struct cvm_map fw = CVM_MAP_INIT;
	cleanup_map struct cvm_map svsm = CVM_MAP_INIT;
	struct cvm_measure_params p = *params;
	struct cvm_sev_hashes h = {0};
	int r;

	p.hashes = f->kernel ? &h : NULL;
	p.fw_name = f->ovmf;
	p.svsm_name = f->svsm;
	if ((f->initrd || f->append) && !f->kernel)
		return cvm_err_set(
			err, -CVM_E_USAGE,
			"an initrd or a command line needs a kernel");
	if (p.mode == CVM_MEASURE_SNP_SVSM && !f->svsm)
		return cvm_err_set(err, -CVM_E_USAGE,
				   "mode 'snp:svsm' needs an SVSM image");
	if ((r = check_request(&p, err)) < 0)
		return r;
	if (!f->ovmf)
		return cvm_err_set(err, -CVM_E_USAGE,
				   "no firmware image given");
	if ((r = map_input(f->ovmf, &fw, err)) < 0)
		return r;
	p.fw = fw.data;
	p.fw_len = fw.len;
	if (p.mode == CVM_MEASURE_SNP_SVSM) {
		if ((r = map_input(f->svsm, &svsm, err)) < 0)
			return r;
		if (f->vars_file &&
		    (r = file_size(f->vars_file, &p.vars_size, err)) < 0)
			return r;
		p.svsm = svsm.data;
		p.svsm_len = svsm.len;
	}
	if (f->kernel &&
	    (r = cvm_sev_hashes_from_files(f->kernel, f->initrd, f->append, &h,
					   err)) < 0)
		return r;
	if ((r = cvm_measure_compute(&p, out, err)) < 0 || !f->sha256)
		return r;
	/* the inputs' own hashes, from the same mappings */
	cvm_sha256(fw.data, fw.len, out->ovmf_sha256);
	if (svsm.data)
		cvm_sha256(svsm.data, svsm.len, out->svsm_sha256);
	if (f->kernel) {
		memcpy(out->kernel_sha256, h.kernel, 32);
		memcpy(out->initrd_sha256, h.initrd, 32);
	}
	return 0;
}
