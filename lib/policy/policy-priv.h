/* SPDX-License-Identifier: MIT */
/*
 * Guest policy bits shared by lib/policy's files.  SEV: SEV API spec
 * 55766 ch. 3 (Linux SEV_POLICY_MASK_*); SNP: SNP firmware ABI spec 56860
 * "Guest Policy" (Linux SNP_POLICY_MASK_*).
 */
#ifndef CVM_POLICY_PRIV_H
#define CVM_POLICY_PRIV_H

#define SEV_NODBG	    0x01u
#define SEV_NOKS	    0x02u
#define SEV_ES		    0x04u
#define SEV_NOSEND	    0x08u
#define SEV_DOMAIN	    0x10u
#define SEV_SEV		    0x20u
#define SEV_RESERVED	    0xffc0u /* bits 15:6 */
#define SEV_API_MAJOR_SHIFT 16
#define SEV_API_MINOR_SHIFT 24

#define SNP_ABI_MAJOR_SHIFT   8
#define SNP_SMT		      (1ull << 16)
#define SNP_RSVD_MBO	      (1ull << 17)
#define SNP_MIGRATE_MA	      (1ull << 18)
#define SNP_DEBUG	      (1ull << 19)
#define SNP_SINGLE_SOCKET     (1ull << 20)
#define SNP_CXL_ALLOW	      (1ull << 21)
#define SNP_MEM_AES_256_XTS   (1ull << 22)
#define SNP_RAPL_DIS	      (1ull << 23)
#define SNP_CIPHERTEXT_HIDING (1ull << 24)
#define SNP_PAGE_SWAP_DISABLE (1ull << 25)
#define SNP_RESERVED	      (~0ull << 26) /* bits 63:26 */

#endif
