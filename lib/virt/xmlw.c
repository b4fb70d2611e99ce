/* SPDX-License-Identifier: MIT */
/*
 * A small escaping XML writer for domain XML (see virt-priv.h).  Values
 * from the user (names, paths, the kernel command line) only ever reach
 * the output through the escaping below (XML 1.0 section 2.4 for text,
 * 3.3.3 for attribute values in single quotes).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cvm/cleanup.h"
#include "virt-priv.h"

void
xmlw_init(struct xmlw *w, struct cvm_buf *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
}

/* Length of the UTF-8 sequence at `p`, or 0 if it is not valid UTF-8
 * (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF). */
static size_t
utf8_seq(const unsigned char *p)
{
	unsigned c = p[0], n, min, cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, min = 0x80, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, min = 0x800, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, min = 0x10000, cp = c & 0x07;
	else
		return 0;
	for (unsigned i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

bool
xmlw_text_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (*p) {
		/* XML 1.0 Char production: no C0 controls but tab, CR, LF;
		 * we refuse CR and LF too (attribute-value normalisation
		 * would turn them into spaces behind the user's back). */
		if (*p < 0x20 && *p != '\t')
			return false;
		n = utf8_seq(p);
		if (!n)
			return false;
		p += n;
	}
	return true;
}

static void
put_escaped(struct xmlw *w, const char *s, bool attr)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			cvm_buf_adds(w->out, "&amp;");
			break;
		case '<':
			cvm_buf_adds(w->out, "&lt;");
			break;
		case '>':
			cvm_buf_adds(w->out, "&gt;");
			break;
		case '\'':
			cvm_buf_adds(w->out, attr ? "&apos;" : "'");
			break;
		case '"':
			cvm_buf_adds(w->out, attr ? "&quot;" : "\"");
			break;
		case '\t':
			/* XML 1.0 §3.3.3: a parser turns a literal tab in an
			 * attribute value into a space; a reference survives */
			cvm_buf_adds(w->out, attr ? "&#9;" : "\t");
			break;
		default:
			cvm_buf_addch(w->out, *s);
		}
	}
}

static void
refuse(struct xmlw *w, const char *what, bool is_attr)
{
	if (!w->bad) {
		w->bad = what;
		w->bad_is_attr = is_attr;
	}
}

static void
indent(struct xmlw *w)
{
	for (unsigned i = 0; i < w->depth; i++)
		cvm_buf_adds(w->out, "  ");
}

/* Finish a pending start tag because content follows. */
static void
end_start_tag(struct xmlw *w)
{
	if (w->in_start) {
		cvm_buf_adds(w->out, ">\n");
		w->in_start = false;
	}
}

void
xmlw_open(struct xmlw *w, const char *name)
{
	if (w->depth >= XMLW_MAX_DEPTH)
		CVM_BUG("xmlw: elements nested too deeply");
	end_start_tag(w);
	indent(w);
	cvm_buf_addch(w->out, '<');
	cvm_buf_adds(w->out, name);
	w->stack[w->depth++] = name;
	w->in_start = true;
}

void
xmlw_attr(struct xmlw *w, const char *name, const char *value)
{
	if (!w->in_start)
		CVM_BUG("xmlw: attribute outside a start tag");
	if (!xmlw_text_ok(value)) {
		refuse(w, name, true);
		value = "";
	}
	cvm_buf_addf(w->out, " %s='", name);
	put_escaped(w, value, true);
	cvm_buf_addch(w->out, '\'');
}

void
xmlw_attrf(struct xmlw *w, const char *name, const char *fmt, ...)
{
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	cvm_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	xmlw_attr(w, name, cvm_buf_str(&b));
}

void
xmlw_close(struct xmlw *w)
{
	const char *name;

	if (!w->depth)
		CVM_BUG("xmlw: close without open");
	name = w->stack[--w->depth];
	if (w->in_start) {
		cvm_buf_adds(w->out, "/>\n");
		w->in_start = false;
		return;
	}
	indent(w);
	cvm_buf_addf(w->out, "</%s>\n", name);
}

void
xmlw_text_close(struct xmlw *w, const char *text)
{
	const char *name;

	if (!w->in_start)
		CVM_BUG("xmlw: text outside a just-opened element");
	name = w->stack[--w->depth];
	if (!xmlw_text_ok(text)) {
		refuse(w, name, false);
		text = "";
	}
	cvm_buf_addch(w->out, '>');
	put_escaped(w, text, false);
	cvm_buf_addf(w->out, "</%s>\n", name);
	w->in_start = false;
}

void
xmlw_text_closef(struct xmlw *w, const char *fmt, ...)
{
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	cvm_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	xmlw_text_close(w, cvm_buf_str(&b));
}

void
xmlw_leaf(struct xmlw *w, const char *name, const char *text)
{
	xmlw_open(w, name);
	xmlw_text_close(w, text);
}

void
xmlw_leaff(struct xmlw *w, const char *name, const char *fmt, ...)
{
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	cvm_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	xmlw_leaf(w, name, cvm_buf_str(&b));
}

void
xmlw_empty(struct xmlw *w, const char *name)
{
	xmlw_open(w, name);
	xmlw_close(w);
}

int
xmlw_finish(struct xmlw *w, struct cvm_err *err)
{
	if (w->depth)
		CVM_BUG("xmlw: unclosed element");
	if (w->bad)
		return cvm_err_set(err, -EINVAL,
				   "%s '%s' holds a control character or "
				   "invalid UTF-8, which XML cannot carry",
				   w->bad_is_attr ? "attribute" : "element",
				   w->bad);
	return 0;
}
