/* SPDX-License-Identifier: MIT */
/*
 * Reading what libvirt says about the host and its domains: the <sev>
 * element of the domain capabilities (libvirt docs/formatdomaincaps.rst,
 * "SEV capabilities": supported='yes|no', cbitpos, reducedPhysBits,
 * maxGuests, maxESGuests), virNodeGetSEVInfo (libvirt-host.h VIR_NODE_SEV_*),
 * and the facts inspect needs from a domain definition.  XML is parsed
 * with libxml2 (the parser libvirt itself uses), never with string search.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "cvm/virt.h"
#include "virt-priv.h"
#include "xml-dl.h"

/* Policy bit 2 is ES (SEV API spec 55766, chapter 3). */
#define SEV_POLICY_ES (1u << 2)

static void
doc_freep(xmlDocPtr *d)
{
	if (*d)
		xmlFreeDoc(*d);
}
#define cleanup_doc CVM_CLEANUP(doc_freep)

static xmlDocPtr
parse(const char *xml, const char *what, struct cvm_err *err)
{
	xmlDocPtr doc;

	if (xml_dl_load(err) < 0)
		return NULL;
	doc = xmlReadMemory(xml, (int)strlen(xml), what, NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR |
				    XML_PARSE_NOWARNING);
	if (!doc || !xmlDocGetRootElement(doc)) {
		if (doc)
			xmlFreeDoc(doc);
		cvm_err_set(err, -CVM_E_PARSE, "%s from libvirt is not XML",
			    what);
		return NULL;
	}
	return doc;
}

static xmlNodePtr
child(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

/* An attribute value as a malloc'd C string (NULL when absent). */
static char *
prop(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s = v ? cvm_xstrdup((const char *)v) : NULL;

	xmlFree(v);
	return s;
}

/* The number in a child element's text; 0 when absent or not a number. */
static uint64_t
child_u64(xmlNodePtr n, const char *name)
{
	xmlNodePtr c = child(n, name);
	xmlChar *t;
	uint64_t v = 0;

	if (!c)
		return 0;
	t = xmlNodeGetContent(c);
	if (!t || cvm_parse_u64((const char *)t, &v) < 0)
		v = 0;
	xmlFree(t);
	return v;
}

static bool
has_cvm_metadata(xmlNodePtr meta)
{
	for (xmlNodePtr c = meta ? meta->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && c->ns && c->ns->href &&
		    strcmp((const char *)c->ns->href, CVM_VIRT_METADATA_NS) ==
			    0)
			return true;
	return false;
}

int
virt_domxml_facts(const char *xml, struct virt_domxml_facts *out,
		  struct cvm_err *err)
{
	cleanup_doc xmlDocPtr doc = parse(xml, "the domain definition", err);
	cleanup_free char *type = NULL;
	cleanup_free char *lstype = NULL;
	xmlNodePtr root, ls;

	if (!doc)
		return err ? err->code : -CVM_E_PARSE;
	memset(out, 0, sizeof(*out));
	root = xmlDocGetRootElement(doc);
	type = prop(root, "type");
	out->kvm = type && strcmp(type, "kvm") == 0;
	out->cvm = has_cvm_metadata(child(root, "metadata"));
	ls = child(root, "launchSecurity");
	if (!ls)
		return 0;
	lstype = prop(ls, "type");
	out->policy = child_u64(ls, "policy");
	if (lstype && strcmp(lstype, "sev") == 0)
		out->protection = out->policy & SEV_POLICY_ES ? CVM_PROT_SEV_ES
							      : CVM_PROT_SEV;
	else if (lstype && strcmp(lstype, "sev-snp") == 0)
		out->protection = CVM_PROT_SEV_SNP;
	return 0;
}

int
cvm_virt_domcaps_parse(const char *xml, struct cvm_virt_sev_caps *out,
		       struct cvm_err *err)
{
	cleanup_doc xmlDocPtr doc = parse(xml, "the domain capabilities", err);
	cleanup_free char *supported = NULL;
	xmlNodePtr sev;

	if (!doc)
		return err ? err->code : -CVM_E_PARSE;
	memset(out, 0, sizeof(*out));
	sev = child(child(xmlDocGetRootElement(doc), "features"), "sev");
	if (!sev) {
		snprintf(out->why, sizeof(out->why),
			 "this libvirt does not report SEV at all");
		return 0;
	}
	supported = prop(sev, "supported");
	out->supported = supported && strcmp(supported, "yes") == 0;
	if (!out->supported) {
		snprintf(out->why, sizeof(out->why),
			 "libvirt reports <sev supported='no'/>");
		return 0;
	}
	out->cbitpos = (unsigned)child_u64(sev, "cbitpos");
	out->reduced_phys_bits = (unsigned)child_u64(sev, "reducedPhysBits");
	out->max_guests = (unsigned)child_u64(sev, "maxGuests");
	out->max_es_guests = (unsigned)child_u64(sev, "maxESGuests");
	return 0;
}

int
cvm_virt_domcaps(struct cvm_virt_conn *c, const char *virttype,
		 struct cvm_virt_sev_caps *out, struct cvm_err *err)
{
	cleanup_free char *xml = NULL;

	xml = virConnectGetDomainCapabilities(virt_conn_ptr(c), NULL, "x86_64",
					      "q35",
					      virttype ? virttype : "kvm", 0);
	if (!xml)
		return virt_fail(err, "domain capabilities of '%s'",
				 cvm_virt_uri(c));
	return cvm_virt_domcaps_parse(xml, out, err);
}

int
cvm_virt_node_sev(struct cvm_virt_conn *c, struct cvm_virt_sev_caps *out,
		  struct cvm_err *err)
{
	virTypedParameterPtr params = NULL;
	virErrorPtr e;
	int n = 0;

	memset(out, 0, sizeof(*out));
	if (virNodeGetSEVInfo(virt_conn_ptr(c), &params, &n, 0) < 0) {
		e = virGetLastError();
		/* "Operation not supported: QEMU does not support SEV
		 * guest" (code 84) is an answer, not a failure */
		if (e && (e->code == VIR_ERR_OPERATION_UNSUPPORTED ||
			  e->code == VIR_ERR_NO_SUPPORT)) {
			snprintf(out->why, sizeof(out->why), "%s",
				 e->message ? e->message : "not supported");
			virResetLastError();
			return 0;
		}
		return virt_fail(err, "SEV information of '%s'",
				 cvm_virt_uri(c));
	}
	out->supported = true;
	virTypedParamsGetUInt(params, n, VIR_NODE_SEV_CBITPOS, &out->cbitpos);
	virTypedParamsGetUInt(params, n, VIR_NODE_SEV_REDUCED_PHYS_BITS,
			      &out->reduced_phys_bits);
	virTypedParamsGetUInt(params, n, VIR_NODE_SEV_MAX_GUESTS,
			      &out->max_guests);
	virTypedParamsGetUInt(params, n, VIR_NODE_SEV_MAX_ES_GUESTS,
			      &out->max_es_guests);
	virTypedParamsFree(params, n);
	return 0;
}
