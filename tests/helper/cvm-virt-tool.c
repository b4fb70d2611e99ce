/* SPDX-License-Identifier: MIT */
/*
 * cvm-virt-tool: the libvirt layer (cvm/virt.h) from the shell, for the
 * integration tests, until `cvm vm --backend libvirt` calls the same
 * functions.  Like git's test-tool, it is not installed.
 *
 *   cvm-virt-tool [-c URI]... VERB [options] [NAME]
 *
 * Verbs: xml, create, define-xml FILE, start, console, stop, kill,
 * delete, inspect, list, sevinfo, domcaps, version.  Errors are one line
 * on stderr; the exit status follows cvm's (1 failed, 2 usage).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvm/cleanup.h"
#include "cvm/err.h"
#include "cvm/util.h"
#include "cvm/virt.h"

#define MAX_URIS 4

struct tool {
	const char *uris[MAX_URIS];
	size_t nuris;
	struct cvm_vmspec spec;
	unsigned long version;
	unsigned xml_flags;
	bool paused, resume;
	const char *expect;
	unsigned timeout_s;
	const char *virttype;
};

static int
fail(const struct cvm_err *e)
{
	fprintf(stderr, "cvm-virt-tool: error: %s\n", e->msg);
	return cvm_err_exit_status(e->code);
}

static int
usage(const char *msg)
{
	fprintf(stderr, "cvm-virt-tool: %s\n", msg);
	return 2;
}

enum {
	O_NAME = 256,
	O_PROT,
	O_ACCEL,
	O_BOOT,
	O_VCPUS,
	O_MEMORY,
	O_KERNEL,
	O_INITRD,
	O_APPEND,
	O_FIRMWARE,
	O_VARS,
	O_DISK,
	O_CDROM,
	O_POLICY,
	O_CBITPOS,
	O_RPB,
	O_KHASH,
	O_DEBUG_EXIT,
	O_NETWORK,
	O_SERIAL_LOG,
	O_LOCKED,
	O_VERSION,
	O_PAUSED,
	O_RESUME,
	O_EXPECT,
	O_TIMEOUT,
	O_VIRTTYPE,
};

static const struct option opts[] = {
	{"connect", required_argument, NULL, 'c'},
	{"name", required_argument, NULL, O_NAME},
	{"protection", required_argument, NULL, O_PROT},
	{"accel", required_argument, NULL, O_ACCEL},
	{"boot", required_argument, NULL, O_BOOT},
	{"vcpus", required_argument, NULL, O_VCPUS},
	{"memory", required_argument, NULL, O_MEMORY},
	{"kernel", required_argument, NULL, O_KERNEL},
	{"initrd", required_argument, NULL, O_INITRD},
	{"append", required_argument, NULL, O_APPEND},
	{"firmware", required_argument, NULL, O_FIRMWARE},
	{"vars", required_argument, NULL, O_VARS},
	{"disk", required_argument, NULL, O_DISK},
	{"cdrom", required_argument, NULL, O_CDROM},
	{"policy", required_argument, NULL, O_POLICY},
	{"cbitpos", required_argument, NULL, O_CBITPOS},
	{"reduced-phys-bits", required_argument, NULL, O_RPB},
	{"kernel-hashes", no_argument, NULL, O_KHASH},
	{"debug-exit", no_argument, NULL, O_DEBUG_EXIT},
	{"network", no_argument, NULL, O_NETWORK},
	{"serial-log", required_argument, NULL, O_SERIAL_LOG},
	{"locked", no_argument, NULL, O_LOCKED},
	{"libvirt-version", required_argument, NULL, O_VERSION},
	{"paused", no_argument, NULL, O_PAUSED},
	{"resume", no_argument, NULL, O_RESUME},
	{"expect", required_argument, NULL, O_EXPECT},
	{"timeout", required_argument, NULL, O_TIMEOUT},
	{"virttype", required_argument, NULL, O_VIRTTYPE},
	{NULL, 0, NULL, 0},
};

static int
num(const char *s, uint64_t *v)
{
	return cvm_parse_u64(s, v) < 0 ? -1 : 0;
}

static int
add_disk(struct cvm_vmspec *s, char *arg, bool cdrom)
{
	char *colon = strrchr(arg, ':');

	if (s->ndisks >= CVM_VM_MAX_DISKS)
		return -1;
	if (colon)
		*colon = '\0';
	s->disks[s->ndisks].path = arg;
	s->disks[s->ndisks].format = colon ? colon + 1 : NULL;
	s->disks[s->ndisks].cdrom = cdrom;
	s->ndisks++;
	return 0;
}

static const char **
string_opt(struct tool *t, int c)
{
	switch (c) {
	case O_NAME:
		return &t->spec.name;
	case O_KERNEL:
		return &t->spec.kernel;
	case O_INITRD:
		return &t->spec.initrd;
	case O_APPEND:
		return &t->spec.append;
	case O_FIRMWARE:
		return &t->spec.firmware_code;
	case O_VARS:
		return &t->spec.firmware_vars;
	case O_SERIAL_LOG:
		return &t->spec.serial_log;
	case O_EXPECT:
		return &t->expect;
	case O_VIRTTYPE:
		return &t->virttype;
	}
	return NULL;
}

static bool *
flag_opt(struct tool *t, int c)
{
	switch (c) {
	case O_KHASH:
		return &t->spec.sev.kernel_hashes;
	case O_DEBUG_EXIT:
		return &t->spec.debug_exit;
	case O_NETWORK:
		return &t->spec.network;
	case O_PAUSED:
		return &t->paused;
	case O_RESUME:
		return &t->resume;
	}
	return NULL;
}

static unsigned *
number_opt(struct tool *t, int c)
{
	switch (c) {
	case O_VCPUS:
		return &t->spec.vcpus;
	case O_CBITPOS:
		return &t->spec.sev.cbitpos;
	case O_RPB:
		return &t->spec.sev.reduced_phys_bits;
	case O_TIMEOUT:
		return &t->timeout_s;
	}
	return NULL;
}

static int
parse_opt(struct tool *t, int c, char *arg)
{
	struct cvm_vmspec *s = &t->spec;
	const char **str = string_opt(t, c);
	bool *flag = flag_opt(t, c);
	unsigned *n = number_opt(t, c);
	uint64_t v = 0;

	if (str)
		*str = arg;
	else if (flag)
		*flag = true;
	else if (n && (num(arg, &v) < 0 || v > 100000))
		return -1;
	else if (n)
		*n = (unsigned)v;
	else if (c == 'c' && t->nuris < MAX_URIS)
		t->uris[t->nuris++] = arg;
	else if (c == O_PROT)
		return cvm_protection_parse(arg, &s->protection);
	else if (c == O_ACCEL)
		s->accel =
			strcmp(arg, "kvm") == 0 ? CVM_ACCEL_KVM : CVM_ACCEL_TCG;
	else if (c == O_BOOT)
		s->boot = strcmp(arg, "pvh") == 0    ? CVM_BOOT_PVH
			  : strcmp(arg, "disk") == 0 ? CVM_BOOT_DISK
						     : CVM_BOOT_EFI;
	else if (c == O_MEMORY)
		return num(arg, &s->memory_mib);
	else if (c == O_DISK || c == O_CDROM)
		return add_disk(s, arg, c == O_CDROM);
	else if (c == O_POLICY)
		return num(arg, &s->sev.policy);
	else if (c == O_LOCKED)
		t->xml_flags |= CVM_VIRT_XML_LOCKED;
	else if (c == O_VERSION)
		return cvm_virt_version_parse(arg, &t->version);
	else
		return -1;
	return 0;
}

/* Console output: copy to stdout, stop once `expect` has been seen. */
struct watch {
	const char *expect;
	struct cvm_buf seen;
	bool found;
};

static int
on_output(void *opaque, const char *data, size_t len)
{
	struct watch *w = opaque;

	fwrite(data, 1, len, stdout);
	fflush(stdout);
	if (!w->expect)
		return 0;
	cvm_buf_add(&w->seen, data, len);
	w->found = memmem(w->seen.data, w->seen.len, w->expect,
			  strlen(w->expect)) != NULL;
	return w->found ? 1 : 0;
}

static const char *const end_names[] = {"eof", "expected text seen", "escape",
					"timeout"};

static int
do_console(struct tool *t, struct cvm_virt_conn *c, const char *name,
	   struct cvm_err *e)
{
	struct watch w = {t->expect, CVM_BUF_INIT, false};
	struct cvm_virt_console_opts o = {
		.out = on_output,
		.opaque = &w,
		.in_fd = -1,
		.escape = -1,
		.timeout_ms = (int)t->timeout_s * 1000,
		.resume = t->resume,
	};
	int r = cvm_virt_console(c, name, &o, e);

	cvm_buf_release(&w.seen);
	if (r < 0)
		return fail(e);
	fprintf(stderr, "cvm-virt-tool: console ended: %s\n", end_names[r]);
	if (t->expect && !w.found) {
		fprintf(stderr, "cvm-virt-tool: '%s' did not appear\n",
			t->expect);
		return 1;
	}
	return 0;
}

static void
print_info(const struct cvm_virt_dominfo *d)
{
	printf("uri: %s\nname: %s\nstate: %s\nreason: %s\nid: %d\n", d->uri,
	       d->name, d->state, d->reason, d->id);
	printf("persistent: %s\nvcpus: %u\nmemory_kib: %" PRIu64 "\n",
	       d->persistent ? "yes" : "no", d->vcpus, d->memory_kib);
	printf("type: %s\nprotection: %s\npolicy: 0x%" PRIx64 "\ncvm: %s\n",
	       d->kvm ? "kvm" : "qemu", cvm_protection_name(d->protection),
	       d->policy, d->cvm ? "yes" : "no");
	if (d->has_measurement)
		printf("measurement: %s\napi: %u.%u build %u\n", d->measurement,
		       d->api_major, d->api_minor, d->build_id);
}

static int
do_list(struct tool *t, struct cvm_err *e)
{
	struct cvm_virt_host_list *l = NULL;
	int r = cvm_virt_list(t->uris, t->nuris, &l, e);

	for (size_t i = 0; i < t->nuris; i++) {
		if (l[i].code < 0)
			printf("%s - error: %s\n", l[i].uri, l[i].error);
		for (size_t j = 0; j < l[i].ndoms; j++)
			printf("%s %s %s %s\n", l[i].uri, l[i].doms[j].name,
			       l[i].doms[j].state,
			       cvm_protection_name(l[i].doms[j].protection));
	}
	cvm_virt_host_list_free(l, t->nuris);
	return r < 0 ? fail(e) : 0;
}

static void
print_caps(const struct cvm_virt_sev_caps *s)
{
	printf("sev: %s\n", s->supported ? "yes" : "no");
	if (s->supported)
		printf("cbitpos: %u\nreduced-phys-bits: %u\nmax-guests: %u\n"
		       "max-es-guests: %u\n",
		       s->cbitpos, s->reduced_phys_bits, s->max_guests,
		       s->max_es_guests);
	else
		printf("why: %s\n", s->why);
}

/* Verbs about the host: version, sevinfo, domcaps; 1 if not one. */
static int
host_verb(struct tool *t, struct cvm_virt_conn *c, const char *verb,
	  struct cvm_err *e)
{
	struct cvm_virt_sev_caps caps;
	char v[32];
	int r;

	if (strcmp(verb, "version") == 0) {
		cvm_virt_version_format(cvm_virt_daemon_version(c), v,
					sizeof(v));
		printf("libvirt %s\n", v);
		cvm_virt_version_format(cvm_virt_hv_version(c), v, sizeof(v));
		printf("hypervisor %s\n", v);
		return 0;
	}
	if (strcmp(verb, "sevinfo") == 0)
		r = cvm_virt_node_sev(c, &caps, e);
	else if (strcmp(verb, "domcaps") == 0)
		r = cvm_virt_domcaps(c, t->virttype, &caps, e);
	else
		return 1;
	if (r < 0)
		return -1;
	print_caps(&caps);
	return 0;
}

static int
define_file(struct cvm_virt_conn *c, const char *file, struct cvm_err *e)
{
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	cleanup_free char *name = NULL;

	if (cvm_file_read(file, &b, 0, e) < 0 ||
	    cvm_virt_define_xml(c, cvm_buf_str(&b), &name, e) < 0)
		return -1;
	printf("defined %s\n", name);
	return 0;
}

/* Verbs on one domain `arg`; 1 if not one. */
static int
domain_verb(struct tool *t, struct cvm_virt_conn *c, const char *verb,
	    const char *arg, struct cvm_err *e)
{
	struct cvm_virt_dominfo d;
	bool forced;

	if (strcmp(verb, "define-xml") == 0)
		return define_file(c, arg, e);
	if (strcmp(verb, "start") == 0)
		return cvm_virt_start(c, arg, t->paused, e);
	if (strcmp(verb, "stop") == 0) {
		if (cvm_virt_stop(c, arg, (int)t->timeout_s * 1000, &forced,
				  e) < 0)
			return -1;
		printf("%s\n", forced ? "destroyed" : "stopped");
		return 0;
	}
	if (strcmp(verb, "kill") == 0)
		return cvm_virt_kill(c, arg, e);
	if (strcmp(verb, "delete") == 0)
		return cvm_virt_delete(c, arg, e);
	if (strcmp(verb, "inspect") == 0) {
		if (cvm_virt_inspect(c, arg, &d, e) < 0)
			return -1;
		print_info(&d);
		cvm_virt_dominfo_release(&d);
		return 0;
	}
	return 1;
}

static int
run_verb(struct tool *t, struct cvm_virt_conn *c, const char *verb,
	 const char *arg, struct cvm_err *e)
{
	int r;

	if (strcmp(verb, "create") == 0)
		return cvm_virt_create(c, &t->spec, t->xml_flags, e) < 0
			       ? fail(e)
			       : 0;
	if (strcmp(verb, "console") == 0)
		return arg ? do_console(t, c, arg, e)
			   : usage("console needs a domain");
	r = host_verb(t, c, verb, e);
	if (r == 1 && arg)
		r = domain_verb(t, c, verb, arg, e);
	if (r == 1)
		return usage(arg ? "unknown verb" : "this verb needs a domain");
	return r < 0 ? fail(e) : 0;
}

int
main(int argc, char **argv)
{
	struct tool t = {.spec = {.vcpus = 1,
				  .memory_mib = 256,
				  .accel = CVM_ACCEL_TCG,
				  .boot = CVM_BOOT_EFI}};
	struct cvm_err e = CVM_ERR_INIT;
	struct cvm_virt_conn *c = NULL;
	cleanup_buf struct cvm_buf xml = CVM_BUF_INIT;
	const char *verb;
	int opt, r;

	while ((opt = getopt_long(argc, argv, "+c:", opts, NULL)) != -1)
		if (opt == '?' || parse_opt(&t, opt, optarg) < 0)
			return usage("bad option (see the source for usage)");
	if (optind >= argc)
		return usage("no verb");
	/* the verb's own options: parse argv from the verb on afresh
	 * (optind = 0 makes glibc's getopt start over) */
	verb = argv[optind];
	argc -= optind;
	argv += optind;
	optind = 0;
	while ((opt = getopt_long(argc, argv, "c:", opts, NULL)) != -1)
		if (opt == '?' || parse_opt(&t, opt, optarg) < 0)
			return usage("bad option (see the source for usage)");
	if (strcmp(verb, "xml") == 0) {
		if (cvm_virt_domain_xml(&t.spec,
					t.version ? t.version
						  : CVM_VIRT_VERSION(9, 0, 0),
					t.xml_flags, &xml, &e) < 0)
			return fail(&e);
		fputs(cvm_buf_str(&xml), stdout);
		return 0;
	}
	if (strcmp(verb, "list") == 0)
		return t.nuris ? do_list(&t, &e) : usage("list needs -c URI");
	if (cvm_virt_open(t.nuris ? t.uris[0] : NULL, &c, &e) < 0)
		return fail(&e);
	r = run_verb(&t, c, verb, optind < argc ? argv[optind] : NULL, &e);
	cvm_virt_close(c);
	return r;
}
