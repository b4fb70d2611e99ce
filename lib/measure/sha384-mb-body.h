/* SPDX-License-Identifier: MIT */
/*
 * One multi-buffer SHA-384 kernel, included by sha384-mb.c once per
 * instruction set with these defined:
 *
 *   MB_NAME      the function's name
 *   MB_TARGET    its __attribute__((target(...)))
 *   MB_LANES     pages hashed side by side (one per 64-bit vector lane)
 *   mb_v         the vector type
 *   MB_SET1(x)   x in every lane        MB_ADD(a, b)   lane-wise a + b
 *   MB_ROR(x, n) rotate right by n      MB_SHR(x, n)   shift right by n
 *   MB_XOR3(a, b, c)   a ^ b ^ c
 *   MB_CH(e, f, g)     (e & f) ^ (~e & g)
 *   MB_MAJ(a, b, c)    (a & b) ^ (a & c) ^ (b & c)
 *   MB_ROR8(x)         rotate right by 8 (a byte shuffle where that is
 *                      cheaper than a rotate)
 *   MB_LOAD_BLOCK(w, p)  w[t] = the big-endian 64-bit word t of the
 *                      128-byte block at p + lane * CVM_PAGE_SIZE
 *   MB_STORE(p, x)     the lanes of x to p[0..MB_LANES-1], big-endian
 *
 * FIPS 180-4 §6.4.2 (SHA-512 hash computation) with §5.3.4's SHA-384
 * initial value and §5.1.2's padding, each lane one message.  The
 * messages are whole 4 KiB pages, so every lane has the same length and
 * the same last block: 0x80, zeros, and the bit length 32768.
 */
static MB_TARGET void
MB_NAME(const uint8_t *data, uint8_t *out)
{
	mb_v h[8], w[16];

	for (int i = 0; i < 8; i++)
		h[i] = MB_SET1(sha384_h0[i]);
	for (size_t blk = 0; blk <= CVM_PAGE_SIZE / 128; blk++) {
		mb_v a = h[0], b = h[1], c = h[2], d = h[3];
		mb_v e = h[4], f = h[5], g = h[6], hh = h[7];

		if (blk < CVM_PAGE_SIZE / 128) {
			MB_LOAD_BLOCK(w, data + blk * 128);
		} else {
			w[0] = MB_SET1(0x8000000000000000ull);
			for (int t = 1; t < 15; t++)
				w[t] = MB_SET1(0);
			w[15] = MB_SET1((uint64_t)CVM_PAGE_SIZE * 8);
		}
		for (int t = 0; t < 80; t++) {
			mb_v t1, t2;

			if (t >= 16) { /* W[t], kept in a ring of 16 */
				mb_v w15 = w[(t - 15) & 15],
				     w2 = w[(t - 2) & 15];
				mb_v s0 = MB_XOR3(MB_ROR(w15, 1), MB_ROR8(w15),
						  MB_SHR(w15, 7));
				mb_v s1 =
					MB_XOR3(MB_ROR(w2, 19), MB_ROR(w2, 61),
						MB_SHR(w2, 6));

				w[t & 15] = MB_ADD(MB_ADD(w[t & 15], s0),
						   MB_ADD(w[(t - 7) & 15], s1));
			}
			t1 = MB_ADD(
				MB_ADD(hh, MB_XOR3(MB_ROR(e, 14), MB_ROR(e, 18),
						   MB_ROR(e, 41))),
				MB_ADD(MB_CH(e, f, g),
				       MB_ADD(w[t & 15],
					      MB_SET1(sha512_k[t]))));
			t2 = MB_ADD(MB_XOR3(MB_ROR(a, 28), MB_ROR(a, 34),
					    MB_ROR(a, 39)),
				    MB_MAJ(a, b, c));
			hh = g;
			g = f;
			f = e;
			e = MB_ADD(d, t1);
			d = c;
			c = b;
			b = a;
			a = MB_ADD(t1, t2);
		}
		h[0] = MB_ADD(h[0], a);
		h[1] = MB_ADD(h[1], b);
		h[2] = MB_ADD(h[2], c);
		h[3] = MB_ADD(h[3], d);
		h[4] = MB_ADD(h[4], e);
		h[5] = MB_ADD(h[5], f);
		h[6] = MB_ADD(h[6], g);
		h[7] = MB_ADD(h[7], hh);
	}
	/* SHA-384 keeps H0..H5: lane l's digest is word i of each */
	for (int i = 0; i < 6; i++) {
		uint64_t lane[MB_LANES];

		MB_STORE(lane, h[i]);
		for (int l = 0; l < MB_LANES; l++)
			memcpy(out + l * CVM_SNP_LD_SIZE + i * 8, &lane[l], 8);
	}
}
