/* SPDX-License-Identifier: MIT */
/*
 * `cvm vm console NAME`: the serial console.  On a terminal it is
 * interactive (raw mode, Ctrl-] detaches); in a script stdin goes to the
 * guest and stdout gets its output, and --until TEXT / --timeout end the
 * session when the text appears or the time is up.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cmd-vm.h"
#include "cmd.h"
#include "out.h"

#define USAGE                                                       \
	"cvm vm console NAME [--resume] [--until TEXT] [--timeout " \
	"SECONDS]"

struct con_cli {
	const char *name, *until;
	int timeout_s;
	bool resume;
};

static int
con_parse(int argc, char **argv, struct con_cli *c)
{
	static const struct option lo[] = {
		{"resume", 0, NULL, 'r'},
		{"until", 1, NULL, 'u'},
		{"timeout", 1, NULL, 't'},
		{NULL, 0, NULL, 0},
	};
	int ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (ch == 'r')
			c->resume = true;
		else if (ch == 'u' && optarg[0] && strlen(optarg) < 200)
			c->until = optarg;
		else if (ch != 't' ||
			 (c->timeout_s = vm_parse_seconds(optarg)) < 0)
			return cli_usage(USAGE,
					 "unknown option or bad value "
					 "in '%s'",
					 argv[optind - 1]);
	}
	if (optind != argc - 1)
		return cli_usage(USAGE, "give one VM NAME");
	c->name = argv[optind];
	return 0;
}

/* The session's outcome as an exit status. */
static int
con_end(const struct con_cli *c, const struct vm_out *out, int end, bool tty)
{
	struct cvm_err err = CVM_ERR_INIT;

	if (c->until && !out->seen && end != CVM_VM_CONSOLE_ESCAPE) {
		cvm_err_set(&err, -CVM_E_TIMEOUT,
			    "console of VM '%s': '%s' did not appear %s",
			    c->name, c->until,
			    end == CVM_VM_CONSOLE_EOF ? "before the VM stopped"
						      : "in time");
		return cli_error(&err);
	}
	if (tty)
		fprintf(stderr, "\r\ncvm: %s\r\n",
			end == CVM_VM_CONSOLE_EOF ? "the VM stopped"
						  : "detached");
	return 0;
}

static int
vm_console_run(int argc, char **argv)
{
	struct con_cli c = {0};
	struct vm_out out = {0};
	struct cvm_vm_console_opts o = {0};
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_vm *vm = NULL;
	struct termios saved, raw;
	bool tty = isatty(0) && tcgetattr(0, &saved) == 0;
	int rc, end;

	if ((rc = con_parse(argc, argv, &c)) != 0)
		return rc;
	if (cvm_vm_open(c.name, 0, &vm, &err) < 0)
		return cli_error(&err);
	out.until = c.until;
	o.out = vm_out_write;
	o.opaque = &out;
	o.in_fd = 0;
	o.escape = CVM_VM_ESCAPE_BYTE;
	o.timeout_ms = c.timeout_s * 1000;
	o.resume = c.resume;
	if (tty) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(0, TCSANOW, &raw);
		fprintf(stderr, "cvm: console of VM '%s' (Ctrl-] detaches)\r\n",
			c.name);
	}
	end = cvm_vm_console(vm, &o, &err);
	if (tty)
		tcsetattr(0, TCSANOW, &saved);
	rc = end < 0 ? cli_error(&err) : con_end(&c, &out, end, tty);
	cvm_vm_close(vm);
	return rc;
}

const struct cvm_cmd cmd_vm_console = {
	.name = "console",
	.summary = "attach to a VM's serial console",
	.usage = USAGE,
	.help = "stdin goes to the guest, its output to stdout; on a "
		"terminal Ctrl-] detaches.\n"
		"options:\n"
		"  --resume           resume a VM started with 'start "
		"--paused' "
		"once attached\n"
		"  --until TEXT       end when the guest has printed TEXT\n"
		"  --timeout SECONDS  end after this long\n"
		"exit status: 0 detached or the VM stopped, 1 not running or "
		"TEXT not seen,\n"
		"2 usage\n",
	.run = vm_console_run,
};
