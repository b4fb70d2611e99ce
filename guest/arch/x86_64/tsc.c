/* SPDX-License-Identifier: MIT */
/*
 * The clock: the TSC, calibrated at boot.
 *
 * Reference, in order: CPUID 0x15 (TSC/crystal ratio and crystal
 * frequency, exact where the CPU enumerates them: SDM vol. 2A, CPUID
 * leaf 15H); else the 8254 PIT channel 2 (input clock 1.193182 MHz,
 * Intel 8254 data sheet; gate and OUT2 on port 0x61 as on every PC);
 * else CPUID 0x16 (the nominal base frequency, SDM leaf 16H); else
 * none, reported as such.
 *
 * The PIT window is opened early in kmain() and closed once the rest
 * of the set-up is done, so the boot spends only what is left of the
 * minimum window.  Both ends are taken on a PIT count edge, and the
 * TSC around each counter latch is averaged, so the error is about one
 * port access over the window (about 0.05 % for 2 ms).
 */
#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"
#include "kernel.h"

#define PIT_HZ	      1193182ull
#define PIT_CH2	      0x42
#define PIT_CMD	      0x43
#define PORT_B	      0x61
#define PORTB_GATE2   0x01
#define PORTB_SPEAKER 0x02
#define PORTB_OUT2    0x20
#define PIT_CH2_MODE0 0xb0 /* channel 2, lobyte/hibyte, mode 0, binary */
#define PIT_CH2_LATCH 0x80 /* counter latch command, channel 2 */
#define CAL_MIN_TICKS 2386 /* 2 ms of PIT input clock */
#define CAL_GIVE_UP   (1ull << 35) /* TSC ticks: ~10 s at 3 GHz */

uint64_t tsc_khz;
const char *tsc_source = "none";
static uint64_t tsc_mult; /* ns = ticks * tsc_mult >> 32 */

static bool pit_on;
static uint16_t cal_c0;
static uint64_t cal_t0;

static void
set_khz(uint64_t khz, const char *src)
{
	tsc_khz = khz;
	tsc_source = src;
	tsc_mult = khz ? (1000000ull << 32) / khz : 0;
}

static uint16_t
pit_read(uint64_t *tsc)
{
	uint64_t a, b;
	uint8_t lo, hi;

	a = rdtsc();
	outb(PIT_CMD, PIT_CH2_LATCH);
	b = rdtsc();
	lo = inb(PIT_CH2);
	hi = inb(PIT_CH2);
	*tsc = a + (b - a) / 2;
	return (uint16_t)(lo | hi << 8);
}

/* the first (count, tsc) after the count changes; false if it never does */
static bool
pit_edge(uint16_t *count, uint64_t *tsc)
{
	uint64_t t, start = rdtsc();
	uint16_t c0 = pit_read(&t), c;

	do {
		c = pit_read(&t);
		if (t - start > CAL_GIVE_UP)
			return false;
	} while (c == c0);
	*count = c;
	*tsc = t;
	return true;
}

static void
pit_open(void)
{
	uint8_t b = inb(PORT_B);

	outb(PORT_B, (uint8_t)((b & ~PORTB_SPEAKER) | PORTB_GATE2));
	outb(PIT_CMD, PIT_CH2_MODE0);
	outb(PIT_CH2, 0xff);
	outb(PIT_CH2, 0xff);
	pit_on = pit_edge(&cal_c0, &cal_t0);
}

static bool
cpuid15(void)
{
	uint32_t r[4];

	cpuid(0, 0, r);
	if (r[0] < 0x15)
		return false;
	cpuid(0x15, 0, r); /* EAX denominator, EBX numerator, ECX crystal Hz */
	if (!r[0] || !r[1] || !r[2])
		return false;
	set_khz((uint64_t)r[2] * r[1] / r[0] / 1000, "cpuid15");
	return true;
}

static void
fallback(void)
{
	uint32_t r[4];

	cpuid(0, 0, r);
	if (r[0] >= 0x16) {
		cpuid(0x16, 0, r); /* EAX: base frequency in MHz */
		if (r[0] & 0xffff) {
			set_khz((uint64_t)(r[0] & 0xffff) * 1000, "cpuid16");
			return;
		}
	}
	set_khz(0, "none");
}

void
tsc_cal_start(void)
{
	if (cpuid15())
		return;
	pit_open();
}

/* the window from cal_t0 to a count edge CAL_MIN_TICKS later */
static bool
pit_close(void)
{
	uint16_t c1;
	uint64_t t1;

	/* mode 0 sets OUT2 at terminal count: the window wrapped (>55 ms) */
	if (inb(PORT_B) & PORTB_OUT2) {
		pit_open();
		if (!pit_on)
			return false;
	}
	do {
		if (!pit_edge(&c1, &t1))
			return false;
	} while ((uint16_t)(cal_c0 - c1) < CAL_MIN_TICKS);
	set_khz((t1 - cal_t0) * PIT_HZ /
			((uint64_t)(uint16_t)(cal_c0 - c1) * 1000),
		"pit");
	return true;
}

void
tsc_cal_finish(void)
{
	if (tsc_khz)
		return;
	if (!pit_on || !pit_close())
		fallback();
}

uint64_t
tsc_ticks_to_ns(uint64_t ticks)
{
	return (uint64_t)(((unsigned __int128)ticks * tsc_mult) >> 32);
}
