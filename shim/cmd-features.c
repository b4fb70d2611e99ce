/* SPDX-License-Identifier: MIT */
/*
 * `cvm-oci features`: what this runtime implements, in the shape of
 * runc's `features` (runtime-spec features.md): OCI versions, hooks,
 * mount options, the annotations it reads, and the protection levels
 * with whether this host can launch them now.
 */
#include <stdio.h>

#include <json-c/json.h>

#include "cvm/oci.h"
#include "oci-cmd.h"

static struct json_object *
strings(const char *const *v)
{
	struct json_object *a = json_object_new_array();

	for (; *v; v++)
		json_object_array_add(a, json_object_new_string(*v));
	return a;
}

static int
features_cmd(struct oci_ctx *ctx, int argc, char **argv)
{
	static const char *const hooks[] = {"prestart", "createRuntime",
					    "poststart", "poststop", NULL};
	static const char *const mopts[] = {
		"async",      "atime",	  "bind",   "dev",	  "diratime",
		"dirsync",    "exec",	  "mand",   "noatime",	  "nodev",
		"nodiratime", "noexec",	  "nomand", "norelatime", "nosuid",
		"rbind",      "relatime", "ro",	    "rw",	  "strictatime",
		"suid",	      "sync",	  NULL};
	static const char *const ns[] = {"mount", "network", "uts",    "pid",
					 "ipc",	  "user",    "cgroup", NULL};
	struct json_object *o = json_object_new_object(), *l, *an;
	char *pos[1];
	int npos, r;

	(void)ctx;
	if ((r = oci_opts(&verb_features, NULL, argc, argv, pos, 0, &npos)) !=
	    0)
		return r;
	json_object_object_add(o, "ociVersionMin",
			       json_object_new_string("1.0.0"));
	json_object_object_add(o, "ociVersionMax",
			       json_object_new_string(CVM_OCI_SPEC_VERSION));
	json_object_object_add(o, "hooks", strings(hooks));
	json_object_object_add(o, "mountOptions", strings(mopts));
	l = json_object_new_object();
	/* every namespace is implied: each container is its own VM */
	json_object_object_add(l, "namespaces", strings(ns));
	json_object_object_add(o, "linux", l);
	an = json_object_new_object();
	json_object_object_add(an, CVM_OCI_ANNOTATION,
			       json_object_new_string("none|sev|sev-es|"
						      "sev-snp|auto"));
	json_object_object_add(o, "annotations", an);
	oci_print_json(o);
	return 0;
}

const struct oci_verb verb_features = {
	.name = "features",
	.summary = "print the features this runtime implements (JSON)",
	.usage = "features",
	.run = features_cmd,
};
