/* SPDX-License-Identifier: MIT */
/*
 * libxml2, loaded when cvm first reads libvirt's XML (cvm/dl.h says
 * why: linked, it brings ICU and libstdc++ into every cvm process).
 * Every libxml2 name caps.c uses is a pointer in `xml_dl`; the macros
 * turn the usual calls into calls through them.  xmlFree is a variable
 * in libxml2 (a function pointer): its slot holds the variable's
 * address, so the same macro shape reads it.  Include after the libxml2
 * headers; a name caps.c starts to use must be added to XML_DL_FUNCS.
 */
#ifndef CVM_VIRT_XML_DL_H
#define CVM_VIRT_XML_DL_H

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "cvm/err.h"

#define XML_DL_SONAME "libxml2.so.2"

#define XML_DL_FUNCS(X)         \
	X(xmlDocGetRootElement) \
	X(xmlFree)              \
	X(xmlFreeDoc)           \
	X(xmlGetProp)           \
	X(xmlNodeGetContent)    \
	X(xmlReadMemory)

struct xml_dl_table {
#define XML_DL_FIELD(f) __typeof__(f) *f;
	XML_DL_FUNCS(XML_DL_FIELD)
#undef XML_DL_FIELD
};

extern struct xml_dl_table xml_dl;

/* Load libxml2 (once per process); -CVM_E_UNSUPPORTED when it cannot. */
int xml_dl_load(struct cvm_err *err);

#ifndef XML_DL_NO_MACROS
#define xmlDocGetRootElement (*xml_dl.xmlDocGetRootElement)
#define xmlFree		     (*xml_dl.xmlFree)
#define xmlFreeDoc	     (*xml_dl.xmlFreeDoc)
#define xmlGetProp	     (*xml_dl.xmlGetProp)
#define xmlNodeGetContent    (*xml_dl.xmlNodeGetContent)
#define xmlReadMemory	     (*xml_dl.xmlReadMemory)
#endif

#endif
