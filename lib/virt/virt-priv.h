/* SPDX-License-Identifier: MIT */
/*
 * Internals of lib/virt shared between its files and the unit tests:
 * the small escaping XML writer, the libvirt error conversion and the
 * parsers for the XML libvirt gives back.
 */
#ifndef CVM_VIRT_PRIV_H
#define CVM_VIRT_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <libvirt/libvirt.h>

#include "cvm/buf.h"
#include "cvm/err.h"
#include "cvm/virt.h"

/* ------------------------------------------------------------------ */
/* XML writer: one element per line, two-space indent, attributes in
 * single quotes (libvirt's own layout).  Every text and attribute value
 * is escaped; a value with a control character (other than tab) or
 * invalid UTF-8 is refused, because XML 1.0 cannot carry it. */

#define XMLW_MAX_DEPTH 16

struct xmlw {
	struct cvm_buf *out;
	const char *stack[XMLW_MAX_DEPTH];
	unsigned depth;
	bool in_start;	 /* "<name attrs" written, '>' still pending */
	const char *bad; /* element or attribute of the first refusal */
	bool bad_is_attr;
};

void xmlw_init(struct xmlw *w, struct cvm_buf *out);
/* <name ...: attributes may follow until the next call. */
void xmlw_open(struct xmlw *w, const char *name);
void xmlw_attr(struct xmlw *w, const char *name, const char *value);
void xmlw_attrf(struct xmlw *w, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Close the innermost element ("/>" when it has no content). */
void xmlw_close(struct xmlw *w);
/* Give the just-opened element `text` as content and close it. */
void xmlw_text_close(struct xmlw *w, const char *text);
void xmlw_text_closef(struct xmlw *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* <name>text</name> */
void xmlw_leaf(struct xmlw *w, const char *name, const char *text);
void xmlw_leaff(struct xmlw *w, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* <name/> */
void xmlw_empty(struct xmlw *w, const char *name);
/* 0, or -EINVAL naming the first refused value. */
int xmlw_finish(struct xmlw *w, struct cvm_err *err);

/* True if `s` can be XML text: valid UTF-8, no control characters
 * other than tab. */
bool xmlw_text_ok(const char *s);

/* ------------------------------------------------------------------ */
/* Domain XML: checks of the spec (domcheck.c) */

/* Every rule the spec must meet for `version`; -EINVAL or
 * -CVM_E_UNSUPPORTED with the reason. */
int domxml_check(const struct cvm_vmspec *s, unsigned long version,
		 struct cvm_err *err);

/* `name` if it can be printed in a one-line message, else a stand-in. */
const char *domxml_msg_name(const char *name);

/* ------------------------------------------------------------------ */
/* libvirt errors */

/*
 * Fill `err` from libvirt's last error (virGetLastError) as
 * "<what>: <libvirt message> (libvirt error N)[: <cvm explanation>]" and
 * return the cvm code (see cvm_virt_explain()).
 */
int virt_fail(struct cvm_err *err, const char *what, ...)
	__attribute__((format(printf, 2, 3)));
/* The same from an explicit code and message (used by tests). */
int virt_fail_with(struct cvm_err *err, int vir_code, const char *vir_msg,
		   const char *what);

/* ------------------------------------------------------------------ */
/* Connections (conn.c) */

virConnectPtr virt_conn_ptr(struct cvm_virt_conn *c);
/* Look a domain up by name; -ENOENT (explained) when it does not exist. */
int virt_lookup(struct cvm_virt_conn *c, const char *name, virDomainPtr *out,
		struct cvm_err *err);
void virt_dom_freep(virDomainPtr *d);
#define cleanup_dom CVM_CLEANUP(virt_dom_freep)

/* ------------------------------------------------------------------ */
/* Reading libvirt's XML */

/*
 * From a domain definition: the protection (from <launchSecurity> and
 * its policy's ES bit), the policy, the domain type and whether it
 * carries cvm's metadata.
 */
struct virt_domxml_facts {
	enum cvm_protection protection;
	uint64_t policy;
	bool kvm;
	bool cvm;
};
int virt_domxml_facts(const char *xml, struct virt_domxml_facts *out,
		      struct cvm_err *err);

/* libvirt's functions, through the table loaded on first use */
#include "virt-dl.h"

#endif
