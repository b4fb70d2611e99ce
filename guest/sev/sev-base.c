/* SPDX-License-Identifier: MIT */
/* Error names and the secure wipe shared by the SEV modules. */
#include "sev-base.h"

const char *
sev_strerror(int code)
{
	static const char *const names[] = {
		"ok",	    "invalid",	 "decode",    "opcode", "unsupported",
		"protocol", "vmm",	 "exception", "badmsg", "auth",
		"seqno",    "firmware",	 "busy",      "range",	"twice",
		"nokey",    "pvalidate", "notfound",  "short",	"not-validated",
	};

	if (code > 0 || -code >= (int)(sizeof(names) / sizeof(names[0])))
		return "unknown";
	return names[-code];
}

void
sev_wipe(void *p, size_t n)
{
	volatile uint8_t *v = p;

	while (n--)
		*v++ = 0;
	/* keep the stores ordered before whatever the caller does next */
	__asm__ __volatile__("" : : "r"(p) : "memory");
}
