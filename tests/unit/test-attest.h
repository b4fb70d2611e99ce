/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the tests/unit/test-attest*.c programs: paths into
 * ../shared/testdata/snp, whole-file reads, the fixed reference time and
 * the check lookup.  Header-only (each test is its own program).
 */
#ifndef CVM_TEST_ATTEST_H
#define CVM_TEST_ATTEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "cvm/attest.h"
#include "cvm/buf.h"
#include "cvm/util.h"

/* Every certificate in the test data is valid on this day. */
#define SNP_TEST_AT ((time_t)1756684800) /* 2025-09-01T00:00:00Z */

static inline char *
snp_path(const char *rel)
{
	return cvm_xasprintf("%s/testdata/snp/%s", CVM_SHARED_DIR, rel);
}

/* Read testdata/snp/<rel>; fails the test if it cannot. */
static inline uint8_t *
snp_read(const char *rel, size_t *len)
{
	struct cvm_buf b = CVM_BUF_INIT;
	struct cvm_err err = CVM_ERR_INIT;
	char *p = snp_path(rel);

	if (cvm_file_read(p, &b, 0, &err) < 0)
		fail_msg("%s", err.msg);
	free(p);
	return (uint8_t *)cvm_buf_detach(&b, len);
}

static inline struct json_object *
snp_expected(void)
{
	char *p = snp_path("expected.json");
	struct json_object *o = json_object_from_file(p);

	if (!o)
		fail_msg("cannot read '%s'", p);
	free(p);
	return o;
}

static inline const char *
jstr(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, k, &v) || !v)
		return NULL;
	return json_object_get_string(v);
}

/* The check `id` in `res`, or NULL. */
static inline const struct cvm_attest_check *
find_check(const struct cvm_attest_result *res, const char *id)
{
	for (size_t i = 0; i < res->nchecks; i++)
		if (strcmp(res->checks[i].id, id) == 0)
			return &res->checks[i];
	return NULL;
}

/* Assert check `id` has status `st` and its detail contains `text`. */
static inline void
assert_check(const struct cvm_attest_result *res, const char *id,
	     enum cvm_attest_check_status st, const char *text)
{
	const struct cvm_attest_check *c = find_check(res, id);

	if (!c)
		fail_msg("no check '%s'", id);
	if (c->status != st)
		fail_msg("check '%s' is %s, expected %s: %s", id,
			 cvm_attest_check_status_name(c->status),
			 cvm_attest_check_status_name(st), c->detail);
	if (text && !strstr(c->detail, text))
		fail_msg("check '%s' detail lacks '%s': %s", id, text,
			 c->detail);
}

/* A context with `vek` (role VEK) and the pool files, or NULL names. */
static inline struct cvm_attest_ctx *
snp_ctx(const char *vek, const char *pool)
{
	struct cvm_attest_ctx *ctx = cvm_attest_ctx_new();
	struct cvm_err err = CVM_ERR_INIT;
	char *p;

	if (vek) {
		p = snp_path(vek);
		if (cvm_attest_ctx_add_file(ctx, p, CVM_CERT_ROLE_VEK, &err))
			fail_msg("%s", err.msg);
		free(p);
	}
	if (pool) {
		p = snp_path(pool);
		if (cvm_attest_ctx_add_certs(ctx, p, &err))
			fail_msg("%s", err.msg);
		free(p);
	}
	return ctx;
}

/* Verify testdata/snp/<report> with `ctx`; fails the test on error. */
static inline struct cvm_attest_result *
snp_verify(struct cvm_attest_ctx *ctx, const char *report,
	   const struct cvm_attest_expect *exp)
{
	struct cvm_attest_result *res = cvm_xcalloc(1, sizeof(*res));
	struct cvm_err err = CVM_ERR_INIT;
	size_t len = 0;
	uint8_t *data = snp_read(report, &len);

	if (cvm_attest_verify(ctx, data, len, report, exp, res, &err) < 0)
		fail_msg("%s", err.msg);
	free(data);
	return res;
}

#endif
