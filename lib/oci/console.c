/* SPDX-License-Identifier: MIT */
/*
 * The --console-socket protocol as runc implements it (runc
 * libcontainer/utils/cmsg.go SendFd; docker-sev.md §1.2): one sendmsg()
 * on the AF_UNIX socket, the pty's name as the message bytes and the
 * master descriptor as SCM_RIGHTS ancillary data.  The engine keeps the
 * master; the runtime's process uses the slave.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/oci.h"
#include "cvm/util.h"

/* Connect to a socket whose path may exceed sun_path (108 bytes): go
 * through /proc/self/fd/<dir> when it does. */
static int
connect_path(const char *path, struct cvm_err *err)
{
	static const int types[] = {SOCK_STREAM, SOCK_SEQPACKET};
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	cleanup_free char *dir = cvm_xstrdup(path);
	cleanup_close int dfd = -1;
	char *slash = strrchr(dir, '/');
	int e = 0;

	if (strlen(path) < sizeof(sa.sun_path)) {
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	} else if (slash) {
		*slash = '\0';
		dfd = open(*dir ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0 || snprintf(sa.sun_path, sizeof(sa.sun_path),
					"/proc/self/fd/%d/%s", dfd,
					slash + 1) >= (int)sizeof(sa.sun_path))
			return cvm_err_set(err, -ENAMETOOLONG,
					   "console socket '%s': path too long",
					   path);
	}
	for (size_t i = 0; i < CVM_ARRAY_SIZE(types); i++) {
		int s = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0);

		if (s < 0)
			return cvm_err_set(err, -errno, "socket: %s",
					   strerror(errno));
		if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return s;
		e = errno;
		close(s);
		if (e != EPROTOTYPE)
			break;
	}
	return cvm_err_set(err, -e, "console socket '%s': %s", path,
			   strerror(e));
}

static int
send_master(int sock, int master, const char *name, struct cvm_err *err)
{
	char ctrl[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {.iov_base = (void *)name, .iov_len = strlen(name)};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = ctrl,
			     .msg_controllen = sizeof(ctrl)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &master, sizeof(int));
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
		return cvm_err_set(err, -errno,
				   "cannot send the console to the console "
				   "socket: %s",
				   strerror(errno));
	return 0;
}

int
cvm_oci_console_send(const char *path, int *slave, struct cvm_err *err)
{
	cleanup_close int master = -1, sock = -1, s = -1;
	char name[128];
	int r;

	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0 ||
	    ptsname_r(master, name, sizeof(name)) != 0)
		return cvm_err_set(err, -errno, "cannot open a pty: %s",
				   strerror(errno));
	s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0)
		return cvm_err_set(err, -errno, "cannot open '%s': %s", name,
				   strerror(errno));
	if ((sock = connect_path(path, err)) < 0)
		return sock;
	if ((r = send_master(sock, master, name, err)) < 0)
		return r;
	*slave = steal_fd(s);
	return 0;
}
