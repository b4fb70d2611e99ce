/* SPDX-License-Identifier: MIT */
/*
 * Shared libraries loaded on first use.  Some libraries serve only a few
 * commands (libvirt: `cvm vm --backend libvirt`; libxml2: reading
 * libvirt's XML; libisofs: the cloud-init seed) but cost every process
 * that links them the loading of their own dependencies at start (ICU
 * and libstdc++ for libxml2): `cvm measure` would pay for `cvm vm`.
 *
 * A user of such a library lists the functions it calls in an X-macro,
 * keeps one pointer per function in a table, and describes the two to
 * cvm_dl_load() (see lib/virt/xml-dl.h for the pattern).  Sanitizer
 * builds link the libraries as usual (meson.build): the loader then
 * finds them already loaded.
 */
#ifndef CVM_DL_H
#define CVM_DL_H

#include <stdbool.h>
#include <stddef.h>

#include "cvm/err.h"

struct cvm_dl {
	const char *soname;	  /* "libxml2.so.2" */
	const char *package;	  /* the Debian package that ships it */
	const char *const *names; /* the symbols, n of them */
	void **const *slots;	  /* where each one goes */
	size_t n;
	/* the loader's own state, zero-initialised */
	bool tried;
	char error[200];
};

/*
 * Load dl->soname and every symbol into its slot, once per process
 * (thread-safe).  0, or -CVM_E_UNSUPPORTED naming the library, the
 * reason (dlerror, or the first missing symbol) and the package to
 * install; the same answer on every later call.  The library stays
 * loaded for the life of the process.
 */
int cvm_dl_load(struct cvm_dl *dl, struct cvm_err *err);

/*
 * The loader of one library, in its .c file:
 *
 *   #define CVM_DL_TABLE xml_dl       (the table of pointers)
 *   CVM_DL_DEFINE(XML_DL_FUNCS, "libxml2.so.2", "libxml2", xml_dl_load)
 *
 * defines `int xml_dl_load(struct cvm_err *)` filling xml_dl from the
 * X-macro list XML_DL_FUNCS.  POSIX: a function pointer is stored
 * through a void **.
 */
#define CVM_DL_NAME_(f) #f,
#define CVM_DL_SLOT_(f) (void **)&CVM_DL_TABLE.f,
#define CVM_DL_DEFINE(FUNCS, SONAME, PACKAGE, LOADER)                     \
	static const char *const cvm_dl_names_[] = {FUNCS(CVM_DL_NAME_)}; \
	static void **const cvm_dl_slots_[] = {FUNCS(CVM_DL_SLOT_)};      \
	static struct cvm_dl cvm_dl_lib_ = {                              \
		.soname = SONAME,                                         \
		.package = PACKAGE,                                       \
		.names = cvm_dl_names_,                                   \
		.slots = cvm_dl_slots_,                                   \
		.n = sizeof(cvm_dl_names_) / sizeof(cvm_dl_names_[0]),    \
	};                                                                \
	int LOADER(struct cvm_err *err)                                   \
	{                                                                 \
		return cvm_dl_load(&cvm_dl_lib_, err);                    \
	}

#endif
