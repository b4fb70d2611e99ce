/* SPDX-License-Identifier: MIT */
/*
 * The incremental CVM1 console parser: see cvm/guestio.h and
 * docs/result-format.md.  A byte-level state machine splits the console
 * into lines (LF, CR or CRLF end a line); at the start of a line it
 * holds back NULs and terminal escape sequences (which firmware prints
 * before the guest takes over) and the bytes that could still become
 * "CVM1 ", and lets everything else through at once.
 */
#include <stdlib.h>
#include <string.h>

#include "cvm/cleanup.h"
#include "guestio-priv.h"

#define TAG	 "CVM1 "
#define TAG_LEN	 5
#define HOLD_MAX 64 /* line-start bytes held while undecided */

enum state {
	ST_START, /* at a line start, holding `hold` */
	ST_ESC,	  /* inside an escape sequence at a line start */
	ST_TEXT,  /* an ordinary line: pass through to its end */
	ST_CVM1,  /* collecting a CVM1 line in `line` */
	ST_SKIP,  /* an over-long CVM1 line: drop to its end */
	ST_CR,	  /* after a CVM1 line ended by CR: an LF belongs to it */
};

struct cvm_guestio {
	cvm_guestio_text_fn text;
	void *opaque;
	struct cvm_guest_record rec;
	enum state st;
	char hold[HOLD_MAX];
	size_t nhold, tag_matched;
	bool csi; /* in ST_ESC: after "ESC [" */
	struct cvm_buf line;
};

struct cvm_guestio *
cvm_guestio_new(cvm_guestio_text_fn text, void *opaque)
{
	struct cvm_guestio *p = cvm_xcalloc(1, sizeof(*p));

	p->text = text;
	p->opaque = opaque;
	return p;
}

void
cvm_guestio_free(struct cvm_guestio *p)
{
	if (!p)
		return;
	cvm_guest_record_release(&p->rec);
	cvm_buf_release(&p->line);
	free(p);
}

const struct cvm_guest_record *
cvm_guestio_record(const struct cvm_guestio *p)
{
	return &p->rec;
}

void
cvm_guestio_take_record(struct cvm_guestio *p, struct cvm_guest_record *out)
{
	cvm_guest_record_release(out);
	*out = p->rec;
	memset(&p->rec, 0, sizeof(p->rec));
}

static void
emit(struct cvm_guestio *p, const char *data, size_t len, bool cvm1)
{
	if (len && p->text)
		p->text(p->opaque, data, len, cvm1);
}

static void
flush_hold(struct cvm_guestio *p)
{
	emit(p, p->hold, p->nhold, false);
	p->nhold = 0;
	p->tag_matched = 0;
	p->csi = false;
}

static void
malformed(struct cvm_guestio *p, const char *why)
{
	struct cvm_guest_record *r = &p->rec;

	r->nlines++;
	if (r->has_exit)
		r->after_exit++;
	if (!r->nmalformed++)
		snprintf(r->malformed, sizeof(r->malformed), "%.150s", why);
}

static void
end_cvm1_line(struct cvm_guestio *p, char eol, uint64_t host_ns)
{
	struct cvm_err err = CVM_ERR_INIT;
	const char *s = cvm_buf_str(&p->line);

	if (strlen(s) != p->line.len)
		malformed(p, "NUL byte in a CVM1 line");
	else if (cvm_guestio_parse_line(&p->rec, s, host_ns, &err) < 0)
		malformed(p, err.msg);
	if (eol)
		cvm_buf_addch(&p->line, eol);
	emit(p, p->line.data, p->line.len, true);
	cvm_buf_truncate(&p->line, 0);
}

/* Inside an escape sequence at a line start: true while it goes on. */
static bool
escape_byte(struct cvm_guestio *p, char c)
{
	/* ECMA-48: ESC '[' parameters/intermediates (0x20-0x3f) and a final
	 * byte (0x40-0x7e) is a CSI sequence; ESC + any other byte is a
	 * two-byte sequence.  A control byte breaks the sequence off. */
	if (!p->csi) {
		p->hold[p->nhold++] = c;
		p->csi = c == '[';
		if (!p->csi)
			p->st = ST_START;
		return true;
	}
	p->csi = false;
	p->st = ST_START;
	if (c < 0x20 || c > 0x7e)
		return false;
	p->hold[p->nhold++] = c;
	if (c < 0x40) {
		p->csi = true;
		p->st = ST_ESC;
	}
	return true;
}

/* At a line start (ST_START or ST_ESC): decide what byte `c` means. */
static void
line_start(struct cvm_guestio *p, char c)
{
	if (p->st == ST_ESC && escape_byte(p, c))
		return;
	if (c == TAG[p->tag_matched]) {
		p->hold[p->nhold++] = c;
		if (++p->tag_matched == TAG_LEN) {
			/* the held junk before the tag is ordinary text */
			p->nhold -= TAG_LEN;
			flush_hold(p);
			cvm_buf_add(&p->line, TAG, TAG_LEN);
			p->st = ST_CVM1;
		}
		return;
	}
	if (!p->tag_matched && (c == '\0' || c == 0x1b)) {
		p->hold[p->nhold++] = c;
		if (c == 0x1b)
			p->st = ST_ESC;
		return;
	}
	/* not a CVM1 line */
	p->hold[p->nhold++] = c;
	flush_hold(p);
	p->st = (c == '\n' || c == '\r') ? ST_START : ST_TEXT;
}

void
cvm_guestio_feed(struct cvm_guestio *p, const void *data, size_t len,
		 uint64_t host_ns)
{
	const char *s = data, *end = s + len;

	if (len && !p->rec.has_output) {
		p->rec.has_output = true;
		p->rec.first_byte_ns = host_ns;
	}
	p->rec.console_bytes += len;
	while (s < end) {
		char c = *s;
		size_t n;

		switch (p->st) {
		case ST_TEXT:
			/* pass the rest of the line through in one piece */
			for (n = 0; s + n < end && s[n] != '\n' && s[n] != '\r';
			     n++)
				;
			if (s + n < end) {
				n++;
				p->st = ST_START;
			}
			emit(p, s, n, false);
			s += n;
			continue;
		case ST_CVM1:
		case ST_SKIP:
			if (c == '\n' || c == '\r') {
				if (p->st == ST_CVM1)
					end_cvm1_line(p, c, host_ns);
				else
					malformed(p, "CVM1 line longer than "
						     "4096 bytes");
				p->st = c == '\r' ? ST_CR : ST_START;
			} else if (p->st == ST_CVM1) {
				cvm_buf_addch(&p->line, c);
				if (p->line.len > CVM_GUESTIO_MAX_LINE) {
					cvm_buf_truncate(&p->line, 0);
					p->st = ST_SKIP;
				}
			}
			s++;
			continue;
		case ST_CR:
			p->st = ST_START;
			if (c == '\n') {
				emit(p, s, 1, true);
				s++;
				continue;
			}
			break;
		case ST_START:
		case ST_ESC:
			break;
		}
		if (p->nhold + 1 >= HOLD_MAX) {
			flush_hold(p); /* endless escapes or NULs: plain text */
			p->st = ST_TEXT;
			continue;
		}
		line_start(p, c);
		s++;
	}
}

void
cvm_guestio_finish(struct cvm_guestio *p, uint64_t host_ns)
{
	switch (p->st) {
	case ST_CVM1:
		end_cvm1_line(p, 0, host_ns);
		break;
	case ST_SKIP:
		malformed(p, "CVM1 line longer than 4096 bytes");
		break;
	default:
		flush_hold(p);
		break;
	}
	p->st = ST_START;
}
