/* SPDX-License-Identifier: MIT */
/*
 * Measured direct boot: the kernel-hash table QEMU writes into the
 * firmware's SEV_HASH_TABLE_RV area (QEMU target/i386/sev.c,
 * sev_add_kernel_loader_hashes, "SevHashTable"; OVMF
 * OvmfPkg/AmdSev/BlobVerifierLib checks it), and the SEV LAUNCH_MEASURE
 * HMAC (SEV API spec 55766, LAUNCH_MEASURE).
 */
#include <string.h>
#include <sys/mman.h>

#define OPENSSL_SUPPRESS_DEPRECATED /* SHA256_Init: see cvm_sha256() */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "cvm/util.h"
#include "measure-priv.h"

#define HT_ENTRY_SIZE 50 /* GUID(16) + u16 length + SHA-256(32) */

static const uint8_t ht_header_guid[16] =
	CVM_GUID_LE(0x9438d606, 0x4f22, 0x4cc9, 0xb4, 0x79, 0xa7, 0x93, 0xd4,
		    0x11, 0xfd, 0x21);
static const uint8_t ht_cmdline_guid[16] =
	CVM_GUID_LE(0x97d02dd8, 0xbd20, 0x4c94, 0xaa, 0x78, 0xe7, 0x71, 0x4d,
		    0x36, 0xab, 0x2a);
static const uint8_t ht_initrd_guid[16] =
	CVM_GUID_LE(0x44baf731, 0x3a2f, 0x4bd7, 0x9a, 0xf1, 0x41, 0xe2, 0x91,
		    0x69, 0x78, 0x1d);
static const uint8_t ht_kernel_guid[16] =
	CVM_GUID_LE(0x4de79437, 0xabd2, 0x427f, 0xb8, 0x35, 0xd5, 0xb1, 0x72,
		    0xd2, 0x04, 0x5b);

static uint8_t *
put_entry(uint8_t *p, const uint8_t guid[16], const uint8_t hash[32])
{
	memcpy(p, guid, 16);
	cvm_put_le16(p + 16, HT_ENTRY_SIZE);
	memcpy(p + 18, hash, 32);
	return p + HT_ENTRY_SIZE;
}

void
cvm_sev_hashes_table(const struct cvm_sev_hashes *h,
		     uint8_t out[CVM_SEV_HASH_TABLE_PADDED_SIZE])
{
	uint8_t *p = out;

	/* header, then cmdline, initrd, kernel (QEMU's order) */
	memset(out, 0, CVM_SEV_HASH_TABLE_PADDED_SIZE);
	memcpy(p, ht_header_guid, 16);
	cvm_put_le16(p + 16, CVM_SEV_HASH_TABLE_SIZE);
	p += 18;
	p = put_entry(p, ht_cmdline_guid, h->cmdline);
	p = put_entry(p, ht_initrd_guid, h->initrd);
	put_entry(p, ht_kernel_guid, h->kernel);
}

/*
 * Not OpenSSL's one-shot SHA256(): in 3.x it goes through EVP_Q_digest(),
 * which initialises the library (reading openssl.cnf) and can fail.  The
 * low-level functions fail only for a NULL digest pointer.
 */
void
cvm_sha256(const void *p, size_t len, uint8_t out[32])
{
	SHA256_CTX c;

	SHA256_Init(&c);
	SHA256_Update(&c, p, len);
	SHA256_Final(out, &c);
}

int
cvm_measure_sha256_file(const char *path, uint8_t out[32], struct cvm_err *err)
{
	cleanup_map struct cvm_map m = CVM_MAP_INIT;
	int r;

	if ((r = cvm_file_map(path, &m, err)) < 0)
		return r;
	if (m.len)
		madvise((void *)m.data, m.len, MADV_POPULATE_READ);
	cvm_sha256(m.data, m.len, out);
	return 0;
}

int
cvm_sev_hashes_from_files(const char *kernel, const char *initrd,
			  const char *append, struct cvm_sev_hashes *out,
			  struct cvm_err *err)
{
	int r;

	if ((r = cvm_measure_sha256_file(kernel, out->kernel, err)) < 0)
		return r;
	if (initrd)
		r = cvm_measure_sha256_file(initrd, out->initrd, err);
	else
		cvm_sha256("", 0, out->initrd);
	if (r < 0)
		return r;
	/* the command line is hashed with its terminating NUL */
	cvm_sha256(append ? append : "", append ? strlen(append) + 1 : 1,
		   out->cmdline);
	return 0;
}

int
cvm_sev_launch_measure(const uint8_t tik[16], uint8_t api_major,
		       uint8_t api_minor, uint8_t build, uint32_t policy,
		       const uint8_t ld[CVM_SEV_LD_SIZE],
		       const uint8_t mnonce[16], uint8_t out[32],
		       struct cvm_err *err)
{
	uint8_t msg[1 + 3 + 4 + CVM_SEV_LD_SIZE + 16];
	unsigned int len = 0;

	/* SEV API spec 55766, LAUNCH_MEASURE: the MEASURE field */
	msg[0] = 0x04;
	msg[1] = api_major;
	msg[2] = api_minor;
	msg[3] = build;
	cvm_put_le32(msg + 4, policy);
	memcpy(msg + 8, ld, CVM_SEV_LD_SIZE);
	memcpy(msg + 8 + CVM_SEV_LD_SIZE, mnonce, 16);
	if (!HMAC(EVP_sha256(), tik, 16, msg, sizeof(msg), out, &len) ||
	    len != 32)
		return cvm_err_set(err, -EIO, "HMAC-SHA256 failed in OpenSSL");
	return 0;
}
