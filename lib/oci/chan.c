/* SPDX-License-Identifier: MIT */
/*
 * Frames on the cvm-oci control channel: see oci-proto.h.  Shared by the
 * host (libcvm) and the static guest agent, so it uses only libc.
 */
#include <string.h>

#include "oci-proto.h"

void
cvm_chan_dec_init(struct cvm_chan_dec *d)
{
	memset(d, 0, sizeof(*d));
}

static uint8_t
hdr_check(const uint8_t *h)
{
	return (uint8_t)(0xFF ^ h[0] ^ h[1] ^ h[2] ^ h[3]);
}

/* Drop bytes from the front until the buffer starts with something that
 * may be a header (the magic), counting what was dropped. */
static void
resync(struct cvm_chan_dec *d, size_t drop)
{
	size_t i = drop;

	while (i < d->have && d->buf[i] != CVM_CHAN_MAGIC)
		i++;
	d->skipped += i;
	memmove(d->buf, d->buf + i, d->have - i);
	d->have -= i;
}

static bool
header_ok(const uint8_t *h)
{
	return h[0] == CVM_CHAN_MAGIC && hdr_check(h) == h[4] &&
	       (size_t)(h[2] | (h[3] << 8)) <= CVM_CHAN_MAX_PAYLOAD;
}

size_t
cvm_chan_dec_feed(struct cvm_chan_dec *d, const uint8_t *p, size_t n,
		  struct cvm_chan_frame *out, bool *got)
{
	size_t used = 0;

	*got = false;
	while (used < n) {
		size_t need, len, take;

		if (d->have == 0 && p[used] != CVM_CHAN_MAGIC) {
			d->skipped++;
			used++;
			continue;
		}
		if (d->have < CVM_CHAN_HDR) {
			d->buf[d->have++] = p[used++];
			if (d->have == CVM_CHAN_HDR && !header_ok(d->buf))
				resync(d, 1);
			continue;
		}
		len = (size_t)(d->buf[2] | (d->buf[3] << 8));
		need = CVM_CHAN_HDR + len - d->have;
		take = n - used < need ? n - used : need;
		memcpy(d->buf + d->have, p + used, take);
		d->have += take;
		used += take;
		if (d->have == CVM_CHAN_HDR + len)
			break;
	}
	if (d->have >= CVM_CHAN_HDR &&
	    d->have == CVM_CHAN_HDR + (size_t)(d->buf[2] | (d->buf[3] << 8))) {
		out->type = d->buf[1];
		out->len = (uint16_t)(d->buf[2] | (d->buf[3] << 8));
		memcpy(out->data, d->buf + CVM_CHAN_HDR, out->len);
		d->have = 0;
		*got = true;
	}
	return used;
}

size_t
cvm_chan_encode(uint8_t *out, uint8_t type, const void *payload, size_t n)
{
	out[0] = CVM_CHAN_MAGIC;
	out[1] = type;
	out[2] = (uint8_t)n;
	out[3] = (uint8_t)(n >> 8);
	out[4] = hdr_check(out);
	if (n)
		memcpy(out + CVM_CHAN_HDR, payload, n);
	return CVM_CHAN_HDR + n;
}
