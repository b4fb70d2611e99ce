/* SPDX-License-Identifier: MIT */
/*
 * The QMP client against a scripted fake server on a socketpair (a
 * thread that sends a greeting and answers each command with canned
 * lines, "@ID" standing for the command's id), then once against a real
 * QEMU (`-machine none`).
 */
#include <pthread.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "cvm/cleanup.h"
#include "cvm/qemu.h"
#include "cvm/qmp.h"
#include "cvm/util.h"

#define GREETING                                                            \
	"{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, " \
	"\"major\": 7}, \"package\": \"Debian\"}, \"capabilities\": "       \
	"[\"oob\"]}}\r\n"
#define OK "{\"return\": {}, \"id\": \"@ID\"}\r\n"

/* One step of the fake server: wait for a line containing `expect`
 * (NULL: send at once), then send `reply` (NULL: close the socket). */
struct step {
	const char *expect;
	const char *reply;
};

struct server {
	int fd;
	const struct step *steps;
	size_t nsteps;
	bool failed;
	char why[200];
};

static bool
read_line(int fd, char *buf, size_t size)
{
	size_t n = 0;

	while (n + 1 < size) {
		ssize_t r = read(fd, buf + n, 1);

		if (r <= 0)
			return false;
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
	return true;
}

/* `reply` with every "@ID" replaced by the id in `cmd`. */
static char *
with_id(const char *reply, const char *cmd)
{
	const char *idp = strstr(cmd, "\"id\":");
	char id[64] = "";
	struct cvm_buf b = CVM_BUF_INIT;

	if (idp)
		sscanf(idp, "\"id\": \"%63[^\"]\"", id);
	if (!id[0] && idp)
		sscanf(idp, "\"id\":\"%63[^\"]\"", id);
	for (const char *p = reply; *p; p++) {
		if (strncmp(p, "@ID", 3) == 0) {
			cvm_buf_adds(&b, id);
			p += 2;
		} else {
			cvm_buf_addch(&b, *p);
		}
	}
	return cvm_buf_detach(&b, NULL);
}

static void *
serve(void *arg)
{
	struct server *s = arg;
	char line[4096] = "";

	for (size_t i = 0; i < s->nsteps; i++) {
		const struct step *st = &s->steps[i];
		char *out;

		if (st->expect) {
			if (!read_line(s->fd, line, sizeof(line))) {
				snprintf(s->why, sizeof(s->why),
					 "step %zu: client closed", i);
				s->failed = true;
				break;
			}
			if (!strstr(line, st->expect)) {
				snprintf(s->why, sizeof(s->why),
					 "step %zu: got '%.100s'", i, line);
				s->failed = true;
				break;
			}
		}
		if (!st->reply)
			break;
		out = with_id(st->reply, line);
		if (write(s->fd, out, strlen(out)) < 0)
			s->failed = true;
		free(out);
	}
	shutdown(s->fd, SHUT_WR);
	/* wait for the client to close, so late sends cannot fail */
	while (read(s->fd, line, sizeof(line)) > 0)
		;
	close(s->fd);
	return NULL;
}

struct fake {
	pthread_t thread;
	struct server srv;
	int client_fd;
};

static void
fake_start(struct fake *f, const struct step *steps, size_t n)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	memset(f, 0, sizeof(*f));
	f->srv.fd = sv[1];
	f->srv.steps = steps;
	f->srv.nsteps = n;
	f->client_fd = sv[0];
	assert_int_equal(pthread_create(&f->thread, NULL, serve, &f->srv), 0);
}

static void
fake_join(struct fake *f)
{
	pthread_join(f->thread, NULL);
	if (f->srv.failed)
		fail_msg("fake server: %s", f->srv.why);
}

static void
test_handshake_execute_events(void **state)
{
	static const struct step steps[] = {
		{NULL, GREETING},
		{"qmp_capabilities", OK},
		{"\"query-status\"",
		 "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, "
		 "\"event\": \"RESUME\"}\r\n"
		 "{\"return\": {\"status\": \"running\", \"running\": true}, "
		 "\"id\": \"@ID\"}\r\n"},
		{"\"arguments\":{\"value\":7}",
		 "{\"return\": 7, \"id\": \"other\"}\n\n"
		 "{\"return\": 8, \"id\": \"@ID\"}\n"},
		{"\"nosuch\"", "{\"error\": {\"class\": \"CommandNotFound\", "
			       "\"desc\": \"The command nosuch has not been "
			       "found\"}, \"id\": \"@ID\"}\r\n"},
		{"\"quit\"", OK "{\"event\": \"SHUTDOWN\", \"data\": "
				"{\"guest\": false}}\r\n"},
	};
	struct fake f;
	struct cvm_qmp *q = NULL;
	struct cvm_err err = CVM_ERR_INIT;
	struct json_object *ret = NULL, *args, *ev = NULL, *v;
	unsigned maj, min, mic;

	(void)state;
	fake_start(&f, steps, CVM_ARRAY_SIZE(steps));
	assert_int_equal(cvm_qmp_open_fd(f.client_fd, 2000, &q, &err), 0);
	cvm_qmp_version(q, &maj, &min, &mic);
	assert_int_equal(maj * 10000 + min * 100 + mic, 70222);
	assert_int_equal(cvm_qmp_execute(q, "query-status", NULL, &ret, &err),
			 0);
	assert_true(json_object_object_get_ex(ret, "status", &v));
	assert_string_equal(json_object_get_string(v), "running");
	json_object_put(ret);
	/* a stale reply with another id is skipped */
	args = json_object_new_object();
	json_object_object_add(args, "value", json_object_new_int(7));
	assert_int_equal(cvm_qmp_execute(q, "echo", args, &ret, &err), 0);
	json_object_put(args);
	assert_int_equal(json_object_get_int(ret), 8);
	json_object_put(ret);
	assert_int_equal(cvm_qmp_execute(q, "nosuch", NULL, &ret, &err),
			 -CVM_E_CHILD);
	assert_null(ret);
	assert_string_equal(cvm_qmp_error_class(q), "CommandNotFound");
	assert_non_null(strstr(err.msg, "qmp 'nosuch': CommandNotFound: The "
					"command nosuch has not been found"));
	assert_int_equal(cvm_qmp_execute(q, "quit", NULL, NULL, &err), 0);
	assert_string_equal(cvm_qmp_error_class(q), "");
	/* the event that came before a reply was queued, in order */
	assert_int_equal(cvm_qmp_next_event(q, 0, &ev, &err), 1);
	assert_true(json_object_object_get_ex(ev, "event", &v));
	assert_string_equal(json_object_get_string(v), "RESUME");
	json_object_put(ev);
	assert_int_equal(cvm_qmp_wait_event(q, "SHUTDOWN", 1000, &ev, &err), 1);
	json_object_put(ev);
	/* then the server closed */
	assert_int_equal(cvm_qmp_next_event(q, 1000, &ev, &err), -ECONNRESET);
	assert_int_equal(
		cvm_qmp_execute(q, "query-status", NULL, &ret, &err) < 0, 1);
	cvm_qmp_close(q);
	fake_join(&f);
}

/* The client must fail cleanly (code `want`, text `needle`). */
static void
expect_open_failure(const struct step *steps, size_t n, int want,
		    const char *needle)
{
	struct fake f;
	struct cvm_qmp *q = NULL;
	struct cvm_err err = CVM_ERR_INIT;

	fake_start(&f, steps, n);
	assert_int_equal(cvm_qmp_open_fd(f.client_fd, 300, &q, &err), want);
	assert_null(q);
	if (!strstr(err.msg, needle))
		fail_msg("'%s' lacks '%s'", err.msg, needle);
	pthread_join(f.thread, NULL);
}

static void
test_bad_greetings(void **state)
{
	static const struct step garbage[] = {{NULL, "hello there\n"}};
	static const struct step array[] = {{NULL, "[1, 2]\n"}};
	static const struct step noqmp[] = {{NULL, "{\"QMQ\": {}}\n"}};
	static const struct step trailing[] = {{NULL, "{\"QMP\": {}} x\n"}};
	static const struct step twoobj[] = {{NULL, "{\"QMP\": {}}{}\n"}};
	static const struct step closed[] = {{NULL, NULL}};
	static const struct step silent[] = {{"never", "x"}};
	static const struct step partial[] = {{NULL, "{\"QMP\": {"}};
	static const struct step refuse[] = {
		{NULL, GREETING},
		{"qmp_capabilities",
		 "{\"error\": {\"class\": \"GenericError\", \"desc\": \"no\"}, "
		 "\"id\": \"@ID\"}\n"}};
	static const struct step noreply[] = {
		{NULL, GREETING}, {"qmp_capabilities", "{\"id\": \"@ID\"}\n"}};

	(void)state;
	expect_open_failure(garbage, 1, -CVM_E_PARSE, "malformed");
	expect_open_failure(array, 1, -CVM_E_PARSE, "malformed");
	expect_open_failure(noqmp, 1, -CVM_E_PARSE, "did not greet");
	expect_open_failure(trailing, 1, -CVM_E_PARSE, "malformed");
	expect_open_failure(twoobj, 1, -CVM_E_PARSE, "malformed");
	expect_open_failure(closed, 1, -ECONNRESET, "closed");
	expect_open_failure(silent, 1, -ETIMEDOUT, "greeting");
	expect_open_failure(partial, 1, -ECONNRESET, "closed");
	expect_open_failure(refuse, 2, -CVM_E_CHILD, "GenericError: no");
	expect_open_failure(noreply, 2, -CVM_E_PARSE, "without return");
}

static void
test_bounded_and_timeouts(void **state)
{
	static char huge[CVM_QMP_MAX_MESSAGE + 100];
	static struct step steps[] = {
		{NULL, GREETING},
		{"qmp_capabilities", OK},
		{"big", huge},
	};
	static const struct step slow[] = {{NULL, GREETING},
					   {"qmp_capabilities", OK},
					   {"wait", ""},
					   {"never", "x"}};
	static const struct step bad_reply[] = {{NULL, GREETING},
						{"qmp_capabilities", OK},
						{"x", "{\"return\": \x01}\n"}};
	struct fake f;
	struct cvm_qmp *q = NULL;
	struct cvm_err err = CVM_ERR_INIT;
	uint64_t t0;

	(void)state;
	memset(huge, ' ', sizeof(huge) - 1); /* one line, no newline */
	huge[0] = '{';
	fake_start(&f, steps, CVM_ARRAY_SIZE(steps));
	assert_int_equal(cvm_qmp_open_fd(f.client_fd, 5000, &q, &err), 0);
	assert_int_equal(cvm_qmp_execute(q, "big", NULL, NULL, &err),
			 -CVM_E_PARSE);
	assert_non_null(strstr(err.msg, "longer than"));
	cvm_qmp_close(q);
	pthread_join(f.thread, NULL); /* its write fails: we hung up */

	/* a server that stops answering: the deadline holds */
	fake_start(&f, slow, CVM_ARRAY_SIZE(slow));
	assert_int_equal(cvm_qmp_open_fd(f.client_fd, 5000, &q, &err), 0);
	cvm_qmp_set_timeout(q, 200);
	t0 = cvm_now_ns();
	assert_int_equal(cvm_qmp_execute(q, "wait", NULL, NULL, &err),
			 -ETIMEDOUT);
	assert_non_null(strstr(err.msg, "no reply within 200 ms"));
	assert_true(cvm_now_ns() - t0 < 3000000000ull);
	cvm_qmp_close(q);
	pthread_join(f.thread, NULL);

	fake_start(&f, bad_reply, CVM_ARRAY_SIZE(bad_reply));
	assert_int_equal(cvm_qmp_open_fd(f.client_fd, 2000, &q, &err), 0);
	assert_int_equal(cvm_qmp_execute(q, "x", NULL, NULL, &err),
			 -CVM_E_PARSE);
	cvm_qmp_close(q);
	fake_join(&f);
}

static void
test_event_queue_is_bounded(void **state)
{
	static struct step steps[] = {
		{NULL, GREETING}, {"qmp_capabilities", OK}, {"go", NULL}};
	struct cvm_buf events = CVM_BUF_INIT;
	struct fake f;
	struct cvm_qmp *q = NULL;
	struct cvm_err err = CVM_ERR_INIT;
	struct json_object *ev = NULL, *d, *n;
	size_t total = CVM_QMP_MAX_EVENTS + 44;

	(void)state;
	for (size_t i = 0; i < total; i++)
		cvm_buf_addf(&events,
			     "{\"event\": \"E\", \"data\": {\"n\": %zu}}\n", i);
	cvm_buf_adds(&events, OK);
	steps[2].reply = cvm_buf_str(&events);
	fake_start(&f, steps, CVM_ARRAY_SIZE(steps));
	assert_int_equal(cvm_qmp_open_fd(f.client_fd, 5000, &q, &err), 0);
	assert_int_equal(cvm_qmp_execute(q, "go", NULL, NULL, &err), 0);
	assert_int_equal(cvm_qmp_events_dropped(q), 44);
	assert_int_equal(cvm_qmp_next_event(q, 0, &ev, &err), 1);
	assert_true(json_object_object_get_ex(ev, "data", &d));
	assert_true(json_object_object_get_ex(d, "n", &n));
	assert_int_equal(json_object_get_int(n), 44);
	json_object_put(ev);
	/* waiting for an event that never comes times out with 0 */
	for (size_t i = 1; i < CVM_QMP_MAX_EVENTS; i++) {
		assert_int_equal(cvm_qmp_next_event(q, 0, &ev, &err), 1);
		json_object_put(ev);
	}
	cvm_qmp_close(q); /* with the server still connected */
	fake_join(&f);
	cvm_buf_release(&events);
}

static void
test_connect_errors(void **state)
{
	struct cvm_qmp *q = NULL;
	struct cvm_err err = CVM_ERR_INIT;
	char longpath[200];

	(void)state;
	assert_int_equal(cvm_qmp_connect("/nonexistent/qmp.sock", 50, &q, &err),
			 -ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent/qmp.sock"));
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(cvm_qmp_connect(longpath, 50, &q, &err),
			 -ENAMETOOLONG);
	assert_null(q);
}

/* Once for real: QEMU with no machine, its QMP on a unix socket. */
static void
test_real_qemu(void **state)
{
	char dir[] = "/tmp/cvm-test-qmp.XXXXXX";
	cleanup_free char *sock = NULL, *chardev = NULL;
	cleanup_free char *qemu = cvm_which(cvm_qemu_binary());
	struct cvm_qemu_proc p;
	struct cvm_qmp *q = NULL;
	struct cvm_err err = CVM_ERR_INIT;
	struct json_object *ret = NULL, *v, *w;
	unsigned maj, min, mic;
	int r;

	(void)state;
	if (!qemu)
		skip();
	assert_non_null(mkdtemp(dir));
	sock = cvm_xasprintf("%s/qmp.sock", dir);
	chardev = cvm_xasprintf("socket,id=qmp0,path=%s,server=on,wait=off",
				sock);
	{
		const char *argv[] = {qemu,	  "-machine",
				      "none",	  "-nodefaults",
				      "-display", "none",
				      "-chardev", chardev,
				      "-mon",	  "chardev=qmp0,mode=control",
				      NULL};

		assert_int_equal(cvm_qemu_start(argv, &p, &err), 0);
	}
	if (cvm_qmp_connect(sock, 10000, &q, &err) < 0) {
		cvm_qemu_reap(&p, true);
		fail_msg("%s", err.msg);
	}
	cvm_qmp_version(q, &maj, &min, &mic);
	assert_true(maj >= 7);
	assert_int_equal(cvm_qmp_execute(q, "query-version", NULL, &ret, &err),
			 0);
	assert_true(json_object_object_get_ex(ret, "qemu", &v));
	assert_true(json_object_object_get_ex(v, "major", &w));
	assert_int_equal((unsigned)json_object_get_int(w), maj);
	json_object_put(ret);
	assert_int_equal(cvm_qmp_execute(q, "query-status", NULL, &ret, &err),
			 0);
	json_object_put(ret);
	assert_int_equal(
		cvm_qmp_execute(q, "no-such-command", NULL, &ret, &err),
		-CVM_E_CHILD);
	assert_string_equal(cvm_qmp_error_class(q), "CommandNotFound");
	/* QEMU may exit before its reply to "quit" is read (seen under
	 * valgrind, `make check-valgrind`): the connection then just ends */
	r = cvm_qmp_execute(q, "quit", NULL, NULL, &err);
	if (r != 0 && r != -ECONNRESET)
		fail_msg("quit: %s", err.msg);
	cvm_qmp_close(q);
	assert_int_equal(cvm_qemu_reap(&p, false), 0);
	unlink(sock);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handshake_execute_events),
		cmocka_unit_test(test_bad_greetings),
		cmocka_unit_test(test_bounded_and_timeouts),
		cmocka_unit_test(test_event_queue_is_bounded),
		cmocka_unit_test(test_connect_errors),
		cmocka_unit_test(test_real_qemu),
	};

	signal(SIGPIPE, SIG_IGN); /* the fake server writes to closed peers */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
