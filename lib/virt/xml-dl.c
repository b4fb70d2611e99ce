/* SPDX-License-Identifier: MIT */
/* libxml2 on first use (xml-dl.h). */
#include "cvm/dl.h"

#define XML_DL_NO_MACROS
#include "xml-dl.h"

struct xml_dl_table xml_dl;

#define CVM_DL_TABLE xml_dl
CVM_DL_DEFINE(XML_DL_FUNCS, XML_DL_SONAME, "libxml2", xml_dl_load)
