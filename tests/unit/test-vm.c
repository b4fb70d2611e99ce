/* SPDX-License-Identifier: MIT */
/*
 * lib/vm without QEMU: VM names, vm.json both ways, the cloud-init seed
 * (its texts, and the ISO read back: the raw volume descriptor and, with
 * libisofs, the files), the state folder (atomic creation, removal,
 * leftover temporary folders, the lock) and the state read from pid files
 * and /proc.
 */
#define LIBISOFS_WITHOUT_LIBBURN 1

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>
#include <libisofs/libisofs.h>

#include "../../lib/vm/vm-priv.h"
#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "cvm/vm.h"
#include "test-tmpdir.h"

static char tmp[] = "/tmp/cvm-test-vm.XXXXXX";

static int
setup(void **state)
{
	(void)state;
	if (test_tmpdir_make(tmp) < 0)
		return -1;
	setenv("XDG_DATA_HOME", tmp, 1);
	unsetenv(CVM_VM_HOST_FACTS);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return test_tmpdir_remove(tmp);
}

/* ---- names -------------------------------------------------------------- */

static void
test_names(void **state)
{
	static const char *const good[] = {"a", "vm0", "A.b_c-d", "9", "x.y"};
	static const struct {
		const char *name, *why;
	} bad[] = {
		{"", "it is empty"},
		{"a/b", "it contains '/'"},
		{"..", "it contains '..'"},
		{"a..b", "it contains '..'"},
		{"a b", "it contains a space"},
		{"a\nb", "'a\\x0ab': it contains a control character"},
		{".x", "must start with a letter or a digit"},
		{"-x", "must start with a letter or a digit"},
		{"a$b", "other than letters"},
		{"é", "other than letters"},
		{"0123456789012345678901234567890123456789012345678901234567890"
		 "123",
		 "longer than 63"},
	};
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	for (size_t i = 0; i < CVM_ARRAY_SIZE(good); i++)
		assert_int_equal(cvm_vm_name_check(good[i], &err), 0);
	for (size_t i = 0; i < CVM_ARRAY_SIZE(bad); i++) {
		assert_int_equal(cvm_vm_name_check(bad[i].name, &err),
				 -CVM_E_USAGE);
		if (!strstr(err.msg, bad[i].why))
			fail_msg("'%s': %s", bad[i].name, err.msg);
		assert_null(strchr(err.msg, '\n'));
	}
	/* 63 characters are fine */
	assert_int_equal(cvm_vm_name_check("012345678901234567890123456789012"
					   "345678901234567890123456789012",
					   &err),
			 0);
}

/* ---- vm.json ------------------------------------------------------------ */

static void
sample(struct cvm_vm_config *c)
{
	memset(c, 0, sizeof(*c));
	c->name = cvm_xstrdup("vm0");
	c->backend = CVM_VM_LIBVIRT;
	c->connect = cvm_xstrdup("qemu+ssh://h/system");
	c->guest = CVM_VM_GUEST_DISK;
	c->protection = CVM_PROT_SEV_SNP;
	c->requested = CVM_PROT_AUTO;
	c->policy = 0x30000;
	c->cbitpos = 51;
	c->reduced_phys_bits = 1;
	c->host_data = cvm_xstrdup("aGg=");
	c->accel = CVM_ACCEL_AUTO;
	c->boot = CVM_BOOT_DISK;
	c->vcpus = 4;
	c->memory_mib = 4096;
	c->network = true;
	c->base_image = cvm_xstrdup("/img/jammy.img");
	c->base_format = cvm_xstrdup("qcow2");
	c->disk_size = 32ull << 30;
	c->firmware = cvm_xstrdup("/fw/OVMF.amdsev.fd");
	c->has_seed = true;
	c->created = cvm_xstrdup("2025-01-01T00:00:00Z");
	c->host = cvm_xstrdup("probe");
}

static void
test_config_roundtrip(void **state)
{
	struct cvm_vm_config a, b;
	struct cvm_err err = CVM_ERR_INIT;
	struct json_object *j, *k;

	(void)state;
	sample(&a);
	j = cvm_vm_config_json(&a);
	assert_int_equal(cvm_vm_config_parse(j, "t", &b, &err), 0);
	k = cvm_vm_config_json(&b);
	assert_string_equal(json_object_to_json_string(j),
			    json_object_to_json_string(k));
	assert_int_equal(b.protection, CVM_PROT_SEV_SNP);
	assert_int_equal(b.requested, CVM_PROT_AUTO);
	assert_int_equal(b.policy, 0x30000);
	assert_int_equal(b.disk_size, 32ull << 30);
	assert_string_equal(b.connect, "qemu+ssh://h/system");
	json_object_put(j);
	json_object_put(k);
	cvm_vm_config_release(&a);
	cvm_vm_config_release(&b);
}

/* Change one member of the sample's JSON; parsing must fail naming it. */
static void
broken(const char *key, struct json_object *val, const char *want)
{
	struct cvm_vm_config a, b;
	struct cvm_err err = CVM_ERR_INIT;
	struct json_object *j;

	sample(&a);
	j = cvm_vm_config_json(&a);
	if (val == (void *)1)
		json_object_object_del(j, key);
	else
		json_object_object_add(j, key, val);
	assert_int_equal(cvm_vm_config_parse(j, "vm.json", &b, &err),
			 -CVM_E_PARSE);
	if (!strstr(err.msg, want))
		fail_msg("%s: %s", key, err.msg);
	json_object_put(j);
	cvm_vm_config_release(&a);
}

static void
test_config_errors(void **state)
{
	(void)state;
	broken("format", json_object_new_string("cvm-vm/9"), "format");
	broken("name", (void *)1, "member 'name' is missing");
	broken("name", json_object_new_string("a/b"), "invalid name");
	broken("protection", json_object_new_string("auto"), "protection");
	broken("protection", json_object_new_string("tdx"), "protection");
	broken("policy", NULL, "needs a policy");
	broken("policy", json_object_new_string("x"), "not a number");
	broken("vcpus", json_object_new_int(300), "'vcpus' is out of range");
	broken("memory_mib", json_object_new_string("1G"), "wrong type");
	broken("boot", json_object_new_string("bios"), "unknown value");
}

/* ---- the seed ----------------------------------------------------------- */

static const char key[] = "ssh-ed25519 AAAAC3Nza me@host # \"quoted\"\n"
			  "# a comment\n\n"
			  "ecdsa-sha2-nistp256 AAAAE2 other\n";

static void
test_seed_texts(void **state)
{
	struct cvm_vm_seed s = {.instance_id = "iid-1", .hostname = "true"};
	cleanup_buf struct cvm_buf ud = CVM_BUF_INIT;
	cleanup_buf struct cvm_buf md = CVM_BUF_INIT;
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	assert_int_equal(cvm_vm_seed_texts(&s, &ud, &md, &err), 0);
	assert_string_equal(cvm_buf_str(&ud), "#cloud-config\n");
	/* quoted: a name like "true" must stay a string in YAML */
	assert_string_equal(cvm_buf_str(&md), "instance-id: \"iid-1\"\n"
					      "local-hostname: \"true\"\n");
	s.ssh_key = key;
	s.user_data = "#cloud-config\npackages: [htop]";
	assert_int_equal(cvm_vm_seed_texts(&s, &ud, &md, &err), 0);
	assert_string_equal(
		cvm_buf_str(&ud),
		"#cloud-config\npackages: [htop]\nssh_authorized_keys:\n"
		"  - \"ssh-ed25519 AAAAC3Nza me@host # \\\"quoted\\\"\"\n"
		"  - \"ecdsa-sha2-nistp256 AAAAE2 other\"\n");
}

static void
test_seed_refusals(void **state)
{
	struct cvm_vm_seed s = {.instance_id = "i", .hostname = "h"};
	cleanup_buf struct cvm_buf ud = CVM_BUF_INIT;
	cleanup_buf struct cvm_buf md = CVM_BUF_INIT;
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	s.ssh_key = key;
	s.user_data = "#!/bin/sh\necho hi\n";
	assert_int_equal(cvm_vm_seed_texts(&s, &ud, &md, &err), -CVM_E_USAGE);
	assert_non_null(strstr(err.msg, "needs #cloud-config"));
	s.user_data = "#cloud-config\nssh_authorized_keys:\n  - k\n";
	assert_int_equal(cvm_vm_seed_texts(&s, &ud, &md, &err), -CVM_E_USAGE);
	assert_non_null(strstr(err.msg, "already has ssh_authorized_keys"));
	s.user_data = NULL;
	s.ssh_key = "-----BEGIN OPENSSH PRIVATE KEY-----\n";
	assert_int_equal(cvm_vm_seed_texts(&s, &ud, &md, &err), -CVM_E_USAGE);
	assert_non_null(strstr(err.msg, "not an OpenSSH public key"));
	s.ssh_key = "# only a comment\n";
	assert_int_equal(cvm_vm_seed_texts(&s, &ud, &md, &err), -CVM_E_USAGE);
	assert_non_null(strstr(err.msg, "no public key"));
}

/* The contents of `name` in the imported ISO's root. */
static char *
iso_file(IsoImage *img, const char *name)
{
	IsoNode *n = NULL;
	IsoStream *st;
	char *buf = calloc(1, 4096);
	int r;

	assert_int_equal(iso_dir_get_node(iso_image_get_root(img), name, &n),
			 1);
	assert_int_equal(iso_node_get_type(n), LIBISO_FILE);
	st = iso_file_get_stream((IsoFile *)n);
	assert_int_equal(iso_stream_open(st), 1);
	r = iso_stream_read(st, buf, 4095);
	assert_true(r >= 0);
	iso_stream_close(st);
	return buf;
}

static void
test_seed_iso(void **state)
{
	struct cvm_vm_seed s = {.user_data = "#cloud-config\n",
				.network_config = "version: 2\n",
				.ssh_key = "ssh-rsa AAAAB3 me\n",
				.instance_id = "iid-vm0",
				.hostname = "vm0"};
	cleanup_free char *path = cvm_xasprintf("%s/seed.iso", tmp);
	cleanup_buf struct cvm_buf raw = CVM_BUF_INIT;
	struct cvm_err err = CVM_ERR_INIT;
	IsoDataSource *src = NULL;
	IsoReadOpts *ro = NULL;
	IsoImage *img = NULL;
	char *ud, *md, *nc;

	(void)state;
	assert_int_equal(cvm_vm_seed_write(path, &s, &err), 0);
	/* ECMA-119 §8.4: the primary volume descriptor in sector 16, its
	 * volume identifier at offset 40, padded with spaces; lower case
	 * kept (cloud-init also takes CIDATA) */
	assert_int_equal(cvm_file_read(path, &raw, 0, &err), 0);
	assert_true(raw.len >= 32768 + 2048 && raw.len % 2048 == 0);
	assert_int_equal((uint8_t)raw.data[32768], 1);
	assert_memory_equal(raw.data + 32769, "CD001", 5);
	assert_memory_equal(raw.data + 32808, "cidata  ", 8);
	/* read it back */
	assert_int_equal(iso_init(), 1);
	assert_int_equal(iso_data_source_new_from_file(path, &src), 1);
	assert_int_equal(iso_read_opts_new(&ro, 0), 1);
	assert_int_equal(iso_image_new("t", &img), 1);
	assert_int_equal(iso_image_import(img, src, ro, NULL), 1);
	assert_string_equal(iso_image_get_volume_id(img), "cidata");
	ud = iso_file(img, "user-data");
	md = iso_file(img, "meta-data");
	nc = iso_file(img, "network-config");
	assert_string_equal(ud, "#cloud-config\nssh_authorized_keys:\n"
				"  - \"ssh-rsa AAAAB3 me\"\n");
	assert_string_equal(md, "instance-id: \"iid-vm0\"\n"
				"local-hostname: \"vm0\"\n");
	assert_string_equal(nc, "version: 2\n");
	free(ud);
	free(md);
	free(nc);
	iso_image_unref(img);
	iso_read_opts_free(ro);
	iso_data_source_unref(src);
	iso_finish();
}

/* ---- the state folder --------------------------------------------------- */

static void
test_tmpdir_commit(void **state)
{
	cleanup_free char *root = cvm_vm_root();
	cleanup_free char *fin = cvm_xasprintf("%s/c1", root);
	cleanup_free char *t1 = NULL, *t2 = NULL, *f = NULL;
	struct cvm_err err = CVM_ERR_INIT;
	struct stat st;

	(void)state;
	assert_int_equal(vm_tmpdir_make(root, &t1, &err), 0);
	assert_int_equal(vm_tmpdir_make(root, &t2, &err), 0);
	assert_int_equal(stat(t1, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	f = cvm_xasprintf("%s/x", t1);
	assert_int_equal(cvm_file_write_atomic(f, "x", 1, 0600, &err), 0);
	free(f);
	f = cvm_xasprintf("%s/y", t2);
	assert_int_equal(cvm_file_write_atomic(f, "y", 1, 0600, &err), 0);
	/* two creates of one name: the first rename wins */
	assert_int_equal(vm_tmpdir_commit(t1, fin, "c1", &err), 0);
	assert_int_equal(vm_tmpdir_commit(t2, fin, "c1", &err), -EEXIST);
	assert_string_equal(err.msg, "a VM named 'c1' already exists");
	assert_int_equal(cvm_rmtree(t2, VM_TREE_DEPTH, &err), 0);
	assert_int_not_equal(stat(t2, &st), 0);
	assert_int_equal(cvm_rmtree(fin, VM_TREE_DEPTH, &err), 0);
	assert_int_not_equal(stat(fin, &st), 0);
	assert_int_equal(cvm_rmtree(fin, VM_TREE_DEPTH, &err),
			 0); /* gone is fine */
}

static void
test_gc_temps(void **state)
{
	cleanup_free char *root = cvm_vm_root();
	cleanup_free char *dead = NULL, *live = NULL;
	struct stat st;
	pid_t pid = fork();

	(void)state;
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0); /* a pid that is gone now */
	dead = cvm_xasprintf("%s/.new-%ld-abcdef", root, (long)pid);
	live = cvm_xasprintf("%s/.new-%ld-abcdef", root, (long)getpid());
	assert_int_equal(cvm_mkdir_p(dead, 0700, NULL), 0);
	assert_int_equal(cvm_mkdir_p(live, 0700, NULL), 0);
	vm_gc_temps(root);
	assert_int_not_equal(stat(dead, &st), 0);
	assert_int_equal(stat(live, &st), 0);
	assert_int_equal(cvm_rmtree(live, VM_TREE_DEPTH, NULL), 0);
}

/* A VM folder with just a vm.json, as create leaves it. */
static void
make_vm(const char *name)
{
	struct cvm_vm_config c;
	cleanup_free char *root = cvm_vm_root();
	cleanup_free char *dir = cvm_xasprintf("%s/%s", root, name);

	sample(&c);
	free(c.name);
	c.name = cvm_xstrdup(name);
	c.backend = CVM_VM_QEMU;
	assert_int_equal(cvm_mkdir_p(dir, 0700, NULL), 0);
	assert_int_equal(vm_config_save(dir, &c, NULL), 0);
	cvm_vm_config_release(&c);
}

static void
test_open_lock(void **state)
{
	struct cvm_vm *a = NULL, *b = NULL;
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	assert_int_equal(cvm_vm_open("nope", 0, &a, &err), -ENOENT);
	assert_string_equal(err.msg, "no VM named 'nope'");
	assert_int_equal(cvm_vm_open("a/b", 0, &a, &err), -CVM_E_USAGE);
	make_vm("l1");
	assert_int_equal(cvm_vm_open("l1", CVM_VM_LOCK, &a, &err), 0);
	assert_int_equal(cvm_vm_open("l1", CVM_VM_LOCK, &b, &err),
			 -CVM_E_STATE);
	assert_non_null(strstr(err.msg, "is busy"));
	assert_int_equal(cvm_vm_open("l1", 0, &b, &err), 0); /* readers */
	cvm_vm_close(b);
	cvm_vm_close(a); /* releases the lock */
	assert_int_equal(cvm_vm_open("l1", CVM_VM_LOCK, &a, &err), 0);
	assert_int_equal(cvm_vm_delete(a, &err), 0);
	cvm_vm_close(a);
	assert_int_equal(cvm_vm_open("l1", 0, &a, &err), -ENOENT);
}

static void
write_pid(struct cvm_vm *vm, long pid)
{
	cleanup_free char *p = cvm_vm_path(vm, CVM_VM_F_PID);
	char text[32];

	snprintf(text, sizeof(text), "%ld\n", pid);
	assert_int_equal(
		cvm_file_write_atomic(p, text, strlen(text), 0600, NULL), 0);
}

static void
test_status(void **state)
{
	struct cvm_vm *vm = NULL;
	struct cvm_vm_status st;
	struct cvm_err err = CVM_ERR_INIT;
	pid_t child;

	(void)state;
	make_vm("s1");
	assert_int_equal(cvm_vm_open("s1", 0, &vm, &err), 0);
	cvm_vm_status(vm, &st);
	assert_int_equal(st.state, CVM_VM_STOPPED);
	/* our own pid lives elsewhere: a reused pid is not the VM's QEMU */
	write_pid(vm, getpid());
	cvm_vm_status(vm, &st);
	assert_int_equal(st.state, CVM_VM_CRASHED);
	write_pid(vm, 999999999);
	cvm_vm_status(vm, &st);
	assert_int_equal(st.state, CVM_VM_CRASHED);
	/* a process whose working directory is the VM's folder: running */
	child = fork();
	if (child == 0) {
		if (chdir(vm->dir) == 0)
			pause();
		_exit(1);
	}
	write_pid(vm, child);
	for (int i = 0; i < 200; i++) {
		cvm_vm_status(vm, &st);
		if (st.state == CVM_VM_RUNNING)
			break;
		usleep(10000);
	}
	assert_int_equal(st.state, CVM_VM_RUNNING);
	assert_int_equal(st.pid, child);
	/* kill: SIGKILL, the pid file goes, the state is stopped */
	assert_int_equal(cvm_vm_kill(vm, &err), 0);
	waitpid(child, NULL, 0);
	cvm_vm_status(vm, &st);
	assert_int_equal(st.state, CVM_VM_STOPPED);
	assert_int_equal(cvm_vm_kill(vm, &err), -CVM_E_STATE);
	cvm_vm_close(vm);
}

static void
test_list(void **state)
{
	struct cvm_vm_entry *e = NULL;
	struct cvm_err err = CVM_ERR_INIT;
	cleanup_free char *root = cvm_vm_root();
	cleanup_free char *junk = cvm_xasprintf("%s/zz", root);
	size_t n = 0;

	(void)state;
	make_vm("b2");
	make_vm("a2");
	assert_int_equal(cvm_mkdir_p(junk, 0700, NULL), 0); /* no vm.json */
	assert_int_equal(cvm_vm_list(&e, &n, &err), 0);
	assert_true(n >= 3);
	for (size_t i = 1; i < n; i++)
		assert_true(strcmp(e[i - 1].name, e[i].name) < 0);
	assert_string_equal(e[n - 1].name, "zz");
	assert_non_null(e[n - 1].error);
	assert_null(e[0].error);
	cvm_vm_list_free(e, n);
}

/* ---- the spec ----------------------------------------------------------- */

static void
test_spec(void **state)
{
	struct cvm_vm_config c;
	struct vm_spec s;

	(void)state;
	sample(&c);
	c.backend = CVM_VM_QEMU;
	c.protection = CVM_PROT_SEV;
	c.has_vars = true;
	c.vars_template = cvm_xstrdup("/fw/OVMF_VARS_4M.fd");
	vm_spec_make(&c, "/d", false, &s);
	/* QEMU runs in the VM folder: relative names only */
	assert_string_equal(s.spec.firmware_vars, "OVMF_VARS.fd");
	assert_string_equal(s.spec.disks[0].path, "disk.qcow2");
	assert_true(s.spec.disks[1].cdrom);
	assert_string_equal(s.spec.qmp_socket, "qmp.sock");
	assert_string_equal(s.spec.serial_socket, "console.sock");
	assert_false(s.spec.debug_exit);
	vm_spec_release(&s);
	/* libvirt: absolute paths, the template for its own NVRAM, no
	 * sockets of ours */
	vm_spec_make(&c, "/d", true, &s);
	assert_string_equal(s.spec.firmware_vars, "/fw/OVMF_VARS_4M.fd");
	assert_string_equal(s.spec.disks[0].path, "/d/disk.qcow2");
	assert_null(s.spec.qmp_socket);
	assert_string_equal(s.spec.serial_log, "/d/serial.log");
	vm_spec_release(&s);
	cvm_vm_config_release(&c);
}

/* ---- the libvirt console's lost tail, from the serial log ------------- */

static void
test_serial_missed(void **state)
{
	const char *log =
		"CVM1 info boot efi\nCVM1 result hello ok\nCVM1 exit 4\n";
	size_t len = strlen(log);
	const char *seen = "CVM1 info boot efi\nCVM1 resu";

	(void)state;
	/* the console got the first part: the rest starts right after it */
	assert_int_equal(vm_serial_missed(log, len, strlen(seen), "1 resu", 6),
			 (ssize_t)strlen(seen));
	assert_string_equal(
		log + vm_serial_missed(log, len, strlen(seen), "1 resu", 6),
		"lt hello ok\nCVM1 exit 4\n");
	/* nothing seen (attached paused, the pty lost it all): all of it */
	assert_int_equal(vm_serial_missed(log, len, 0, "", 0), 0);
	/* everything seen: nothing missing */
	assert_int_equal(vm_serial_missed(log, len, len, "exit 4\n", 7),
			 (ssize_t)len);
	/* the log grew by "CVM1 info " before the console attached: the
	 * console's bytes start 10 bytes in, and so does the tail */
	assert_int_equal(vm_serial_missed(log, len, 9, "boot efi\n", 9), 19);
	/* a log that does not continue the console: not used */
	assert_int_equal(vm_serial_missed(log, len, 5, "xyz", 3), -1);
	/* a log shorter than what the console delivered: not this boot's */
	assert_int_equal(vm_serial_missed(log, len, len + 1, "", 0), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_config_roundtrip),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_seed_texts),
		cmocka_unit_test(test_seed_refusals),
		cmocka_unit_test(test_seed_iso),
		cmocka_unit_test(test_tmpdir_commit),
		cmocka_unit_test(test_gc_temps),
		cmocka_unit_test(test_open_lock),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_spec),
		cmocka_unit_test(test_serial_missed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
