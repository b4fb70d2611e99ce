/* SPDX-License-Identifier: MIT */
/*
 * The wire formats shared by cvm-oci's host side (lib/oci) and its guest
 * agent (shim/agent): the control channel on the guest's second serial
 * line (ttyS1) and the spec file the agent reads from the initramfs.
 * Private to cvm-oci: both ends are always built from the same tree, and
 * the HELLO frame carries CVM_CHAN_VERSION so a mismatch is caught.
 * This header and chan.c use nothing but the C library, because the
 * agent is a static program.
 *
 * Channel frame (all integers little-endian):
 *
 *   0  u8   CVM_CHAN_MAGIC
 *   1  u8   type (enum cvm_chan_type)
 *   2  u16  payload length, at most CVM_CHAN_MAX_PAYLOAD
 *   4  u8   header check: 0xFF ^ bytes 0..3
 *   5  ...  payload
 *
 * The header check lets a reader skip bytes that are not a frame (the
 * serial line may carry noise before the agent opens it); the serial
 * emulation itself does not lose or change bytes once the agent runs.
 * The host sends nothing until it has seen HELLO.  The VM boots at
 * `create`; the agent sets the container up and waits for START (sent
 * at `start`) before it runs the process.
 */
#ifndef CVM_OCI_PROTO_H
#define CVM_OCI_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CVM_CHAN_MAGIC	     0xC5
#define CVM_CHAN_VERSION     1
#define CVM_CHAN_HDR	     5
#define CVM_CHAN_MAX_PAYLOAD 4096
#define CVM_CHAN_MAX_FRAME   (CVM_CHAN_HDR + CVM_CHAN_MAX_PAYLOAD)

enum cvm_chan_type {
	/* guest -> host */
	CVM_CHAN_HELLO = 0x01,	/* u32 version */
	CVM_CHAN_STDOUT = 0x02, /* bytes */
	CVM_CHAN_STDERR = 0x03, /* bytes */
	CVM_CHAN_EXIT = 0x04, /* u32 kind (0 exited, 1 signalled), u32 value */
	CVM_CHAN_LOG = 0x05,  /* text: an agent diagnostic for the log */
	CVM_CHAN_INFO = 0x06, /* text "key=value" (the scrape demo) */
	/* host -> guest */
	CVM_CHAN_STDIN = 0x10,	   /* bytes */
	CVM_CHAN_STDIN_EOF = 0x11, /* empty */
	CVM_CHAN_SIGNAL = 0x12,	   /* u32 signal number */
	CVM_CHAN_RESIZE = 0x13,	   /* u16 rows, u16 cols */
	CVM_CHAN_START = 0x14,	   /* empty: `start` ran, run the process */
};

#define CVM_CHAN_EXIT_CODE   0
#define CVM_CHAN_EXIT_SIGNAL 1

struct cvm_chan_frame {
	uint8_t type;
	uint16_t len;
	uint8_t data[CVM_CHAN_MAX_PAYLOAD];
};

/* A streaming decoder; zero-initialise (or cvm_chan_dec_init). */
struct cvm_chan_dec {
	uint8_t buf[CVM_CHAN_MAX_FRAME];
	size_t have;
	uint64_t skipped; /* bytes dropped while looking for a header */
};

void cvm_chan_dec_init(struct cvm_chan_dec *d);

/*
 * Consume bytes from p[0..n) until one frame is complete.  Returns the
 * number of bytes consumed; *got is set when `out` holds a frame.  Call
 * again with the rest of the input until it returns 0 with *got false.
 */
size_t cvm_chan_dec_feed(struct cvm_chan_dec *d, const uint8_t *p, size_t n,
			 struct cvm_chan_frame *out, bool *got);

/*
 * Encode one frame into `out` (at least CVM_CHAN_HDR + n bytes); n must be
 * at most CVM_CHAN_MAX_PAYLOAD.  Returns the frame's length.
 */
size_t cvm_chan_encode(uint8_t *out, uint8_t type, const void *payload,
		       size_t n);

/* Little-endian u32 helpers for payloads. */
static inline uint32_t
cvm_chan_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}
static inline void
cvm_chan_put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/*
 * The spec file, /.cvm/spec in the initramfs: a list of records, each a
 * record name followed by a fixed number of fields, every string
 * NUL-terminated.  Records (fields):
 *
 *   cvm-spec (version)            first record; version "1"
 *   mode (run|scrape)             what the agent does
 *   arg (word)                    process.args, in order
 *   env (NAME=value)              process.env, in order
 *   cwd (path)                    process.cwd
 *   user (uid, gid)               decimal
 *   group (gid)                   an additional group, decimal
 *   umask (octal)
 *   hostname (name)
 *   terminal ()                   process.terminal
 *   console (rows, cols)          process.consoleSize
 *   rootro ()                     root.readonly
 *   mount (type, dest, flags, data)  flags: MS_* as decimal
 *   devices ()                    populate the /dev mounted just before
 *
 * Mounts are applied in order, below the container root CVM_SPEC_ROOT.
 */
#define CVM_SPEC_PATH	 "/.cvm/spec"
#define CVM_SPEC_ROOT	 "/ctr"
#define CVM_SPEC_VERSION "1"

/* The console line the agent prints (ttyS0) with the exit status, as a
 * fallback for the EXIT frame: "cvm-agent: exit code=N" or "signal=N". */
#define CVM_AGENT_MARKER "cvm-agent: exit "

#endif
