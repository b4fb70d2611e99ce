/* SPDX-License-Identifier: MIT */
/*
 * The kernel command line: space-separated key=value words, e.g.
 * "workload=ep class=S reps=3", or "workload=attest nonce=HEX".  Self-contained
 * (standard headers only) so the host unit tests compile kernel/cmdline.c as
 * is.
 */
#ifndef CVM_GUEST_CMDLINE_H
#define CVM_GUEST_CMDLINE_H

#include <stdbool.h>

#define CMDLINE_NAME_MAX  32
#define CMDLINE_LIST_MAX  8
#define CMDLINE_REPS_MAX  1000000u
#define CMDLINE_NONCE_MAX 128 /* hex digits: 64 bytes of REPORT_DATA */

struct kcmdline {
	/* workload=NAME[,NAME...]: run in order; default "hello" */
	char workload[CMDLINE_LIST_MAX][CMDLINE_NAME_MAX];
	unsigned nworkloads;
	char cls;      /* 'S', 'W', 'A', '-'; 0 = not given */
	unsigned reps; /* default 1 */
	/* nonce=HEX: the attest workload's REPORT_DATA, "" if not given */
	char nonce[CMDLINE_NONCE_MAX + 1];
	char unknown[CMDLINE_NAME_MAX]; /* first word not understood */
	char error[96];			/* why parsing failed, "" if not */
};

/*
 * Parse `s` into `c`.  0 on success (words the kernel does not know,
 * such as OVMF's "initrd=...", are skipped and the first is named in
 * c->unknown); -1 with c->error set for a bad value of a known key.
 */
int cmdline_parse(const char *s, struct kcmdline *c);

#endif
