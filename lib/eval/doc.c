/* SPDX-License-Identifier: MIT */
/*
 * One report, two formats: every call appends the same content to a
 * Markdown buffer and to a self-contained HTML buffer (no external
 * files: the plots go in as data: URIs).  See eval-priv.h.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "eval-priv.h"

static const char style[] =
	"body{font-family:sans-serif;max-width:72em;margin:1em auto;"
	"padding:0 1em;color:#222}"
	"table{border-collapse:collapse;margin:0.5em 0 1em}"
	"th,td{border:1px solid #bbb;padding:0.2em 0.5em;text-align:left}"
	"th{background:#eee}td.n{text-align:right}"
	"p.strong{background:#fff3cd;border:1px solid #e0c36a;"
	"padding:0.5em;font-weight:bold}"
	"img{max-width:100%;border:1px solid #ddd}"
	"pre{background:#f6f6f6;padding:0.5em;overflow-x:auto}";

static void
html_esc(struct cvm_buf *b, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<':
			cvm_buf_adds(b, "&lt;");
			break;
		case '>':
			cvm_buf_adds(b, "&gt;");
			break;
		case '&':
			cvm_buf_adds(b, "&amp;");
			break;
		case '"':
			cvm_buf_adds(b, "&quot;");
			break;
		default:
			cvm_buf_addch(b, *s);
		}
}

/* Markdown table cells: a '|' would end the cell, a newline the row */
static void
md_cell(struct cvm_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			cvm_buf_adds(b, "\\|");
		else
			cvm_buf_addch(b, *s == '\n' ? ' ' : *s);
	}
}

void
eval_doc_init(struct eval_doc *d, const char *title)
{
	memset(d, 0, sizeof(*d));
	cvm_buf_adds(&d->html, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
			       "<meta charset=\"utf-8\">\n<title>");
	html_esc(&d->html, title);
	cvm_buf_addf(&d->html, "</title>\n<style>%s</style>\n</head>\n<body>\n",
		     style);
}

void
eval_doc_heading(struct eval_doc *d, int level, const char *text)
{
	for (int i = 0; i < level; i++)
		cvm_buf_addch(&d->md, '#');
	cvm_buf_addf(&d->md, " %s\n\n", text);
	cvm_buf_addf(&d->html, "<h%d>", level);
	html_esc(&d->html, text);
	cvm_buf_addf(&d->html, "</h%d>\n", level);
}

void
eval_doc_para(struct eval_doc *d, const char *text)
{
	cvm_buf_addf(&d->md, "%s\n\n", text);
	cvm_buf_adds(&d->html, "<p>");
	html_esc(&d->html, text);
	cvm_buf_adds(&d->html, "</p>\n");
}

void
eval_doc_strong(struct eval_doc *d, const char *text)
{
	cvm_buf_addf(&d->md, "**%s**\n\n", text);
	cvm_buf_adds(&d->html, "<p class=\"strong\">");
	html_esc(&d->html, text);
	cvm_buf_adds(&d->html, "</p>\n");
}

void
eval_doc_list(struct eval_doc *d, const char *const *items, size_t n)
{
	cvm_buf_adds(&d->html, "<ul>\n");
	for (size_t i = 0; i < n; i++) {
		cvm_buf_addf(&d->md, "- %s\n", items[i]);
		cvm_buf_adds(&d->html, "<li>");
		html_esc(&d->html, items[i]);
		cvm_buf_adds(&d->html, "</li>\n");
	}
	cvm_buf_adds(&d->md, "\n");
	cvm_buf_adds(&d->html, "</ul>\n");
}

/* A cell such as "12.3", "-4", "12.3 [11.9, 12.8]" or "2 (0)": digits
 * and number punctuation only, right-aligned in HTML. */
static bool
numeric(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (*s < '0' || *s > '9')
		return false;
	return strspn(s, "0123456789.e+-[], ()") == strlen(s);
}

void
eval_doc_table(struct eval_doc *d, size_t ncols, const char *const *header,
	       const char *const *cells, size_t nrows)
{
	cvm_buf_adds(&d->html, "<table>\n<tr>");
	for (size_t c = 0; c < ncols; c++) {
		cvm_buf_adds(&d->md, "| ");
		md_cell(&d->md, header[c]);
		cvm_buf_adds(&d->md, " ");
		cvm_buf_adds(&d->html, "<th>");
		html_esc(&d->html, header[c]);
		cvm_buf_adds(&d->html, "</th>");
	}
	cvm_buf_adds(&d->md, "|\n");
	cvm_buf_adds(&d->html, "</tr>\n");
	for (size_t c = 0; c < ncols; c++)
		cvm_buf_adds(&d->md, "|---");
	cvm_buf_adds(&d->md, "|\n");
	for (size_t r = 0; r < nrows; r++) {
		cvm_buf_adds(&d->html, "<tr>");
		for (size_t c = 0; c < ncols; c++) {
			const char *s = cells[r * ncols + c];

			s = s ? s : "-";
			cvm_buf_adds(&d->md, "| ");
			md_cell(&d->md, s);
			cvm_buf_adds(&d->md, " ");
			cvm_buf_adds(&d->html,
				     numeric(s) ? "<td class=\"n\">" : "<td>");
			html_esc(&d->html, s);
			cvm_buf_adds(&d->html, "</td>");
		}
		cvm_buf_adds(&d->md, "|\n");
		cvm_buf_adds(&d->html, "</tr>\n");
	}
	cvm_buf_adds(&d->md, "\n");
	cvm_buf_adds(&d->html, "</table>\n");
}

void
eval_cells_add(struct eval_cells *c, const char *fmt, ...)
{
	struct cvm_buf b = CVM_BUF_INIT;
	va_list ap;

	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->v = cvm_xrealloc(c->v, c->cap * sizeof(*c->v));
	}
	va_start(ap, fmt);
	cvm_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	cvm_buf_addch(&b, '\0');
	c->v[c->n++] = cvm_buf_detach(&b, NULL);
}

void
eval_cells_table(struct eval_doc *d, struct eval_cells *c, size_t ncols,
		 const char *const *head)
{
	eval_doc_table(d, ncols, head, (const char *const *)c->v, c->n / ncols);
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i]);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

void
eval_doc_image(struct eval_doc *d, const char *alt, const char *rel_png,
	       const char *rel_svg, const struct cvm_buf *svg)
{
	cleanup_free char *b64 = NULL;

	cvm_buf_addf(&d->md, "![%s](%s) ([SVG](%s))\n\n", alt, rel_png,
		     rel_svg);
	if (!svg || !svg->len) {
		cvm_buf_adds(&d->html, "<p>(plot missing: ");
		html_esc(&d->html, rel_svg);
		cvm_buf_adds(&d->html, ")</p>\n");
		return;
	}
	b64 = cvm_base64_encode((const uint8_t *)svg->data, svg->len);
	cvm_buf_adds(&d->html, "<figure><img alt=\"");
	html_esc(&d->html, alt);
	cvm_buf_addf(&d->html, "\" src=\"data:image/svg+xml;base64,%s\">", b64);
	cvm_buf_adds(&d->html, "<figcaption>");
	html_esc(&d->html, alt);
	cvm_buf_adds(&d->html, "</figcaption></figure>\n");
}

void
eval_doc_code(struct eval_doc *d, const char *text)
{
	cvm_buf_addf(&d->md, "```\n%s\n```\n\n", text);
	cvm_buf_adds(&d->html, "<pre><code>");
	html_esc(&d->html, text);
	cvm_buf_adds(&d->html, "</code></pre>\n");
}

void
eval_doc_finish(struct eval_doc *d)
{
	cvm_buf_adds(&d->html, "</body>\n</html>\n");
}

void
eval_doc_release(struct eval_doc *d)
{
	cvm_buf_release(&d->md);
	cvm_buf_release(&d->html);
}
