/* SPDX-License-Identifier: MIT */
/*
 * Signal names for `cvm-oci kill ID SIGNAL`: containerd's runc shim
 * passes a number (go-runc Kill), people type "TERM" or "SIGKILL"; runc
 * accepts both, case-insensitively, with or without the SIG prefix.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cvm/oci.h"
#include "cvm/util.h"

static const struct {
	const char *name;
	int sig;
} signals[] = {
	{"HUP", SIGHUP},       {"INT", SIGINT},	      {"QUIT", SIGQUIT},
	{"ILL", SIGILL},       {"TRAP", SIGTRAP},     {"ABRT", SIGABRT},
	{"IOT", SIGIOT},       {"BUS", SIGBUS},	      {"FPE", SIGFPE},
	{"KILL", SIGKILL},     {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},
	{"USR2", SIGUSR2},     {"PIPE", SIGPIPE},     {"ALRM", SIGALRM},
	{"TERM", SIGTERM},     {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},
	{"CLD", SIGCHLD},      {"CONT", SIGCONT},     {"STOP", SIGSTOP},
	{"TSTP", SIGTSTP},     {"TTIN", SIGTTIN},     {"TTOU", SIGTTOU},
	{"URG", SIGURG},       {"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ},
	{"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},     {"WINCH", SIGWINCH},
	{"IO", SIGIO},	       {"POLL", SIGPOLL},     {"PWR", SIGPWR},
	{"SYS", SIGSYS},
};

const char *
cvm_oci_signal_name(int sig)
{
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (signals[i].sig == sig)
			return signals[i].name;
	return NULL;
}

int
cvm_oci_signal_parse(const char *s, int *sig, struct cvm_err *err)
{
	const char *name = s;
	uint64_t n;

	if (cvm_parse_u64(s, &n) == 0) {
		if (n < 1 || n > (uint64_t)SIGRTMAX)
			return cvm_err_set(err, -EINVAL,
					   "invalid signal '%s': out of range "
					   "1..%d",
					   s, SIGRTMAX);
		*sig = (int)n;
		return 0;
	}
	if (!strncasecmp(name, "SIG", 3))
		name += 3;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
		if (!strcasecmp(name, signals[i].name)) {
			*sig = signals[i].sig;
			return 0;
		}
	}
	return cvm_err_set(err, -EINVAL, "invalid signal '%s'", s);
}
