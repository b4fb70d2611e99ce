/* SPDX-License-Identifier: MIT */
/* `cvm version`: print the version of cvm and the libraries it uses. */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "cmd.h"
#include "cvm/version.h"
#include "out.h"

static int
version_run(int argc, char **argv)
{
	if (argc > 2 || (argc == 2 && strcmp(argv[1], "--json") != 0))
		return cli_usage("cvm version", "unexpected argument '%s'",
				 argv[1]);
	if (argc == 2) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "cvm",
				       json_object_new_string(CVM_VERSION));
		json_object_object_add(o, "openssl",
				       json_object_new_string(OpenSSL_version(
					       OPENSSL_VERSION)));
		json_object_object_add(
			o, "json-c", json_object_new_string(json_c_version()));
		out_json(o);
		return 0;
	}
	printf("cvm %s\n%s\njson-c %s\n", CVM_VERSION,
	       OpenSSL_version(OPENSSL_VERSION), json_c_version());
	return 0;
}

const struct cvm_cmd cmd_version = {
	.name = "version",
	.summary = "print the version of cvm and its libraries",
	.usage = "cvm version [--json]",
	.help = "options:\n  --json   machine-readable output\n",
	.run = version_run,
};
