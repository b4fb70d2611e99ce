/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the CVM1 console parser (lib/guestio; docs/result-format.md):
 * what a guest prints on its serial console is untrusted.  The first
 * input byte seeds the chunking, so the same console arrives in pieces
 * of 1 to 256 bytes; the rest is the console.  Then the record, its
 * JSON form and the verdict, and each line once more through
 * cvm_guestio_parse_line() on its own.  Promises checked: the
 * pass-through hands on every byte that is not part of an over-long
 * CVM1 line, in order; counts stay within the documented bounds.
 */
#include <json-c/json.h>

#include "fuzz.h"

#include "cvm/guestio.h"

static void
collect(void *opaque, const char *data, size_t len, bool cvm1)
{
	(void)cvm1;
	if (len == 0)
		fuzz_fail("empty pass-through call");
	cvm_buf_add(opaque, data, len);
}

/* Does the console hold a line longer than the parser keeps? */
static bool
has_long_line(const uint8_t *p, size_t n)
{
	size_t run = 0;

	for (size_t i = 0; i < n; i++) {
		run = (p[i] == '\n' || p[i] == '\r') ? 0 : run + 1;
		if (run > CVM_GUESTIO_MAX_LINE)
			return true;
	}
	return false;
}

static void
check_record(const struct cvm_guest_record *rec, size_t size)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct json_object *j;
	int r;

	if (rec->ninfos > CVM_GUESTIO_MAX_ITEMS ||
	    rec->nphases > CVM_GUESTIO_MAX_ITEMS ||
	    rec->nresults > CVM_GUESTIO_MAX_ITEMS)
		fuzz_fail("more items than CVM_GUESTIO_MAX_ITEMS");
	if (rec->console_bytes != size)
		fuzz_fail("console_bytes %llu for %zu bytes fed",
			  (unsigned long long)rec->console_bytes, size);
	if (rec->nmalformed > rec->nlines)
		fuzz_fail("more malformed lines than lines");
	if (strnlen(rec->malformed, sizeof(rec->malformed)) ==
	    sizeof(rec->malformed))
		fuzz_fail("malformed text not terminated");
	if (rec->report_hex &&
	    strlen(rec->report_hex) != 2 * CVM_GUESTIO_REPORT_BYTES)
		fuzz_fail("report of %zu hex digits", strlen(rec->report_hex));
	r = cvm_guest_record_verdict(rec, &err);
	fuzz_check_err(r, &err, "cvm_guest_record_verdict");
	j = cvm_guest_record_json(rec);
	if (!j || !json_object_to_json_string(j))
		fuzz_fail("no JSON for a record");
	json_object_put(j);
	(void)cvm_guest_record_phase(rec, "main");
	(void)cvm_guest_record_info(rec, "boot");
	for (size_t i = 0; i < rec->nresults; i++)
		(void)cvm_verified_name(rec->results[i].verified);
	if (rec->has_fault)
		(void)cvm_x86_vector_name(rec->fault.vector);
}

/* Every line (split at LF) through the one-line parser. */
static void
each_line(const uint8_t *p, size_t n)
{
	struct cvm_guest_record rec;
	const uint8_t *nl;
	char *line;

	memset(&rec, 0, sizeof(rec));
	while (n > 0) {
		struct cvm_err err = CVM_ERR_INIT;
		size_t len;
		int r;

		nl = memchr(p, '\n', n);
		len = nl ? (size_t)(nl - p) : n;
		line = fuzz_cstr(p, len);
		r = cvm_guestio_parse_line(&rec, line, 7, &err);
		fuzz_check_err(r, &err, "cvm_guestio_parse_line");
		free(line);
		p += len + (nl ? 1 : 0);
		n -= len + (nl ? 1 : 0);
	}
	check_record(&rec, 0);
	cvm_guest_record_release(&rec);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cvm_buf out = CVM_BUF_INIT;
	struct cvm_guestio *p;
	uint32_t seed;
	size_t off = 0;

	if (size < 1)
		return 0;
	seed = data[0] * 2654435761u + 1;
	data++;
	size--;
	p = cvm_guestio_new(collect, &out);
	while (off < size) {
		size_t n;

		seed = seed * 1103515245u + 12345u;
		n = 1 + (seed >> 16) % 256;
		if (n > size - off)
			n = size - off;
		cvm_guestio_feed(p, data + off, n, off);
		off += n;
	}
	cvm_guestio_finish(p, size);
	check_record(cvm_guestio_record(p), size);
	if ((out.len != size || (size && memcmp(out.data, data, size))) &&
	    !has_long_line(data, size))
		fuzz_fail("pass-through lost or changed bytes (%zu of %zu)",
			  out.len, size);
	cvm_guestio_free(p);
	cvm_buf_release(&out);
	each_line(data, size);
	return 0;
}
