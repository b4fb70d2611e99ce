/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the libvirt layer's XML handling (lib/virt): the domain
 * capabilities parser (a remote libvirtd answers it), the domain XML
 * reader, libvirt version text, the error explainer, and the escaping
 * XML writer that puts VM names, paths and command lines into domain
 * XML.  The writer's promise is checked by reading its output back with
 * libxml2: a value it accepts comes back byte for byte (no markup
 * injection), a value it refuses is one XML cannot carry.  Input: a
 * selector byte, then NUL-separated strings.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "fuzz.h"

#include "../../lib/virt/virt-priv.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xmlInitParser();
	return 0;
}

static void
readers(uint8_t sel, const char *text)
{
	struct cvm_virt_sev_caps caps;
	struct virt_domxml_facts facts;
	struct cvm_err err = CVM_ERR_INIT;
	int r;

	if (sel & 1) {
		memset(&caps, 0, sizeof(caps));
		r = cvm_virt_domcaps_parse(text, &caps, &err);
		fuzz_check_err(r, &err, "cvm_virt_domcaps_parse");
		if (strnlen(caps.why, sizeof(caps.why)) == sizeof(caps.why))
			fuzz_fail("why not terminated");
	} else {
		r = virt_domxml_facts(text, &facts, &err);
		fuzz_check_err(r, &err, "virt_domxml_facts");
	}
}

/* <domain name='A'><title>B</title></domain> through the writer and back. */
static void
writer(const char *a, const char *b)
{
	struct cvm_buf out = CVM_BUF_INIT;
	struct cvm_err err = CVM_ERR_INIT;
	struct xmlw w;
	xmlDocPtr doc;
	xmlNodePtr root, title;
	xmlChar *name, *text;
	int r;

	xmlw_init(&w, &out);
	xmlw_open(&w, "domain");
	xmlw_attr(&w, "name", a);
	xmlw_leaf(&w, "title", b);
	xmlw_close(&w);
	r = xmlw_finish(&w, &err);
	fuzz_check_err(r, &err, "xmlw_finish");
	if (r < 0) {
		if (xmlw_text_ok(a) && xmlw_text_ok(b))
			fuzz_fail("refused text that xmlw_text_ok() accepts");
		cvm_buf_release(&out);
		return;
	}
	doc = xmlReadMemory(out.data, (int)out.len, "fuzz.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR |
				    XML_PARSE_NOWARNING);
	if (!doc)
		fuzz_fail("writer output is not XML: %s", out.data);
	root = xmlDocGetRootElement(doc);
	title = root ? root->children : NULL;
	while (title && title->type != XML_ELEMENT_NODE)
		title = title->next;
	name = root ? xmlGetProp(root, (const xmlChar *)"name") : NULL;
	text = title ? xmlNodeGetContent(title) : NULL;
	if (!name || strcmp((const char *)name, a) != 0)
		fuzz_fail("attribute '%s' came back as '%s'", a,
			  name ? (const char *)name : "(none)");
	if (!text || strcmp((const char *)text, b) != 0)
		fuzz_fail("text '%s' came back as '%s'", b,
			  text ? (const char *)text : "(none)");
	xmlFree(name);
	xmlFree(text);
	xmlFreeDoc(doc);
	cvm_buf_release(&out);
}

static void
small(const char *a)
{
	unsigned long v;
	char buf[64];
	int code = 0;

	if (cvm_virt_version_parse(a, &v) == 0) {
		cvm_virt_version_format(v, buf, sizeof(buf));
		if (strnlen(buf, sizeof(buf)) == sizeof(buf))
			fuzz_fail("version text not terminated");
	}
	(void)cvm_virt_explain((int)strlen(a), a, &code);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	uint8_t sel = fuzz_u8(&in);
	char *a, *b;

	switch (sel % 3) {
	case 0:
		a = fuzz_cstr(in.p, in.n);
		readers(sel >> 2, a);
		free(a);
		break;
	case 1:
		a = fuzz_str(&in);
		b = fuzz_str(&in);
		writer(a, b);
		free(a);
		free(b);
		break;
	default:
		a = fuzz_cstr(in.p, in.n);
		small(a);
		free(a);
		break;
	}
	return 0;
}
