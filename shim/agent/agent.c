/* SPDX-License-Identifier: MIT */
/*
 * cvm-agent main: mount the guest's own /dev and /proc, open the control
 * channel on ttyS1 in raw mode, greet the host, read the spec and either
 * run the container's process or the scrape demo's secret keeper.
 * Ending the guest: an EXIT frame, a marker line on the console (ttyS0)
 * for when the channel is gone, then isa-debug-exit (QEMU exits at once)
 * or, where that device is absent, a power-off.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/reboot.h>
#include <termios.h>
#include <unistd.h>

#include "agent.h"

#define CHAN_TTY	"/dev/ttyS1"
#define DEBUG_EXIT_PORT 0xf4

int agent_chan = -1;
static int console_fd = -1;

static void
write_all(int fd, const void *p, size_t n)
{
	const char *s = p;

	while (n) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

void
agent_send(uint8_t type, const void *p, size_t n)
{
	static uint8_t frame[CVM_CHAN_MAX_FRAME];
	const uint8_t *s = p;

	if (agent_chan < 0)
		return;
	do {
		size_t k = n > CVM_CHAN_MAX_PAYLOAD ? CVM_CHAN_MAX_PAYLOAD : n;

		write_all(agent_chan, frame,
			  cvm_chan_encode(frame, type, s, k));
		s += k;
		n -= k;
	} while (n);
}

void
agent_log(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	agent_send(CVM_CHAN_LOG, msg, strlen(msg));
}

static _Noreturn void
power_off(int status)
{
	/* isa-debug-exit: QEMU exits with (value << 1) | 1 */
	if (ioperm(DEBUG_EXIT_PORT, 4, 1) == 0)
		outl((unsigned)(status & 0x7f), DEBUG_EXIT_PORT);
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

_Noreturn void
agent_exit(int kind, int value)
{
	uint8_t p[8];
	char line[64];

	cvm_chan_put_u32(p, (uint32_t)kind);
	cvm_chan_put_u32(p + 4, (uint32_t)value);
	agent_send(CVM_CHAN_EXIT, p, sizeof(p));
	if (agent_chan >= 0)
		tcdrain(agent_chan);
	snprintf(line, sizeof(line), "\n" CVM_AGENT_MARKER "%s=%d\n",
		 kind == CVM_CHAN_EXIT_SIGNAL ? "signal" : "code", value);
	if (console_fd >= 0) {
		write_all(console_fd, line, strlen(line));
		tcdrain(console_fd);
	}
	power_off(kind == CVM_CHAN_EXIT_SIGNAL ? 128 + value : value);
}

_Noreturn void
agent_fail(int status, const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n > sizeof(msg) - 2)
		n = (int)sizeof(msg) - 2;
	msg[n++] = '\n';
	agent_send(CVM_CHAN_STDERR, "cvm-agent: ", 11);
	agent_send(CVM_CHAN_STDERR, msg, (size_t)n);
	agent_send(CVM_CHAN_LOG, msg, (size_t)n - 1);
	if (console_fd >= 0)
		write_all(console_fd, msg, (size_t)n);
	agent_exit(CVM_CHAN_EXIT_CODE, status);
}

/* Raw 8-bit line, no flow control, no echo: frames pass unchanged. */
static int
chan_open(void)
{
	struct termios t;
	int fd = open(CHAN_TTY, O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		t.c_cflag |= CLOCAL | CREAD;
		t.c_cflag &= ~(tcflag_t)CRTSCTS;
		cfsetspeed(&t, B115200);
		tcsetattr(fd, TCSANOW, &t);
	}
	return fd;
}

int
main(void)
{
	static struct agent_spec spec;
	uint8_t hello[4];

	agent_setup_base();
	console_fd = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	agent_chan = chan_open();
	if (agent_chan < 0)
		/* nothing to talk to: the marker on the console is all */
		agent_fail(126,
			   "cannot open the control channel " CHAN_TTY ": %s",
			   strerror(errno));
	cvm_chan_put_u32(hello, CVM_CHAN_VERSION);
	agent_send(CVM_CHAN_HELLO, hello, sizeof(hello));
	if (agent_spec_read(CVM_SPEC_PATH, &spec) < 0)
		agent_fail(126, "cannot read the spec " CVM_SPEC_PATH ": %s",
			   strerror(errno));
	if (spec.scrape)
		agent_scrape();
	agent_setup_container(&spec);
	agent_run(&spec);
}
