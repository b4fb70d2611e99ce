/* SPDX-License-Identifier: MIT */
/*
 * Small shared helpers: whole-file I/O, atomic writes, number and size
 * parsing, hex and base64.  All report failures through `struct cvm_err`
 * with the path or text in single quotes.
 */
#ifndef CVM_UTIL_H
#define CVM_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cvm/buf.h"
#include "cvm/err.h"

/*
 * Read a whole regular file into `out` (replacing its contents).  Fails
 * with a clear message for a missing file, a directory, or a file larger
 * than `max` bytes (0 = no limit).
 */
int cvm_file_read(const char *path, struct cvm_buf *out, size_t max,
		  struct cvm_err *err);

/* A read-only mapping of a whole regular file. */
struct cvm_map {
	const uint8_t *data;
	size_t len;
};
#define CVM_MAP_INIT    \
	{               \
		NULL, 0 \
	}
/* Map `path`; an empty file yields data == NULL, len == 0. */
int cvm_file_map(const char *path, struct cvm_map *m, struct cvm_err *err);
void cvm_file_unmap(struct cvm_map *m);
#define cleanup_map __attribute__((cleanup(cvm_file_unmap)))

/*
 * Write `len` bytes to `path` atomically: a temporary file in the same
 * folder, fsync, rename.  On failure nothing is left behind and an
 * existing file is unchanged.
 */
int cvm_file_write_atomic(const char *path, const void *data, size_t len,
			  mode_t mode, struct cvm_err *err);

/* mkdir -p; existing directories are fine. */
int cvm_mkdir_p(const char *path, mode_t mode, struct cvm_err *err);
/*
 * Remove `path` and everything under it, never following a symlink
 * (a link is removed, not what it points to).  A missing path is fine.
 * Folders nested deeper than `max_depth` below it are refused (-ELOOP)
 * and stop the removal.
 */
int cvm_rmtree(const char *path, int max_depth, struct cvm_err *err);

/* True if `path` exists and is executable (a program we can start). */
bool cvm_is_executable(const char *path);

/*
 * Find `name` on $PATH (or return a copy of it when it contains '/').
 * Returns a malloc'd path or NULL.
 */
char *cvm_which(const char *name);

/*
 * Parse an unsigned integer in hex ("0x..") or decimal.  The whole string
 * must be consumed; no sign, no spaces.  -EINVAL or -ERANGE on failure.
 */
int cvm_parse_u64(const char *s, uint64_t *out);

/*
 * Parse a size with an optional binary suffix: 512, 64K, 4M, 4G, 1T
 * (also KiB/MiB/GiB/TiB, case-insensitive).  Bytes out.
 */
int cvm_parse_size(const char *s, uint64_t *out);

/* Lower-case hex of `n` bytes into `out` (2n+1 bytes). */
void cvm_hex_encode(const uint8_t *p, size_t n, char *out);
/*
 * Decode hex (upper or lower case, optional "0x") into exactly `n` bytes.
 * -EINVAL naming the text if it is not exactly 2n hex digits.
 */
int cvm_hex_decode(const char *s, uint8_t *out, size_t n, struct cvm_err *err);
/*
 * Decode hex of any even length up to `max` bytes; `*n` gets the count.
 */
int cvm_hex_decode_var(const char *s, uint8_t *out, size_t max, size_t *n,
		       struct cvm_err *err);

/* Base64 (RFC 4648, with padding); encode returns a malloc'd string. */
char *cvm_base64_encode(const uint8_t *p, size_t n);
int cvm_base64_decode(const char *s, struct cvm_buf *out, struct cvm_err *err);

/* Little-endian loads and stores on byte buffers (no alignment needed). */
static inline uint16_t
cvm_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t
cvm_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}
static inline uint64_t
cvm_le64(const uint8_t *p)
{
	return (uint64_t)cvm_le32(p) | ((uint64_t)cvm_le32(p + 4) << 32);
}
static inline void
cvm_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}
static inline void
cvm_put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}
static inline void
cvm_put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Monotonic time in nanoseconds. */
uint64_t cvm_now_ns(void);

/* The XDG data directory for cvm ($XDG_DATA_HOME/cvm or ~/.local/share/cvm). */
char *cvm_data_dir(void);

#endif
