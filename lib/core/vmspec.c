/* SPDX-License-Identifier: MIT */
/* Protection-level names: see cvm/vmspec.h. */
#include <string.h>

#include "cvm/cleanup.h"
#include "cvm/err.h"
#include "cvm/vmspec.h"

static const char *const prot_names[] = {
	[CVM_PROT_NONE] = "none",     [CVM_PROT_SEV] = "sev",
	[CVM_PROT_SEV_ES] = "sev-es", [CVM_PROT_SEV_SNP] = "sev-snp",
	[CVM_PROT_AUTO] = "auto",
};

const char *
cvm_protection_name(enum cvm_protection p)
{
	if ((size_t)p < CVM_ARRAY_SIZE(prot_names))
		return prot_names[p];
	return "?";
}

int
cvm_protection_parse(const char *s, enum cvm_protection *out)
{
	for (size_t i = 0; i < CVM_ARRAY_SIZE(prot_names); i++)
		if (strcmp(s, prot_names[i]) == 0) {
			*out = (enum cvm_protection)i;
			return 0;
		}
	return -EINVAL;
}
