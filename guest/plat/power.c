/* SPDX-License-Identifier: MIT */
/*
 * Stopping the machine with a status.  QEMU's isa-debug-exit device
 * (hw/misc/debugexit.c) ends QEMU with exit code (value << 1) | 1 on a
 * write to its port (0xf4 as cvm configures it).  Without the device
 * the write goes nowhere and ACPI S5 powers off instead; the status
 * then travels only in the "CVM1 exit" line printed before.
 */
#include "cpu.h"
#include "kernel.h"

void
power_exit(int status)
{
	outb(CVM_DEBUG_EXIT_PORT, (uint8_t)status);
	acpi_poweroff();
	cpu_halt_forever();
}
