/* SPDX-License-Identifier: MIT */
/*
 * The QMP client: see cvm/qmp.h and QEMU docs/interop/qmp-spec.rst
 * ("Server Greeting", "Issuing Commands", "Commands Responses",
 * "Asynchronous events").
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cvm/buf.h"
#include "cvm/cleanup.h"
#include "cvm/qmp.h"
#include "cvm/util.h"

struct cvm_qmp {
	int fd;
	int timeout_ms;
	bool eof;
	struct cvm_buf in; /* bytes received, not yet a full line */
	unsigned long next_id;
	unsigned version[3];
	char error_class[64];
	struct json_object *events[CVM_QMP_MAX_EVENTS]; /* ring */
	size_t ev_head, ev_count, ev_dropped;
};

static uint64_t
deadline_after(int ms)
{
	return cvm_now_ns() + (uint64_t)(ms > 0 ? ms : 0) * 1000000ull;
}

/* Milliseconds left until `deadline` for poll(); 0 when past. */
static int
ms_left(uint64_t deadline)
{
	uint64_t now = cvm_now_ns();

	return now >= deadline ? 0 : (int)((deadline - now) / 1000000ull) + 1;
}

static void
queue_event(struct cvm_qmp *q, struct json_object *ev)
{
	if (q->ev_count == CVM_QMP_MAX_EVENTS) {
		json_object_put(q->events[q->ev_head]);
		q->ev_head = (q->ev_head + 1) % CVM_QMP_MAX_EVENTS;
		q->ev_count--;
		q->ev_dropped++;
	}
	q->events[(q->ev_head + q->ev_count) % CVM_QMP_MAX_EVENTS] = ev;
	q->ev_count++;
}

static struct json_object *
pop_event(struct cvm_qmp *q)
{
	struct json_object *ev;

	if (!q->ev_count)
		return NULL;
	ev = q->events[q->ev_head];
	q->ev_head = (q->ev_head + 1) % CVM_QMP_MAX_EVENTS;
	q->ev_count--;
	return ev;
}

/* Parse one line into a JSON object; anything else is -CVM_E_PARSE. */
static int
parse_line(const char *line, size_t len, struct json_object **out,
	   struct cvm_err *err)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;
	enum json_tokener_error jerr;
	size_t used;

	o = json_tokener_parse_ex(tok, line, (int)len);
	jerr = json_tokener_get_error(tok);
	used = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	while (o && used < len && strchr(" \t\r", line[used]))
		used++;
	if (!o || jerr != json_tokener_success || used != len ||
	    !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return cvm_err_set(err, -CVM_E_PARSE,
				   "qmp: malformed message '%.*s'",
				   (int)(len < 60 ? len : 60), line);
	}
	*out = o;
	return 0;
}

/* Take the next complete line out of q->in, if there is one. */
static int
take_line(struct cvm_qmp *q, struct json_object **out, struct cvm_err *err)
{
	char *nl = q->in.len ? memchr(q->in.data, '\n', q->in.len) : NULL;
	size_t len, rest;
	int r;

	*out = NULL;
	if (!nl)
		return 0;
	len = (size_t)(nl - q->in.data);
	if (len == 0 || (len == 1 && q->in.data[0] == '\r'))
		r = 0; /* blank line: skip */
	else
		r = parse_line(q->in.data, len, out, err);
	rest = q->in.len - len - 1;
	memmove(q->in.data, nl + 1, rest);
	cvm_buf_truncate(&q->in, rest);
	return r < 0 ? r : 1;
}

/* Wait for and return the next message, or 0 at the deadline. */
static int
read_message(struct cvm_qmp *q, uint64_t deadline, struct json_object **out,
	     struct cvm_err *err)
{
	char chunk[8192];
	ssize_t n;
	int r;

	for (;;) {
		struct pollfd pf = {q->fd, POLLIN, 0};

		while ((r = take_line(q, out, err)) != 0) {
			if (r < 0 || *out)
				return r;
		}
		if (q->in.len > CVM_QMP_MAX_MESSAGE)
			return cvm_err_set(err, -CVM_E_PARSE,
					   "qmp: message longer than %u bytes",
					   CVM_QMP_MAX_MESSAGE);
		if (q->eof)
			return cvm_err_set(err, -ECONNRESET,
					   "qmp: QEMU closed the connection");
		r = poll(&pf, 1, ms_left(deadline));
		if (r < 0 && errno != EINTR)
			return cvm_err_set(err, -errno, "qmp: poll: %s",
					   strerror(errno));
		if (r == 0)
			return 0;
		n = read(q->fd, chunk, sizeof(chunk));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0)
			q->eof = true;
		else
			cvm_buf_add(&q->in, chunk, (size_t)n);
	}
}

static int
send_all(struct cvm_qmp *q, const char *s, uint64_t deadline,
	 struct cvm_err *err)
{
	size_t len = strlen(s), off = 0;

	while (off < len) {
		struct pollfd pf = {q->fd, POLLOUT, 0};
		ssize_t n;

		if (poll(&pf, 1, ms_left(deadline)) == 0)
			return cvm_err_set(err, -ETIMEDOUT,
					   "qmp: sending timed out");
		n = send(q->fd, s + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			return cvm_err_set(
				err, errno == EPIPE ? -ECONNRESET : -errno,
				"qmp: send: %s", strerror(errno));
		off += (size_t)n;
	}
	return 0;
}

/* The reply to id `id`: {"return": ...} or {"error": ...}. */
static int
handle_reply(struct cvm_qmp *q, const char *command, struct json_object *m,
	     struct json_object **ret, struct cvm_err *err)
{
	struct json_object *v, *cls, *desc;

	if (json_object_object_get_ex(m, "return", &v)) {
		if (ret)
			*ret = json_object_get(v);
		return 0;
	}
	if (!json_object_object_get_ex(m, "error", &v) ||
	    !json_object_is_type(v, json_type_object))
		return cvm_err_set(err, -CVM_E_PARSE,
				   "qmp '%s': reply without return or error",
				   command);
	json_object_object_get_ex(v, "class", &cls);
	json_object_object_get_ex(v, "desc", &desc);
	snprintf(q->error_class, sizeof(q->error_class), "%s",
		 cls ? json_object_get_string(cls) : "");
	return cvm_err_set(err, -CVM_E_CHILD, "qmp '%s': %s: %s", command,
			   q->error_class[0] ? q->error_class : "error",
			   desc ? json_object_get_string(desc) : "(no text)");
}

int
cvm_qmp_execute(struct cvm_qmp *q, const char *command,
		struct json_object *args, struct json_object **ret,
		struct cvm_err *err)
{
	uint64_t deadline = deadline_after(q->timeout_ms);
	struct json_object *cmd = json_object_new_object();
	char id[32];
	int r;

	q->error_class[0] = '\0';
	if (ret)
		*ret = NULL;
	snprintf(id, sizeof(id), "cvm-%lu", ++q->next_id);
	json_object_object_add(cmd, "execute", json_object_new_string(command));
	if (args)
		json_object_object_add(cmd, "arguments", json_object_get(args));
	json_object_object_add(cmd, "id", json_object_new_string(id));
	r = send_all(
		q, json_object_to_json_string_ext(cmd, JSON_C_TO_STRING_PLAIN),
		deadline, err);
	json_object_put(cmd);
	if (r == 0)
		r = send_all(q, "\n", deadline, err);
	while (r == 0) {
		struct json_object *m = NULL, *mid;

		r = read_message(q, deadline, &m, err);
		if (r == 0)
			return cvm_err_set(err, -ETIMEDOUT,
					   "qmp '%s': no reply within %d ms",
					   command, q->timeout_ms);
		if (r < 0)
			break;
		r = 0;
		if (json_object_object_get_ex(m, "event", NULL)) {
			queue_event(q, m);
			continue;
		}
		/* a reply to another (timed-out) command is stale */
		if (json_object_object_get_ex(m, "id", &mid) &&
		    strcmp(json_object_get_string(mid), id) == 0) {
			r = handle_reply(q, command, m, ret, err);
			json_object_put(m);
			return r;
		}
		json_object_put(m);
	}
	return cvm_err_prefix(err, "qmp '%s'", command);
}

static int
read_greeting(struct cvm_qmp *q, struct cvm_err *err)
{
	struct json_object *m = NULL, *g, *ver, *qemu, *v;
	static const char *const keys[] = {"major", "minor", "micro"};
	int r = read_message(q, deadline_after(q->timeout_ms), &m, err);

	if (r == 0)
		return cvm_err_set(err, -ETIMEDOUT, "qmp: no greeting");
	if (r < 0)
		return r;
	if (!json_object_object_get_ex(m, "QMP", &g) ||
	    !json_object_is_type(g, json_type_object)) {
		json_object_put(m);
		return cvm_err_set(err, -CVM_E_PARSE,
				   "qmp: the server did not greet with 'QMP'");
	}
	if (json_object_object_get_ex(g, "version", &ver) &&
	    json_object_object_get_ex(ver, "qemu", &qemu))
		for (int i = 0; i < 3; i++)
			if (json_object_object_get_ex(qemu, keys[i], &v))
				q->version[i] =
					(unsigned)json_object_get_int(v);
	json_object_put(m);
	return cvm_qmp_execute(q, "qmp_capabilities", NULL, NULL, err);
}

int
cvm_qmp_open_fd(int fd, int timeout_ms, struct cvm_qmp **out,
		struct cvm_err *err)
{
	struct cvm_qmp *q = cvm_xcalloc(1, sizeof(*q));
	int r;

	*out = NULL;
	q->fd = fd;
	q->timeout_ms = timeout_ms > 0 ? timeout_ms : 5000;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	r = read_greeting(q, err);
	if (r < 0) {
		cvm_qmp_close(q);
		return r;
	}
	*out = q;
	return 0;
}

int
cvm_qmp_connect(const char *path, int timeout_ms, struct cvm_qmp **out,
		struct cvm_err *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	uint64_t deadline = deadline_after(timeout_ms);
	int fd, r;

	*out = NULL;
	if (strlen(path) >= sizeof(sa.sun_path))
		return cvm_err_set(err, -ENAMETOOLONG,
				   "qmp socket path '%s' is too long", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	for (;;) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return cvm_err_set(err, -errno, "socket: %s",
					   strerror(errno));
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			break;
		r = -errno;
		close(fd);
		if ((r != -ENOENT && r != -ECONNREFUSED) || !ms_left(deadline))
			return cvm_err_set(err, r, "qmp: connect to '%s': %s",
					   path, strerror(-r));
		usleep(10000);
	}
	r = cvm_qmp_open_fd(fd, timeout_ms, out, err);
	if (r < 0)
		return cvm_err_prefix(err, "'%s'", path);
	return 0;
}

void
cvm_qmp_close(struct cvm_qmp *q)
{
	struct json_object *ev;

	if (!q)
		return;
	while ((ev = pop_event(q)))
		json_object_put(ev);
	if (q->fd >= 0)
		close(q->fd);
	cvm_buf_release(&q->in);
	free(q);
}

void
cvm_qmp_version(const struct cvm_qmp *q, unsigned *major, unsigned *minor,
		unsigned *micro)
{
	*major = q->version[0];
	*minor = q->version[1];
	*micro = q->version[2];
}

void
cvm_qmp_set_timeout(struct cvm_qmp *q, int timeout_ms)
{
	if (timeout_ms > 0)
		q->timeout_ms = timeout_ms;
}

const char *
cvm_qmp_error_class(const struct cvm_qmp *q)
{
	return q->error_class;
}

size_t
cvm_qmp_events_dropped(const struct cvm_qmp *q)
{
	return q->ev_dropped;
}

int
cvm_qmp_next_event(struct cvm_qmp *q, int timeout_ms, struct json_object **ev,
		   struct cvm_err *err)
{
	uint64_t deadline = deadline_after(timeout_ms);

	*ev = NULL;
	for (;;) {
		struct json_object *m = NULL;
		int r;

		if ((*ev = pop_event(q)))
			return 1;
		r = read_message(q, deadline, &m, err);
		if (r <= 0)
			return r;
		if (json_object_object_get_ex(m, "event", NULL))
			queue_event(q, m);
		else
			json_object_put(m); /* a stale reply */
	}
}

int
cvm_qmp_wait_event(struct cvm_qmp *q, const char *name, int timeout_ms,
		   struct json_object **ev, struct cvm_err *err)
{
	uint64_t deadline = deadline_after(timeout_ms);

	if (ev)
		*ev = NULL;
	for (;;) {
		struct json_object *e = NULL, *n;
		int r = cvm_qmp_next_event(q, ms_left(deadline), &e, err);

		if (r <= 0)
			return r;
		if (json_object_object_get_ex(e, "event", &n) &&
		    strcmp(json_object_get_string(n), name) == 0) {
			if (ev)
				*ev = e;
			else
				json_object_put(e);
			return 1;
		}
		json_object_put(e);
	}
}
