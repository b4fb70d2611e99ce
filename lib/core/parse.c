/* SPDX-License-Identifier: MIT */
/* Number, size, hex and base64 parsing: see cvm/util.h. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/evp.h>

#include "cvm/cleanup.h"
#include "cvm/util.h"

int
cvm_parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end = NULL;
	int base = 10;

	if (!s || !*s)
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s)
			return -EINVAL;
	}
	for (const char *p = s; *p; p++)
		if (base == 16 ? !isxdigit((unsigned char)*p)
			       : !isdigit((unsigned char)*p))
			return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

int
cvm_parse_size(const char *s, uint64_t *out)
{
	static const struct {
		const char *suffix;
		unsigned shift;
	} units[] = {
		{"", 0},    {"b", 0},	 {"k", 10},   {"kib", 10}, {"kb", 10},
		{"m", 20},  {"mib", 20}, {"mb", 20},  {"g", 30},   {"gib", 30},
		{"gb", 30}, {"t", 40},	 {"tib", 40}, {"tb", 40},
	};
	uint64_t v = 0;
	const char *p = s;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	for (size_t i = 0; i < CVM_ARRAY_SIZE(units); i++) {
		if (strcasecmp(p, units[i].suffix) != 0)
			continue;
		if (units[i].shift && v > (UINT64_MAX >> units[i].shift))
			return -ERANGE;
		*out = v << units[i].shift;
		return 0;
	}
	return -EINVAL;
}

void
cvm_hex_encode(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
cvm_hex_decode_var(const char *s, uint8_t *out, size_t max, size_t *n,
		   struct cvm_err *err)
{
	const char *h = s;
	size_t len;

	if (h[0] == '0' && (h[1] == 'x' || h[1] == 'X'))
		h += 2;
	len = strlen(h);
	if (len % 2)
		return cvm_err_set(err, -EINVAL,
				   "'%s' is not hex: odd number of digits", s);
	if (len / 2 > max)
		return cvm_err_set(err, -EINVAL,
				   "'%s' is too long: at most %zu bytes", s,
				   max);
	for (size_t i = 0; i < len / 2; i++) {
		int hi = hexval(h[2 * i]), lo = hexval(h[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return cvm_err_set(err, -EINVAL,
					   "'%s' is not hex: bad digit at %zu",
					   s, 2 * i + (hi < 0 ? 0 : 1));
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*n = len / 2;
	return 0;
}

int
cvm_hex_decode(const char *s, uint8_t *out, size_t n, struct cvm_err *err)
{
	size_t got = 0;
	int r = cvm_hex_decode_var(s, out, n, &got, err);

	if (r < 0)
		return r;
	if (got != n)
		return cvm_err_set(
			err, -EINVAL,
			"'%s' must be %zu bytes (%zu hex digits), got %zu", s,
			n, 2 * n, got);
	return 0;
}

char *
cvm_base64_encode(const uint8_t *p, size_t n)
{
	char *out = cvm_xmalloc(4 * ((n + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)out, p, (int)n);
	return out;
}

int
cvm_base64_decode(const char *s, struct cvm_buf *out, struct cvm_err *err)
{
	cleanup_free char *clean = cvm_xmalloc(strlen(s) + 1);
	size_t len = 0, pad = 0;
	int n;

	for (const char *p = s; *p; p++)
		if (!isspace((unsigned char)*p))
			clean[len++] = *p;
	clean[len] = '\0';
	if (len % 4)
		return cvm_err_set(
			err, -EINVAL,
			"not base64: length %zu is not a multiple of 4", len);
	if (len && clean[len - 1] == '=')
		pad++;
	if (len > 1 && clean[len - 2] == '=')
		pad++;
	cvm_buf_truncate(out, 0);
	cvm_buf_grow(out, len / 4 * 3);
	n = EVP_DecodeBlock((unsigned char *)out->data, (unsigned char *)clean,
			    (int)len);
	if (n < 0)
		return cvm_err_set(err, -EINVAL, "not base64: bad character");
	out->len = (size_t)n - pad;
	out->data[out->len] = '\0';
	return 0;
}

uint64_t
cvm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
