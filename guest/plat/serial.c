/* SPDX-License-Identifier: MIT */
/*
 * The console: a 16550 UART at COM1, driven by single-byte port I/O
 * (never OUTS: see cpu.h).  Register layout and bits: National
 * Semiconductor PC16550D data sheet, "Register Description"; QEMU
 * emulates it (hw/char/serial.c).  Lines end in "\n" alone, so the
 * host parser sees exactly the bytes of the CVM1 lines.
 */
#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"
#include "kernel.h"

#define COM1	 0x3f8
#define UART_THR 0 /* transmit holding (DLAB=0) */
#define UART_DLL 0 /* divisor latch low (DLAB=1) */
#define UART_IER 1 /* interrupt enable (DLAB=0) */
#define UART_DLM 1 /* divisor latch high (DLAB=1) */
#define UART_FCR 2 /* FIFO control */
#define UART_LCR 3 /* line control */
#define UART_MCR 4 /* modem control */
#define UART_LSR 5 /* line status */

#define LCR_8N1	    0x03
#define LCR_DLAB    0x80
#define FCR_ON	    0x07 /* enable, clear both FIFOs */
#define MCR_DTR_RTS 0x03
#define LSR_THRE    0x20 /* transmit holding register empty */

/* polls of LSR before a byte is sent anyway (a stuck or absent UART) */
#define THRE_SPINS 100000

static bool uart_absent;

void
serial_init(void)
{
	/* a floating bus reads 0xff: no UART, keep quiet */
	if (inb(COM1 + UART_LSR) == 0xff) {
		uart_absent = true;
		return;
	}
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DLL, 1); /* 115200 baud: 1.8432 MHz / 16 / 1 */
	outb(COM1 + UART_DLM, 0);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, FCR_ON);
	outb(COM1 + UART_MCR, MCR_DTR_RTS);
}

void
console_putc(char c)
{
	unsigned spins = 0;

	if (uart_absent)
		return;
	while (!(inb(COM1 + UART_LSR) & LSR_THRE) && spins++ < THRE_SPINS)
		cpu_relax();
	outb(COM1 + UART_THR, (uint8_t)c);
}

void
console_write(const char *s)
{
	while (*s)
		console_putc(*s++);
}
