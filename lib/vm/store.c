/* SPDX-License-Identifier: MIT */
/*
 * Where VMs live: names, the state folder, opening and locking a VM,
 * creating a folder atomically (build beside it, rename with
 * RENAME_NOREPLACE) and removing one.  See cvm/vm.h.
 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "cvm/vm.h"
#include "vm-priv.h"

/* Temporary creation folders: ".new-<pid>-XXXXXX" (names never start
 * with '.', so they cannot clash with a VM). */
#define TMP_PREFIX ".new-"
/* A VM being deleted is first renamed to ".del-PID-NAME" (one atomic
 * step), so a delete killed halfway never leaves a half VM under its
 * name; the remains are collected like a killed create's folder. */
#define DEL_PREFIX ".del-"

char *
vm_quote(const char *s)
{
	struct cvm_buf b = CVM_BUF_INIT;

	cvm_buf_adds(&b, "");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '\'' || *p == '\\')
			cvm_buf_addf(&b, "\\x%02x", *p);
		else
			cvm_buf_addch(&b, (char)*p);
		if (b.len > 200) {
			cvm_buf_adds(&b, "...");
			break;
		}
	}
	return cvm_buf_detach(&b, NULL);
}

static bool
name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

/* What is wrong with a name that is not [A-Za-z0-9][A-Za-z0-9._-]*. */
static const char *
name_problem(const char *name)
{
	if (!*name)
		return "it is empty";
	if (strlen(name) > CVM_VM_NAME_MAX)
		return "it is longer than 63 characters";
	if (strchr(name, '/'))
		return "it contains '/'";
	if (strstr(name, ".."))
		return "it contains '..'";
	for (const char *p = name; *p; p++) {
		if (*p == ' ' || *p == '\t')
			return "it contains a space";
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "it contains a control character";
		if (!name_char(*p))
			return "it contains a character other than letters, "
			       "digits, '.', '_' and '-'";
	}
	if (name[0] == '.' || name[0] == '_' || name[0] == '-')
		return "it must start with a letter or a digit";
	return NULL;
}

int
cvm_vm_name_check(const char *name, struct cvm_err *err)
{
	const char *why = name ? name_problem(name) : "it is missing";
	cleanup_free char *q = NULL;

	if (!why)
		return 0;
	q = vm_quote(name ? name : "");
	return cvm_err_set(err, -CVM_E_USAGE,
			   "invalid VM name '%s': %s (names are 1 to 63 "
			   "letters, digits, '.', '_' or '-', starting with a "
			   "letter or digit)",
			   q, why);
}

char *
cvm_vm_root(void)
{
	cleanup_free char *data = cvm_data_dir();

	return cvm_xasprintf("%s/vms", data);
}

char *
cvm_vm_path(const struct cvm_vm *vm, const char *file)
{
	return cvm_xasprintf("%s/%s", vm->dir, file);
}

char *
cvm_vm_short_path(const struct cvm_vm *vm, const char *file)
{
	return cvm_xasprintf("/proc/self/fd/%d/%s", vm->dirfd, file);
}

static int
lock_dir(struct cvm_vm *vm, struct cvm_err *err)
{
	struct stat st;

	if (flock(vm->dirfd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			return cvm_err_set(err, -CVM_E_STATE,
					   "VM '%s' is busy: another cvm "
					   "command is acting on it",
					   vm->name);
		return cvm_err_set(err, -errno, "lock VM '%s': %s", vm->name,
				   strerror(errno));
	}
	vm->locked = true;
	/* deleted while we waited for the lock? */
	if (fstat(vm->dirfd, &st) < 0 || st.st_nlink == 0)
		return cvm_err_set(err, -ENOENT, "no VM named '%s'", vm->name);
	return 0;
}

int
cvm_vm_open(const char *name, unsigned flags, struct cvm_vm **out,
	    struct cvm_err *err)
{
	cleanup_free char *root = NULL;
	struct cvm_vm *vm;
	int r;

	*out = NULL;
	if ((r = cvm_vm_name_check(name, err)) < 0)
		return r;
	root = cvm_vm_root();
	vm = cvm_xcalloc(1, sizeof(*vm));
	vm->name = cvm_xstrdup(name);
	vm->dir = cvm_xasprintf("%s/%s", root, name);
	vm->dirfd = open(vm->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (vm->dirfd < 0) {
		r = errno == ENOENT || errno == ENOTDIR
			    ? cvm_err_set(err, -ENOENT, "no VM named '%s'",
					  name)
			    : cvm_err_set(err, -errno, "open VM '%s': %s", name,
					  strerror(errno));
		cvm_vm_close(vm);
		return r;
	}
	if (((flags & CVM_VM_LOCK) && (r = lock_dir(vm, err)) < 0) ||
	    (r = vm_config_load(vm->dir, &vm->cfg, err)) < 0) {
		cvm_vm_close(vm);
		return r;
	}
	*out = vm;
	return 0;
}

void
cvm_vm_close(struct cvm_vm *vm)
{
	if (!vm)
		return;
	if (vm->dirfd >= 0)
		close(vm->dirfd); /* releases the flock */
	cvm_vm_config_release(&vm->cfg);
	free(vm->name);
	free(vm->dir);
	free(vm);
}

/* ---- folders ------------------------------------------------------------ */

int
vm_remove_dir(const char *dir, struct cvm_err *err)
{
	const char *slash = strrchr(dir, '/');
	cleanup_free char *tomb = NULL;

	if (!slash)
		return cvm_rmtree(dir, VM_TREE_DEPTH, err);
	tomb = cvm_xasprintf("%.*s/" DEL_PREFIX "%ld-%s", (int)(slash - dir),
			     dir, (long)getpid(), slash + 1);
	if (rename(dir, tomb) < 0)
		return cvm_err_set(err, -errno, "remove '%s': %s", dir,
				   strerror(errno));
	return cvm_rmtree(tomb, VM_TREE_DEPTH, err);
}

/* Remove creation (and deletion) folders whose owner is gone: a killed
 * create or delete. */
void
vm_gc_temps(const char *root)
{
	cleanup_closedir DIR *d = opendir(root);
	struct dirent *e;

	while (d && (e = readdir(d)) != NULL) {
		long pid;
		char *end;
		cleanup_free char *p = NULL;

		if (strncmp(e->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) != 0 &&
		    strncmp(e->d_name, DEL_PREFIX, strlen(DEL_PREFIX)) != 0)
			continue;
		/* both prefixes are 5 characters */
		pid = strtol(e->d_name + strlen(TMP_PREFIX), &end, 10);
		if (pid <= 0 || *end != '-')
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue; /* alive (or not ours to judge) */
		p = cvm_xasprintf("%s/%s", root, e->d_name);
		cvm_rmtree(p, VM_TREE_DEPTH, NULL);
	}
}

int
vm_tmpdir_make(const char *root, char **out, struct cvm_err *err)
{
	char *t;
	int r;

	*out = NULL;
	if ((r = cvm_mkdir_p(root, 0700, err)) < 0)
		return cvm_err_prefix(err, "create the VM folder");
	vm_gc_temps(root);
	t = cvm_xasprintf("%s/" TMP_PREFIX "%ld-XXXXXX", root, (long)getpid());
	if (!mkdtemp(t)) { /* mkdtemp makes it 0700 */
		r = -errno;
		free(t);
		return cvm_err_set(err, r, "create a folder in '%s': %s", root,
				   strerror(-r));
	}
	*out = t;
	return 0;
}

int
vm_tmpdir_commit(const char *tmp, const char *final, const char *name,
		 struct cvm_err *err)
{
	/* RENAME_NOREPLACE: of two creates of one name exactly one wins */
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, final, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno == EEXIST || errno == ENOTEMPTY)
		return cvm_err_set(err, -EEXIST,
				   "a VM named '%s' already exists", name);
	return cvm_err_set(err, -errno, "rename '%s' to '%s': %s", tmp, final,
			   strerror(errno));
}
