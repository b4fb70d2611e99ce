/* SPDX-License-Identifier: MIT */
/*
 * cvm-agent, scrape mode: the guest of `cvm demo scrape`.  It builds a
 * secret at run time that exists nowhere else: a prefix stored reversed
 * in this program (so the initramfs never holds it forwards) and 16
 * random bytes from the guest's own RNG, in hex.  The secret stays in
 * guest memory (a heap buffer and a file on the guest's tmpfs root); only
 * the random suffix is reported, as an INFO frame on the control channel
 * (never on the console), so the host can tell what to search for
 * without the full string ever leaving the guest.  Then it waits for the
 * host to end the VM.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "agent.h"

#define SECRET_COPIES 4

_Noreturn void
agent_scrape(void)
{
	static const char rev[] = "-terces-POT-VES"; /* "SEV-TOP-secret-" */
	uint8_t rnd[16];
	char suffix[2 * sizeof(rnd) + 1], info[64];
	char *secret = malloc(SECRET_COPIES * 64);
	size_t plen = sizeof(rev) - 1;
	int fd;

	if (!secret)
		agent_fail(126, "out of memory");
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		agent_fail(126, "getrandom: %s", strerror(errno));
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(suffix + 2 * i, 3, "%02x", rnd[i]);
	for (size_t c = 0; c < SECRET_COPIES; c++) {
		char *s = secret + 64 * c;

		for (size_t i = 0; i < plen; i++)
			s[i] = rev[plen - 1 - i];
		memcpy(s + plen, suffix, sizeof(suffix));
	}
	fd = open("/secret.txt", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0) {
		if (write(fd, secret, strlen(secret)) < 0)
			agent_log("write /secret.txt: %s", strerror(errno));
		close(fd);
	}
	snprintf(info, sizeof(info), "suffix=%s", suffix);
	agent_send(CVM_CHAN_INFO, info, strlen(info));
	for (;;)
		pause();
}
