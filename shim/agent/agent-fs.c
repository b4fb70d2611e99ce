/* SPDX-License-Identifier: MIT */
/*
 * cvm-agent: the spec file and the container's filesystem.  The
 * initramfs holds the container's rootfs below CVM_SPEC_ROOT; the OCI
 * mounts (runtime-spec config.md "Mounts") are made there in order, a
 * tmpfs /dev gets runc's default device nodes (runtime-spec
 * config-linux.md "Default Devices"), and a read-only root becomes a
 * read-only bind of itself.  Bind mounts need nothing here: the runtime
 * copied their contents into the initramfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "agent.h"

static char *
next_str(char **p, const char *end)
{
	char *s = *p;
	char *z = s < end ? memchr(s, '\0', (size_t)(end - s)) : NULL;

	if (!z)
		return NULL;
	*p = z + 1;
	return s;
}

static unsigned long
num(const char *s)
{
	return s ? strtoul(s, NULL, 10) : 0;
}

/* One record; returns -1 on a truncated or unknown record. */
static int
record(struct agent_spec *s, const char *name, char **p, const char *end)
{
	char *a = NULL, *b = NULL;

	if (!strcmp(name, "arg") || !strcmp(name, "env")) {
		bool arg = name[0] == 'a';
		size_t *n = arg ? &s->nargs : &s->nenv;

		if (!(a = next_str(p, end)) || *n >= AGENT_MAX_WORDS)
			return -1;
		(arg ? s->args : s->env)[(*n)++] = a;
	} else if (!strcmp(name, "mount")) {
		struct agent_mount *m = &s->mounts[s->nmounts];

		if (s->nmounts >= AGENT_MAX_MOUNTS ||
		    !(m->type = next_str(p, end)) ||
		    !(m->dest = next_str(p, end)) || !(a = next_str(p, end)) ||
		    !(m->data = next_str(p, end)))
			return -1;
		m->flags = num(a);
		s->nmounts++;
	} else if (!strcmp(name, "devices")) {
		if (!s->nmounts)
			return -1;
		s->mounts[s->nmounts - 1].devices = true;
	} else if (!strcmp(name, "user") || !strcmp(name, "console")) {
		if (!(a = next_str(p, end)) || !(b = next_str(p, end)))
			return -1;
		if (name[0] == 'u') {
			s->uid = (uid_t)num(a);
			s->gid = (gid_t)num(b);
		} else {
			s->rows = (unsigned)num(a);
			s->cols = (unsigned)num(b);
		}
	} else if (!strcmp(name, "group")) {
		if (!(a = next_str(p, end)) || s->ngroups >= AGENT_MAX_GROUPS)
			return -1;
		s->groups[s->ngroups++] = (gid_t)num(a);
	} else if (!strcmp(name, "terminal") || !strcmp(name, "rootro")) {
		*(name[0] == 't' ? &s->terminal : &s->rootro) = true;
	} else if (!(a = next_str(p, end))) {
		return -1;
	} else if (!strcmp(name, "cwd")) {
		s->cwd = a;
	} else if (!strcmp(name, "hostname")) {
		s->hostname = a;
	} else if (!strcmp(name, "umask")) {
		s->has_umask = true;
		s->umask = (mode_t)strtoul(a, NULL, 8);
	} else if (!strcmp(name, "mode")) {
		s->scrape = !strcmp(a, "scrape");
	} else if (strcmp(name, "cvm-spec") || strcmp(a, CVM_SPEC_VERSION)) {
		return -1;
	}
	return 0;
}

int
agent_spec_read(const char *path, struct agent_spec *s)
{
	struct stat st;
	char *buf, *p, *end, *name;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0)
		return -1;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf || read(fd, buf, (size_t)st.st_size) != st.st_size) {
		close(fd);
		errno = EIO;
		return -1;
	}
	close(fd);
	p = buf;
	end = buf + st.st_size;
	s->cwd = "/";
	while (p < end) {
		if (!(name = next_str(&p, end)) ||
		    record(s, name, &p, end) < 0) {
			errno = EINVAL;
			return -1;
		}
	}
	s->args[s->nargs] = NULL;
	s->env[s->nenv] = NULL;
	if (!s->scrape && !s->nargs) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

void
agent_setup_base(void)
{
	mkdir("/dev", 0755);
	mkdir("/proc", 0555);
	mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
	mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

/* mkdir -p for `path` (absolute, below the container root) */
static void
mkdirs(char *path, mode_t mode)
{
	for (char *s = path + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		mkdir(path, mode);
		*s = '/';
	}
	mkdir(path, mode);
}

static void
devices(const char *dev)
{
	static const struct {
		const char *name;
		unsigned maj, min;
	} nodes[] = {{"null", 1, 3},   {"zero", 1, 5},	  {"full", 1, 7},
		     {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};
	static const char *const links[][2] = {
		{"fd", "/proc/self/fd"},       {"stdin", "/proc/self/fd/0"},
		{"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"},
		{"ptmx", "pts/ptmx"},	       {"core", "/proc/kcore"}};
	char path[4096 + 16];

	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dev, nodes[i].name);
		if (mknod(path, S_IFCHR | 0666,
			  makedev(nodes[i].maj, nodes[i].min)) < 0 &&
		    errno != EEXIST)
			agent_fail(126, "mknod '%s': %s", path,
				   strerror(errno));
		chmod(path, 0666);
	}
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dev, links[i][0]);
		symlink(links[i][1], path);
	}
	snprintf(path, sizeof(path), "%s/pts", dev);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/shm", dev);
	mkdir(path, 01777);
}

static void
do_mount(const struct agent_mount *m)
{
	char path[4096];
	const char *src = m->type;
	struct stat st;

	snprintf(path, sizeof(path), CVM_SPEC_ROOT "%s", m->dest);
	if (!strcmp(m->type, "bind"))
		return; /* copied in by the runtime */
	if (stat(path, &st) < 0)
		mkdirs(path, 0755);
	if (mount(src, path, m->type, m->flags, *m->data ? m->data : NULL) <
	    0) {
		/* cgroup v1 mounts of a host layout make no sense in the
		 * VM: the guest's own cgroup2 hierarchy is mounted instead */
		if (!strcmp(m->type, "cgroup") || !strcmp(m->type, "cgroup2")) {
			mount("cgroup2", path, "cgroup2", m->flags, NULL);
			return;
		}
		agent_fail(126, "mount %s on '%s': %s", m->type, m->dest,
			   strerror(errno));
	}
	if (m->devices)
		devices(path);
}

void
agent_setup_container(const struct agent_spec *s)
{
	bool have_pts = false;

	for (size_t i = 0; i < s->nmounts; i++) {
		do_mount(&s->mounts[i]);
		have_pts |= !strcmp(s->mounts[i].type, "devpts");
	}
	if (s->terminal && !have_pts) {
		/* a terminal needs a devpts instance of the container's own */
		char pts[] = CVM_SPEC_ROOT "/dev/pts";

		mkdirs(pts, 0755);
		if (mount("devpts", CVM_SPEC_ROOT "/dev/pts", "devpts",
			  MS_NOSUID | MS_NOEXEC,
			  "newinstance,ptmxmode=0666,mode=0620") < 0)
			agent_fail(126, "mount devpts: %s", strerror(errno));
	}
	if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
		agent_fail(126, "sethostname '%s': %s", s->hostname,
			   strerror(errno));
	if (s->rootro && (mount(CVM_SPEC_ROOT, CVM_SPEC_ROOT, NULL,
				MS_BIND | MS_REC, NULL) < 0 ||
			  mount(NULL, CVM_SPEC_ROOT, NULL,
				MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0))
		agent_fail(126, "read-only root: %s", strerror(errno));
}
