/* SPDX-License-Identifier: MIT */
/*
 * lib/oci: config.json parsing (config.c, mounts.c) on the configs docker
 * 20.10 and podman 4.3 really send (tests/data/oci, captured on Debian
 * 12, paths templated), the refusals, and the runtime's own settings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "cvm/cleanup.h"
#include "cvm/oci.h"
#include "cvm/util.h"
#include "../../lib/oci/oci-priv.h"
#include "test-tmpdir.h"

static char dir[] = "/tmp/cvm-oci-config-XXXXXX";

static void
put(const char *name, const char *text)
{
	cleanup_free char *p = cvm_xasprintf("%s/%s", dir, name);

	assert_int_equal(
		cvm_file_write_atomic(p, text, strlen(text), 0644, NULL), 0);
}

static int
setup(void **state)
{
	cleanup_free char *shm = NULL;

	(void)state;
	if (test_tmpdir_make(dir) < 0)
		return -1;
	put("hosts", "127.0.0.1 localhost\n");
	put("hostname", "c1\n");
	put("resolv.conf", "nameserver 127.0.0.1\n");
	put(".containerenv", "engine=\"podman\"\n");
	shm = cvm_xasprintf("%s/shm", dir);
	return mkdir(shm, 0755);
}

static int
teardown(void **state)
{
	(void)state;
	return test_tmpdir_remove(dir);
}

/* A fixture with @BIND@ replaced by our folder. */
static char *
fixture(const char *name)
{
	cleanup_free char *path = cvm_xasprintf(CVM_TEST_DATA "/oci/%s", name);
	cleanup_buf struct cvm_buf in = CVM_BUF_INIT;
	struct cvm_buf out = CVM_BUF_INIT;
	const char *p, *q;

	assert_int_equal(cvm_file_read(path, &in, 0, NULL), 0);
	for (p = cvm_buf_str(&in); (q = strstr(p, "@BIND@")); p = q + 6) {
		cvm_buf_add(&out, p, (size_t)(q - p));
		cvm_buf_adds(&out, dir);
	}
	cvm_buf_adds(&out, p);
	return cvm_buf_detach(&out, NULL);
}

static const struct cvm_oci_mount *
mount_at(const struct cvm_oci_spec *s, const char *dest)
{
	for (size_t i = 0; i < s->nmounts; i++)
		if (!strcmp(s->mounts[i].destination, dest))
			return &s->mounts[i];
	fail_msg("no mount at %s", dest);
	return NULL;
}

static void
test_docker_config(void **state)
{
	cleanup_free char *text = fixture("docker-20.10.json");
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_oci_spec *s = NULL;
	const struct cvm_oci_mount *m;

	(void)state;
	assert_int_equal(cvm_oci_spec_parse(text, "/b", &s, &err), 0);
	assert_string_equal(s->root_path, "/b/rootfs");
	assert_int_equal(s->nargs, 3);
	assert_string_equal(s->args[2], "echo hi; exit 5");
	assert_null(s->args[3]);
	assert_string_equal(s->env[0], "PATH=/bin");
	assert_string_equal(s->cwd, "/");
	assert_false(s->terminal);
	assert_non_null(s->hostname);
	assert_int_equal(s->ngids, 1);
	/* /dev is a tmpfs the agent fills with runc's device nodes */
	m = mount_at(s, "/dev");
	assert_int_equal(m->kind, CVM_OCI_MOUNT_DEV);
	assert_int_equal(m->flags, MS_NOSUID | MS_STRICTATIME);
	assert_string_equal(m->data, "mode=755,size=65536k");
	m = mount_at(s, "/sys");
	assert_int_equal(m->flags,
			 MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY);
	assert_string_equal(m->data, "");
	m = mount_at(s, "/dev/pts");
	assert_string_equal(m->data,
			    "newinstance,ptmxmode=0666,mode=0620,gid=5");
	/* binds of host files become copies; propagation is dropped */
	m = mount_at(s, "/etc/hosts");
	assert_int_equal(m->kind, CVM_OCI_MOUNT_COPY_FILE);
	assert_string_equal(m->type, "bind");
	assert_int_equal(m->flags, MS_BIND | MS_REC);
	/* docker's libnetwork-setkey prestart hook */
	assert_int_equal(s->hooks[CVM_OCI_HOOK_PRESTART].n, 1);
	assert_string_equal(s->hooks[CVM_OCI_HOOK_PRESTART].v[0].args[0],
			    "libnetwork-setkey");
	assert_null(s->annotations);
	cvm_oci_spec_free(s);
}

static void
test_podman_config(void **state)
{
	cleanup_free char *text = fixture("podman-4.3.json");
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_oci_spec *s = NULL;
	const struct cvm_oci_mount *m;

	(void)state;
	assert_int_equal(cvm_oci_spec_parse(text, "/b", &s, &err), 0);
	assert_true(s->has_umask);
	assert_int_equal(s->umask, 022);
	/* podman binds a host folder on /dev/shm: a tmpfs in the VM */
	m = mount_at(s, "/dev/shm");
	assert_int_equal(m->kind, CVM_OCI_MOUNT_FS);
	assert_string_equal(m->type, "tmpfs");
	assert_int_equal(m->flags & MS_BIND, 0);
	m = mount_at(s, "/run/.containerenv");
	assert_int_equal(m->kind, CVM_OCI_MOUNT_COPY_FILE);
	assert_string_equal(cvm_oci_spec_annotation(s, "io.container.manager"),
			    "libpod");
	assert_null(cvm_oci_spec_annotation(s, CVM_OCI_ANNOTATION));
	cvm_oci_spec_free(s);
}

/* A minimal valid config with `extra` members spliced in. */
static int
parse_with(const char *extra, struct cvm_oci_spec **s, struct cvm_err *err)
{
	cleanup_free char *text = cvm_xasprintf(
		"{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"/r\"},"
		" \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\"}%s%s}",
		*extra ? ", " : "", extra);

	*s = NULL;
	return cvm_oci_spec_parse(text, "/b", s, err);
}

static void
test_refusals(void **state)
{
	static const struct {
		const char *extra;
		int code;
		const char *msg;
	} cases[] = {
		{"\"linux\": {\"devices\": [{\"path\": \"/dev/fuse\"}]}",
		 -CVM_E_UNSUPPORTED, "'linux.devices'"},
		{"\"mounts\": [{\"destination\": \"/n\", \"type\": \"nfs\"}]",
		 -CVM_E_UNSUPPORTED, "type 'nfs' is not supported"},
		{"\"windows\": {}", -CVM_E_UNSUPPORTED, "'windows'"},
		{"\"vm\": {\"kernel\": {\"path\": \"/k\"}}", -CVM_E_UNSUPPORTED,
		 "'vm'"},
		{"\"mounts\": [{\"destination\": \"rel\", \"type\": "
		 "\"tmpfs\"}]",
		 -CVM_E_PARSE, "absolute"},
		{"\"mounts\": [{\"destination\": \"/m\", \"type\": \"bind\", "
		 "\"source\": \"/nonexistent-cvm\"}]",
		 -ENOENT, "/nonexistent-cvm"},
		{"\"hooks\": {\"prestart\": [{\"path\": \"rel\"}]}",
		 -CVM_E_PARSE, "must be absolute"},
		{"\"hooks\": {\"prestart\": [{\"path\": \"/h\", \"timeout\": "
		 "0}]}",
		 -CVM_E_PARSE, "timeout"},
		{"\"hostname\": 5", -CVM_E_PARSE, "'hostname' must be string"},
	};

	(void)state;
	for (size_t i = 0; i < CVM_ARRAY_SIZE(cases); i++) {
		struct cvm_err err = CVM_ERR_INIT;
		struct cvm_oci_spec *s;

		assert_int_equal(parse_with(cases[i].extra, &s, &err),
				 cases[i].code);
		assert_null(s);
		if (!strstr(err.msg, cases[i].msg))
			fail_msg("case %zu: '%s' lacks '%s'", i, err.msg,
				 cases[i].msg);
	}
}

static void
test_malformed(void **state)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{"{\"ociVersion\": \"1.0.2\", \"process\": {",
		 "not valid JSON"},
		{"[]", "top level must be an object"},
		{"{\"ociVersion\": \"2.0.0\"}", "ociVersion '2.0.0'"},
		{"{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"r\"}}",
		 "'process' is missing"},
		{"{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"r\"}, "
		 "\"process\": {\"args\": [], \"cwd\": \"/\"}}",
		 "'process.args' is empty"},
		{"{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"r\"}, "
		 "\"process\": {\"args\": \"sh\", \"cwd\": \"/\"}}",
		 "'process.args' must be array"},
		{"{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"r\"}, "
		 "\"process\": {\"args\": [\"sh\"], \"cwd\": \"tmp\"}}",
		 "absolute path"},
		{"{\"ociVersion\": \"1.0.2\", \"process\": {\"args\": "
		 "[\"sh\"], "
		 "\"cwd\": \"/\"}}",
		 "'root' is missing"},
		{"{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"r\"}, "
		 "\"process\": {\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": "
		 "{\"uid\": -1}}}",
		 "out of range"},
	};

	(void)state;
	for (size_t i = 0; i < CVM_ARRAY_SIZE(cases); i++) {
		struct cvm_err err = CVM_ERR_INIT;
		struct cvm_oci_spec *s = NULL;
		int r = cvm_oci_spec_parse(cases[i].text, "/b", &s, &err);

		assert_true(r == -CVM_E_PARSE || r == -CVM_E_UNSUPPORTED);
		assert_null(s);
		if (!strstr(err.msg, cases[i].msg))
			fail_msg("case %zu: '%s' lacks '%s'", i, err.msg,
				 cases[i].msg);
	}
}

static void
test_resources_and_paths(void **state)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_oci_spec *s;

	(void)state;
	assert_int_equal(
		parse_with(
			"\"linux\": {\"resources\": {\"memory\": {\"limit\": "
			"536870912}, \"cpu\": {\"quota\": 150000, "
			"\"period\": 100000}}}, \"annotations\": "
			"{\"io.cvm.protection\": \"sev-snp\"}",
			&s, &err),
		0);
	assert_int_equal(s->memory_limit, 512u << 20);
	assert_int_equal(s->vcpus, 2); /* 1.5 CPUs round up */
	assert_string_equal(s->root_path, "/r");
	assert_string_equal(cvm_oci_spec_annotation(s, CVM_OCI_ANNOTATION),
			    "sev-snp");
	cvm_oci_spec_free(s);
}

/* A bind of a socket cannot reach a VM (docker -v /run/x.sock:...). */
static void
test_bind_socket_refused(void **state)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct cvm_err err = CVM_ERR_INIT;
	cleanup_free char *extra = NULL;
	struct cvm_oci_spec *s;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	(void)state;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/sock", dir);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	extra = cvm_xasprintf("\"mounts\": [{\"destination\": \"/s\", "
			      "\"type\": \"bind\", \"source\": \"%s\"}]",
			      sa.sun_path);
	assert_int_equal(parse_with(extra, &s, &err), -CVM_E_UNSUPPORTED);
	assert_non_null(strstr(err.msg, "is a socket"));
	close(fd);
	unlink(sa.sun_path);
}

static void
test_load_errors(void **state)
{
	cleanup_free char *b = cvm_xasprintf("%s/bundle", dir);
	cleanup_free char *cfg = cvm_xasprintf("%s/bundle/config.json", dir);
	const char *good = "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": "
			   "\"rootfs\"}, \"process\": {\"args\": [\"sh\"], "
			   "\"cwd\": \"/\"}}";
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_oci_spec *s = NULL;

	(void)state;
	assert_int_equal(mkdir(b, 0755), 0);
	assert_int_equal(cvm_oci_spec_load(b, &s, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "config.json"));
	assert_int_equal(
		cvm_file_write_atomic(cfg, good, strlen(good), 0644, NULL), 0);
	assert_int_equal(cvm_oci_spec_load(b, &s, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "rootfs"));
	assert_null(s);
	{
		cleanup_free char *rootfs = cvm_xasprintf("%s/rootfs", b);

		assert_int_equal(mkdir(rootfs, 0755), 0);
	}
	assert_int_equal(cvm_oci_spec_load(b, &s, &err), 0);
	assert_string_equal(s->bundle, b);
	cvm_oci_spec_free(s);
}

static void
test_mount_options(void **state)
{
	char o[][16] = {"rbind",    "ro",	 "rw",	    "nosuid",
			"rprivate", "mode=1777", "size=64m"};
	char *opts[CVM_ARRAY_SIZE(o)];
	unsigned long flags;
	char *data;

	(void)state;
	for (size_t i = 0; i < CVM_ARRAY_SIZE(o); i++)
		opts[i] = o[i];
	oci_mount_options(opts, CVM_ARRAY_SIZE(opts), &flags, &data);
	assert_int_equal(flags, MS_BIND | MS_REC | MS_NOSUID);
	assert_string_equal(data, "mode=1777,size=64m");
	free(data);
}

static void
test_runtime_config(void **state)
{
	cleanup_free char *cfg = cvm_xasprintf("%s/oci.json", dir);
	const char *text = "{\"protection\": \"none\", \"memory_mib\": 512, "
			   "\"vcpus\": 2, \"append\": \"x=1\"}";
	struct cvm_oci_runtime rt;
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	assert_int_equal(
		cvm_file_write_atomic(cfg, text, strlen(text), 0644, NULL), 0);
	setenv("CVM_OCI_CONFIG", cfg, 1);
	unsetenv("CVM_OCI_PROTECTION");
	assert_int_equal(cvm_oci_runtime_load(&rt, &err), 0);
	assert_int_equal(rt.protection, CVM_PROT_NONE);
	assert_int_equal(rt.memory_mib, 512);
	assert_int_equal(rt.vcpus, 2);
	assert_string_equal(rt.append, "x=1");
	assert_string_equal(rt.source, cfg);
	cvm_oci_runtime_release(&rt);
	/* the environment wins; bad values are errors naming the value */
	setenv("CVM_OCI_PROTECTION", "sev-es", 1);
	assert_int_equal(cvm_oci_runtime_load(&rt, &err), 0);
	assert_int_equal(rt.protection, CVM_PROT_SEV_ES);
	cvm_oci_runtime_release(&rt);
	setenv("CVM_OCI_PROTECTION", "tdx", 1);
	assert_int_equal(cvm_oci_runtime_load(&rt, &err), -CVM_E_PARSE);
	assert_non_null(strstr(err.msg, "'tdx'"));
	cvm_oci_runtime_release(&rt);
	unsetenv("CVM_OCI_PROTECTION");
	setenv("CVM_OCI_CONFIG", "/nonexistent/oci.json", 1);
	assert_true(cvm_oci_runtime_load(&rt, &err) < 0);
	assert_non_null(strstr(err.msg, "/nonexistent/oci.json"));
	cvm_oci_runtime_release(&rt);
	unsetenv("CVM_OCI_CONFIG");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker_config),
		cmocka_unit_test(test_podman_config),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_resources_and_paths),
		cmocka_unit_test(test_bind_socket_refused),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_mount_options),
		cmocka_unit_test(test_runtime_config),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
