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

#endif
