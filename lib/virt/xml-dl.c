/* SPDX-License-Identifier: MIT */
/* libxml2 on first use (xml-dl.h). */
#include "cvm/dl.h"

#define XML_DL_NO_MACROS
#include "xml-dl.h"

struct xml_dl_table xml_dl;

#define XML_DL_NAME(f) #f,
static const char *const names[] = {XML_DL_FUNCS(XML_DL_NAME)};
#undef XML_DL_NAME

/* POSIX: a function pointer is stored through a void ** */
#define XML_DL_SLOT(f) (void **)&xml_dl.f,
static void **const slots[] = {XML_DL_FUNCS(XML_DL_SLOT)};
#undef XML_DL_SLOT

static struct cvm_dl lib = {
	.soname = XML_DL_SONAME,
	.package = "libxml2",
	.names = names,
	.slots = slots,
	.n = sizeof(names) / sizeof(names[0]),
};

int
xml_dl_load(struct cvm_err *err)
{
	return cvm_dl_load(&lib, err);
}
