/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the #VC instruction decoder (guest/sev/sev-insn.c).
 * The byte vectors come from GNU as: tests/data/sev/vc-insns.s holds
 * the instructions with the decode each must give, gen-vc-insns wrote
 * the assembled bytes next to them into vc-insns.tsv.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sev-ghcb.h"
#include "sev-insn.h"

static const char *const reg_names[16] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15",
};

static const char *const op_names[] = {
	[SEV_INSN_IN] = "in",		[SEV_INSN_OUT] = "out",
	[SEV_INSN_MOV_STORE] = "store", [SEV_INSN_MOV_STORE_IMM] = "storeimm",
	[SEV_INSN_MOV_LOAD] = "load",	[SEV_INSN_MOVZX] = "movzx",
	[SEV_INSN_MOVSX] = "movsx",	[SEV_INSN_CPUID] = "cpuid",
	[SEV_INSN_RDMSR] = "rdmsr",	[SEV_INSN_WRMSR] = "wrmsr",
	[SEV_INSN_RDTSC] = "rdtsc",	[SEV_INSN_RDTSCP] = "rdtscp",
	[SEV_INSN_WBINVD] = "wbinvd",
};

static int
reg_num(const char *s)
{
	for (int i = 0; i < 16; i++)
		if (strcmp(s, reg_names[i]) == 0)
			return i;
	fail_msg("unknown register '%s'", s);
	return -1;
}

static size_t
parse_hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	char *end;

	while (*s && n < cap) {
		out[n++] = (uint8_t)strtoul(s, &end, 16);
		if (end == s)
			break;
		s = end;
	}
	return n;
}

/* Check one "key=value" (or bare "key") against the decode. */
static void
check_key(const struct sev_insn *in, const char *key, const char *val,
	  const char *line)
{
	long long v = val ? strtoll(val, NULL, 0) : 0;

	if (!strcmp(key, "op"))
		assert_string_equal(op_names[in->op], val);
	else if (!strcmp(key, "len"))
		assert_int_equal(in->len, v);
	else if (!strcmp(key, "size"))
		assert_int_equal(in->size, v);
	else if (!strcmp(key, "rsize"))
		assert_int_equal(in->reg_size, v);
	else if (!strcmp(key, "reg"))
		assert_int_equal(in->reg, reg_num(val));
	else if (!strcmp(key, "high8"))
		assert_true(in->reg_high8);
	else if (!strcmp(key, "port")) {
		assert_true(in->port_imm);
		assert_int_equal(in->port, v);
	} else if (!strcmp(key, "dx"))
		assert_false(in->port_imm);
	else if (!strcmp(key, "base"))
		assert_int_equal(in->base, reg_num(val));
	else if (!strcmp(key, "index"))
		assert_int_equal(in->index, reg_num(val));
	else if (!strcmp(key, "scale"))
		assert_int_equal(in->scale, v);
	else if (!strcmp(key, "disp"))
		assert_int_equal(in->disp, v);
	else if (!strcmp(key, "rip"))
		assert_true(in->rip_rel);
	else if (!strcmp(key, "imm"))
		assert_int_equal(in->imm, strtoull(val, NULL, 0));
	else if (!strcmp(key, "asize"))
		assert_int_equal(in->addr_size, v);
	else if (!strcmp(key, "nomem"))
		assert_false(in->has_mem);
	else
		fail_msg("unknown key '%s' in: %s", key, line);
}

static void
check_vector(const uint8_t *b, size_t n, char *exp, const char *line)
{
	struct sev_insn in;
	char *save = NULL, *tok;
	int r = sev_insn_decode(b, n, &in);

	if (strncmp(exp, "err=", 4) == 0) {
		assert_int_equal(r, strcmp(exp + 4, "decode") == 0
					    ? SEV_E_DECODE
					    : SEV_E_UNSUPPORTED);
		return;
	}
	if (r != 0)
		fail_msg("decode failed (%s): %s", sev_strerror(r), line);
	/* defaults not named in the expectation */
	if (!strstr(exp, "base="))
		assert_true(in.base < 0 || !in.has_mem);
	if (!strstr(exp, "index="))
		assert_int_equal(in.index, -1);
	if (in.has_mem && !strstr(exp, "rip"))
		assert_false(in.rip_rel);
	for (tok = strtok_r(exp, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '=');

		if (eq)
			*eq++ = '\0';
		check_key(&in, tok, eq, line);
	}
	/* one byte short must never decode (bounds checks) */
	assert_int_equal(sev_insn_decode(b, in.len - 1, &in), SEV_E_DECODE);
}

static void
test_vectors_from_as(void **state)
{
	char line[512], copy[512];
	unsigned count = 0;
	FILE *f;

	(void)state;
	f = fopen(CVM_TEST_DATA "/sev/vc-insns.tsv", "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *bytes, *dis, *exp;
		uint8_t b[16];
		size_t n;

		if (line[0] == '#')
			continue;
		line[strcspn(line, "\n")] = '\0';
		strcpy(copy, line);
		bytes = strtok(copy, "\t");
		dis = strtok(NULL, "\t");
		exp = strtok(NULL, "\t");
		assert_non_null(exp);
		(void)dis;
		n = parse_hex(bytes, b, sizeof(b));
		check_vector(b, n, exp, line);
		count++;
	}
	fclose(f);
	assert_true(count >= 60);
}

static void
test_prefix_rules(void **state)
{
	/* REX followed by a legacy prefix: not a sane encoding */
	static const uint8_t rex_then_66[] = {0x48, 0x66, 0x89, 0x03};
	/* 66 + REX.W: REX.W wins (SDM vol. 2 §2.2.1.2) */
	static const uint8_t w_over_66[] = {0x66, 0x48, 0x89, 0x03};
	/* FS override: decoded, but no address can be formed */
	static const uint8_t fs_mov[] = {0x64, 0x89, 0x03};
	/* 15 prefixes: longer than any instruction */
	static const uint8_t too_long[16] = {0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
					     0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
					     0x66, 0x66, 0x66, 0x90};
	/* C6 with reg != 0 is XABORT, not a MOV */
	static const uint8_t xabort[] = {0xC6, 0xF8, 0x01};
	struct sev_insn in;
	struct sev_regs r = {0};
	uint64_t a;

	(void)state;
	assert_int_equal(sev_insn_decode(rex_then_66, 4, &in), SEV_E_DECODE);
	assert_int_equal(sev_insn_decode(w_over_66, 4, &in), 0);
	assert_int_equal(in.size, 8);
	assert_int_equal(sev_insn_decode(fs_mov, 3, &in), 0);
	assert_int_equal(sev_insn_mem_addr(&in, &r, &a), SEV_E_UNSUPPORTED);
	assert_int_equal(sev_insn_decode(too_long, 16, &in), SEV_E_DECODE);
	assert_int_equal(sev_insn_decode(xabort, 3, &in), SEV_E_DECODE);
	assert_int_equal(sev_insn_decode(too_long, 0, &in), SEV_E_DECODE);
}

static void
test_exit_code_check(void **state)
{
	static const uint8_t cpuid[] = {0x0F, 0xA2};
	static const uint8_t out[] = {0xEE};
	static const uint8_t store[] = {0x89, 0x03};
	static const uint8_t reg_mov[] = {0x89, 0xC3};
	static const uint8_t rdtscp[] = {0x0F, 0x01, 0xF9};
	struct sev_insn in;

	(void)state;
	/* a hypervisor-injected #VC with the wrong code is refused */
	assert_int_equal(sev_insn_decode(cpuid, 2, &in), 0);
	assert_int_equal(sev_insn_check_exit(&in, SEV_EXIT_CPUID), 0);
	assert_int_equal(sev_insn_check_exit(&in, SEV_EXIT_IOIO), SEV_E_OPCODE);
	assert_int_equal(sev_insn_check_exit(&in, SEV_EXIT_MSR), SEV_E_OPCODE);
	assert_int_equal(sev_insn_check_exit(&in, SEV_EXIT_VMMCALL),
			 SEV_E_UNSUPPORTED);
	assert_int_equal(sev_insn_decode(out, 1, &in), 0);
	assert_int_equal(sev_insn_check_exit(&in, SEV_EXIT_IOIO), 0);
	assert_int_equal(sev_insn_check_exit(&in, SEV_EXIT_NPF), SEV_E_OPCODE);
	assert_int_equal(sev_insn_decode(store, 2, &in), 0);
	assert_int_equal(sev_insn_check_exit(&in, SEV_EXIT_NPF), 0);
	assert_int_equal(sev_insn_check_exit(&in, SEV_EXIT_IOIO), SEV_E_OPCODE);
	/* a register-to-register MOV cannot have caused an NPF */
	assert_int_equal(sev_insn_decode(reg_mov, 2, &in), 0);
	assert_int_equal(sev_insn_check_exit(&in, SEV_EXIT_NPF), SEV_E_OPCODE);
	assert_int_equal(sev_insn_decode(rdtscp, 3, &in), 0);
	assert_int_equal(sev_insn_check_exit(&in, SEV_EXIT_RDTSC),
			 SEV_E_OPCODE);
	assert_int_equal(sev_insn_check_exit(&in, SEV_EXIT_RDTSCP), 0);
}

static void
test_effective_address(void **state)
{
	/* mov %edx,0x8(%rbx,%rcx,4) */
	static const uint8_t sib[] = {0x89, 0x54, 0x8B, 0x08};
	/* mov -0x20(%rip),%edx */
	static const uint8_t rip[] = {0x8B, 0x15, 0xE0, 0xFF, 0xFF, 0xFF};
	/* mov %eax,(%ebx) */
	static const uint8_t a32[] = {0x67, 0x89, 0x03};
	struct sev_regs r = {0};
	struct sev_insn in;
	uint64_t a;

	(void)state;
	r.gpr[SEV_RBX] = 0xFEBC0000;
	r.gpr[SEV_RCX] = 3;
	assert_int_equal(sev_insn_decode(sib, 4, &in), 0);
	assert_int_equal(sev_insn_mem_addr(&in, &r, &a), 0);
	assert_int_equal(a, 0xFEBC0000 + 3 * 4 + 8);
	r.rip = 0x100000;
	assert_int_equal(sev_insn_decode(rip, 6, &in), 0);
	assert_int_equal(sev_insn_mem_addr(&in, &r, &a), 0);
	assert_int_equal(a, 0x100000 + 6 - 0x20);
	r.gpr[SEV_RBX] = 0xFFFFFFFF00001000ull;
	assert_int_equal(sev_insn_decode(a32, 3, &in), 0);
	assert_int_equal(sev_insn_mem_addr(&in, &r, &a), 0);
	assert_int_equal(a, 0x1000);
}

static void
test_register_widths(void **state)
{
	struct sev_regs r = {0};

	(void)state;
	/* AMD APM vol. 1 §3.1.2.3: 32-bit writes zero-extend, 8/16 merge */
	r.gpr[SEV_RAX] = 0x1122334455667788ull;
	sev_reg_write(&r, SEV_RAX, false, 1, 0xAA);
	assert_int_equal(r.gpr[SEV_RAX], 0x11223344556677AAull);
	sev_reg_write(&r, SEV_RAX, true, 1, 0xBB);
	assert_int_equal(r.gpr[SEV_RAX], 0x112233445566BBAAull);
	sev_reg_write(&r, SEV_RAX, false, 2, 0xCCDD);
	assert_int_equal(r.gpr[SEV_RAX], 0x112233445566CCDDull);
	sev_reg_write(&r, SEV_RAX, false, 4, 0x01020304);
	assert_int_equal(r.gpr[SEV_RAX], 0x01020304ull);
	sev_reg_write(&r, SEV_R15, false, 8, ~0ull);
	assert_int_equal(r.gpr[SEV_R15], ~0ull);
	r.gpr[SEV_RDX] = 0xABCD;
	assert_int_equal(sev_reg_read(&r, SEV_RDX, true, 1), 0xAB); /* DH */
	assert_int_equal(sev_reg_read(&r, SEV_RDX, false, 1), 0xCD);
}

static void
test_ioio_exit_info(void **state)
{
	/* APM vol. 2 §15.10.2, IOIO EXITINFO1: port 31:16, A64 bit 9,
	 * SZ8/16/32 bits 4..6, TYPE bit 0 (1 = IN) */
	static const struct {
		uint8_t b[3];
		size_t n;
		uint16_t port;
		uint64_t info;
	} v[] = {
		{{0xEC}, 1, 0x3F8, 0x03F80211},		   /* in %dx,%al */
		{{0xEE}, 1, 0x3F8, 0x03F80210},		   /* out %al,%dx */
		{{0x66, 0xEF}, 2, 0xCFC, 0x0CFC0220},	   /* out %ax,%dx */
		{{0xE5, 0x71}, 2, 0x71, 0x00710241},	   /* in $0x71,%eax */
		{{0x67, 0xE7, 0x80}, 3, 0x80, 0x00800140}, /* addr32 out */
	};
	struct sev_insn in;

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(sev_insn_decode(v[i].b, v[i].n, &in), 0);
		assert_int_equal(sev_ioio_exit_info(&in, v[i].port), v[i].info);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors_from_as),
		cmocka_unit_test(test_prefix_rules),
		cmocka_unit_test(test_exit_code_check),
		cmocka_unit_test(test_effective_address),
		cmocka_unit_test(test_register_widths),
		cmocka_unit_test(test_ioio_exit_info),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
