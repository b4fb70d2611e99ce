/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the OCI config.json reader of cvm-oci (lib/oci/config.c;
 * opencontainers/runtime-spec config.md): a bundle comes from a user or
 * an image.  A config the reader accepts is then encoded into the spec
 * file the guest agent reads (NUL-separated records: a name, then a
 * fixed number of fields), and the harness decodes that file on its own
 * and requires the process arguments, environment, working directory
 * and hostname to come back unchanged: no field of config.json can
 * forge a record for the agent.  Seeds: the bundles the cvm-oci tests
 * write, and variations.
 */
#include <json-c/json.h>

#include "fuzz.h"

#include "cvm/oci.h"

/* Next NUL-terminated field of the spec file, or NULL at its end. */
static const char *
field(const struct cvm_buf *b, size_t *off)
{
	const char *s;

	if (*off >= b->len)
		return NULL;
	s = b->data + *off;
	*off += strnlen(s, b->len - *off) + 1;
	if (*off > b->len)
		fuzz_fail("spec file field not terminated");
	return s;
}

static void
check_encoding(const struct cvm_oci_spec *s)
{
	static const struct {
		const char *name;
		int n;
	} arity[] = {{"cvm-spec", 1}, {"mode", 1},    {"arg", 1},
		     {"env", 1},      {"cwd", 1},     {"user", 2},
		     {"group", 1},    {"umask", 1},   {"hostname", 1},
		     {"terminal", 0}, {"console", 2}, {"rootro", 0},
		     {"mount", 4},    {"devices", 0}};
	struct cvm_buf b = CVM_BUF_INIT;
	size_t off = 0, nargs = 0, nenv = 0;
	const char *name, *v;
	bool cwd = false, host = false;

	cvm_oci_spec_encode(s, &b);
	while ((name = field(&b, &off))) {
		int n = -1;

		for (size_t i = 0; i < sizeof(arity) / sizeof(arity[0]); i++)
			if (!strcmp(name, arity[i].name))
				n = arity[i].n;
		if (n < 0)
			fuzz_fail("unknown record '%s' in the spec file", name);
		v = n ? field(&b, &off) : NULL;
		if (n && !v)
			fuzz_fail("record '%s' cut short", name);
		for (int i = 1; i < n; i++)
			if (!field(&b, &off))
				fuzz_fail("record '%s' cut short", name);
		if (!strcmp(name, "arg") &&
		    (nargs >= s->nargs || strcmp(v, s->args[nargs++])))
			fuzz_fail("argument %zu changed on the way", nargs);
		if (!strcmp(name, "env") &&
		    (nenv >= s->nenv || strcmp(v, s->env[nenv++])))
			fuzz_fail("environment entry %zu changed", nenv);
		if (!strcmp(name, "cwd")) {
			if (cwd || strcmp(v, s->cwd))
				fuzz_fail("cwd changed or repeated");
			cwd = true;
		}
		if (!strcmp(name, "hostname")) {
			if (host || !s->hostname || strcmp(v, s->hostname))
				fuzz_fail("hostname changed or repeated");
			host = true;
		}
	}
	if (nargs != s->nargs || nenv != s->nenv || !cwd)
		fuzz_fail("spec file lost arguments or environment");
	cvm_buf_release(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cvm_oci_spec *s = NULL;
	struct cvm_err err = CVM_ERR_INIT;
	char *text = fuzz_cstr(data, size);
	int r;

	r = cvm_oci_spec_parse(text, "/bundle", &s, &err);
	fuzz_check_err(r, &err, "cvm_oci_spec_parse");
	if (r == 0) {
		if (!s->args || s->nargs < 1 || !s->args[0])
			fuzz_fail("accepted a config without process.args");
		if (!s->root_path || s->root_path[0] != '/')
			fuzz_fail("root path '%s' is not absolute",
				  s->root_path ? s->root_path : "(null)");
		(void)cvm_oci_spec_annotation(s, "io.cvm.protection");
		check_encoding(s);
		cvm_oci_spec_free(s);
	}
	free(text);
	return 0;
}
