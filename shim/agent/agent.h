/* SPDX-License-Identifier: MIT */
/*
 * cvm-agent: the /init of a cvm-oci guest.  A static program that sets up
 * the container's filesystem below CVM_SPEC_ROOT from the spec file the
 * runtime put into the initramfs, runs the container's process, relays
 * its stdio, signals and terminal size over the control channel (ttyS1,
 * lib/oci/oci-proto.h), and reports its exit status.  Errors end the
 * guest with a message on the container's stderr; nothing here returns
 * to a caller that could recover.
 */
#ifndef CVM_AGENT_H
#define CVM_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "oci-proto.h"

#define AGENT_MAX_WORDS	 1024
#define AGENT_MAX_MOUNTS 64
#define AGENT_MAX_GROUPS 64

struct agent_mount {
	const char *type, *dest, *data;
	unsigned long flags;
	bool devices; /* populate it as /dev after mounting */
};

/* The spec file, decoded; strings point into the file's buffer. */
struct agent_spec {
	bool scrape;
	char *args[AGENT_MAX_WORDS + 1];
	size_t nargs;
	char *env[AGENT_MAX_WORDS + 1];
	size_t nenv;
	const char *cwd, *hostname;
	uid_t uid;
	gid_t gid;
	gid_t groups[AGENT_MAX_GROUPS];
	size_t ngroups;
	bool has_umask;
	mode_t umask;
	bool terminal, rootro;
	unsigned rows, cols;
	struct agent_mount mounts[AGENT_MAX_MOUNTS];
	size_t nmounts;
};

/* agent.c: the channel and fatal errors */
extern int agent_chan;
void agent_send(uint8_t type, const void *p, size_t n);
void agent_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Report `fmt` on the container's stderr, then end the guest with
 * `status` (an exit code). */
_Noreturn void agent_fail(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Send EXIT, print the console marker and power off. */
_Noreturn void agent_exit(int kind, int value);

/* agent-fs.c */
int agent_spec_read(const char *path, struct agent_spec *s);
void agent_setup_base(void);
void agent_setup_container(const struct agent_spec *s);

/* agent-io.c: run the process and relay until it ends */
_Noreturn void agent_run(const struct agent_spec *s);

/* agent-scrape.c: the `cvm demo scrape` guest */
_Noreturn void agent_scrape(void);

#endif
