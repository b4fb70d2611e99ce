/* SPDX-License-Identifier: MIT */
/*
 * The guest result-line format shared by the unikernel, the Linux
 * baseline guest and the host parser: see docs/result-format.md.
 * Only <stdint.h>-level definitions here: the guest includes it.
 */
#ifndef CVM_ABI_RESULT_H
#define CVM_ABI_RESULT_H

#define CVM_RESULT_TAG "CVM1"

/* isa-debug-exit: QEMU exits with (value << 1) | 1 */
#define CVM_DEBUG_EXIT_PORT 0xf4

/*
 * The unikernel's exit statuses ("CVM1 exit STATUS" and the value written
 * to isa-debug-exit); 0..3 are the workloads' WL_* statuses (wl.h).
 */
#define CVM_GUEST_EXIT_OK	  0 /* ran, every result verified */
#define CVM_GUEST_EXIT_UNVERIFIED 1 /* a result failed verification */
#define CVM_GUEST_EXIT_USAGE	  2 /* bad command line, unknown workload */
#define CVM_GUEST_EXIT_NOMEM	  3 /* the guest has too little memory */
#define CVM_GUEST_EXIT_FAULT	  4 /* a CPU exception ("CVM1 fault") */
#define CVM_GUEST_EXIT_PANIC	  5 /* the kernel could not continue */

#endif
