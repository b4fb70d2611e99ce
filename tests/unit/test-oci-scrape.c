/* SPDX-License-Identifier: MIT */
/*
 * lib/oci: the memory search of `cvm demo scrape` (scrape.c): hits in a
 * file, across the 4 MiB chunk boundary, counted once each; and in the
 * live memory of another process, where a string built after the fork
 * must not be found.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cvm/cleanup.h"
#include "cvm/oci.h"
#include "cvm/util.h"

#define CHUNK (4u << 20)

static char path[] = "/tmp/cvm-oci-scrape-XXXXXX";

static void
test_file_hits(void **state)
{
	const char *needles[] = {"SEV-TOP-secret-0123", "not-there",
				 "secret-0123"};
	uint64_t hits[3] = {0, 0, 0}, bytes = 0;
	size_t len = CHUNK + 4096;
	char *buf = calloc(1, len);
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	/* one at the start, one across the chunk boundary, one at the end */
	memcpy(buf, needles[0], strlen(needles[0]));
	memcpy(buf + CHUNK - 5, needles[0], strlen(needles[0]));
	memcpy(buf + len - strlen(needles[0]), needles[0], strlen(needles[0]));
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
	assert_int_equal(cvm_scrape_file(path, needles, 3, hits, &bytes, NULL),
			 0);
	assert_int_equal(hits[0], 3);
	assert_int_equal(hits[1], 0);
	assert_int_equal(hits[2], 3); /* inside the longer needle's hits */
	assert_int_equal(bytes, len);
	unlink(path);
	free(buf);
}

static void
test_file_missing(void **state)
{
	const char *needles[] = {"x"};
	uint64_t hits[1] = {0}, bytes = 0;
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	assert_int_equal(cvm_scrape_file("/nonexistent/dump", needles, 1, hits,
					 &bytes, &err),
			 -ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent/dump"));
}

/* A shell assembles its secret at run time (its script holds only the
 * pieces); a string built here after the exec must not be found.  A
 * fresh program, so that a sanitizer's shadow mappings in this process
 * play no part. */
static void
test_process_memory(void **state)
{
	char secret[64], control[64], c;
	const char *needles[2] = {secret, control};
	uint64_t hits[2] = {0, 0}, bytes = 0;
	int in[2], out[2];
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(out), 0);
	pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		execl("/bin/sh", "sh", "-c",
		      "a=dlrow; b=terces; S=\"x-${b}-${a}-y\"; echo r; read l",
		      (char *)NULL);
		_exit(127);
	}
	assert_int_equal(read(out[0], &c, 1), 1);
	snprintf(secret, sizeof(secret), "x-%s-%s-y", "terces", "dlrow");
	snprintf(control, sizeof(control), "control-%d-%llu", (int)getpid(),
		 (unsigned long long)cvm_now_ns());
	assert_int_equal(cvm_scrape_pid(pid, needles, 2, hits, &bytes, NULL),
			 0);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	assert_true(hits[0] >= 1);
	assert_int_equal(hits[1], 0);
	assert_true(bytes > 4096);
	close(in[0]);
	close(in[1]);
	close(out[0]);
	close(out[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_hits),
		cmocka_unit_test(test_file_missing),
		cmocka_unit_test(test_process_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
