/* SPDX-License-Identifier: MIT */
/*
 * The runtime's log, as runc writes it (logrus): with --log-format json
 * one object per line, {"level":"error","msg":"...","time":"..."}, which
 * containerd's shim reads back to report "OCI runtime create failed:
 * <msg>"; otherwise logrus' text form, time="..." level=... msg="...".
 * Without --log, warnings and errors go to stderr.  Errors are also
 * printed on stderr, as runc does.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cvm/oci.h"
#include "oci-cmd.h"

static const struct oci_ctx *log_ctx;

static const char *
level_name(enum cvm_log_level l)
{
	static const char *const n[] = {"error", "warning", "info", "debug"};

	return l <= CVM_LOG_DEBUG ? n[l] : "info";
}

static void
write_line(const char *path, const char *line)
{
	/* O_NONBLOCK: a FIFO nobody reads must not hang the runtime */
	int fd = open(path,
		      O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK,
		      0644);

	if (fd < 0)
		return;
	if (write(fd, line, strlen(line)) < 0)
		(void)0; /* nowhere left to report it */
	close(fd);
}

static void
log_cb(void *opaque, enum cvm_log_level level, const char *msg)
{
	char now[64];

	(void)opaque;
	if (!log_ctx || (level == CVM_LOG_DEBUG && !log_ctx->debug))
		return;
	if (!log_ctx->log_path) {
		if (level <= CVM_LOG_WARN && level != CVM_LOG_ERROR)
			fprintf(stderr, "cvm-oci: warning: %s\n", msg);
		return;
	}
	cvm_oci_now_rfc3339(now, sizeof(now));
	if (log_ctx->log_json) {
		struct json_object *o = json_object_new_object();
		char *line;

		json_object_object_add(
			o, "level", json_object_new_string(level_name(level)));
		json_object_object_add(o, "msg", json_object_new_string(msg));
		json_object_object_add(o, "time", json_object_new_string(now));
		line = cvm_xasprintf(
			"%s\n",
			json_object_to_json_string_ext(
				o, JSON_C_TO_STRING_PLAIN |
					   JSON_C_TO_STRING_NOSLASHESCAPE));
		write_line(log_ctx->log_path, line);
		free(line);
		json_object_put(o);
	} else {
		struct json_object *q = json_object_new_string(msg);
		char *line = cvm_xasprintf(
			"time=\"%s\" level=%s msg=%s\n", now, level_name(level),
			json_object_to_json_string_ext(
				q, JSON_C_TO_STRING_PLAIN |
					   JSON_C_TO_STRING_NOSLASHESCAPE));

		write_line(log_ctx->log_path, line);
		free(line);
		json_object_put(q);
	}
}

void
oci_log_init(const struct oci_ctx *ctx)
{
	log_ctx = ctx;
	cvm_log_set(log_cb, NULL);
}

void
oci_log(enum cvm_log_level level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_cb(NULL, level, msg);
}

int
oci_fail(const struct cvm_err *err)
{
	oci_log(CVM_LOG_ERROR, "%s", err->msg);
	fprintf(stderr, "cvm-oci: error: %s\n", err->msg);
	return cvm_err_exit_status(err->code);
}

int
oci_failf(int code, const char *fmt, ...)
{
	struct cvm_err err = CVM_ERR_INIT;
	va_list ap;

	va_start(ap, fmt);
	cvm_err_vset(&err, code, fmt, ap);
	va_end(ap);
	return oci_fail(&err);
}

void
oci_print_json(struct json_object *obj)
{
	printf("%s\n",
	       json_object_to_json_string_ext(
		       obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
				    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(obj);
}
