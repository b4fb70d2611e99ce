/* SPDX-License-Identifier: MIT */
/*
 * The `attest` workload (docs/sev-guest.md §5 D): ask the SNP firmware
 * for an attestation report whose REPORT_DATA is the nonce the host put
 * on the command line (nonce=HEX, zero-padded to 64 bytes), and print
 * it as "CVM1 report HEX" (docs/result-format.md).
 *
 * MSG_REPORT_REQ goes out with SNP_GUEST_REQUEST (GHCB spec 56421
 * §4.1.8) sealed with AES-256-GCM under VMPCK0 (SNP ABI 56860 §7):
 * guest/sev/sev-report.c does the exchange.  The request and response
 * pages are shared with the host (made so here, once, through the
 * GHCB); messages are built and checked in a private scratch page.
 * Any failure wipes VMPCK0 in the secrets page: no further request is
 * possible in this boot, and the status says why.  BearSSL (AES, GHASH)
 * runs here with SSE on, never in #VC context.
 */
#include <stdint.h>
#include <string.h>

#include "cpu.h"
#include "kernel.h"
#include "sev-kernel.h"
#include "sev-report.h"
#include "wl.h"

#define BUSY_TRIES   3
#define BUSY_WAIT_NS 1000000000ull /* about a second between resends */
#define HEX_CHUNK    64

static uint8_t req_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t resp_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t scratch[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t report[SEV_REPORT_SIZE];
static struct sev_msg_ctx msg;
static bool ready; /* pages shared and the message context set up */

static int
request(void *ctx, uint64_t *exitinfo2)
{
	int r;

	(void)ctx;
	sev_ghcb_busy = true;
	r = sev_ghcb_guest_request(&sev_ghcb, sev_hw_ghcb_call, NULL,
				   sev_pa(req_page), sev_pa(resp_page),
				   exitinfo2);
	sev_ghcb_busy = false;
	return r;
}

static void
busy_wait(void *ctx)
{
	uint64_t t0 = rdtsc();

	(void)ctx;
	if (!tsc_khz) {
		for (volatile unsigned long i = 0; i < 100000000ul; i++)
			;
		return;
	}
	while (tsc_ticks_to_ns(rdtsc() - t0) < BUSY_WAIT_NS)
		cpu_relax();
}

static void
print_hex_line(const char *head, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char buf[2 * HEX_CHUNK + 1];

	console_write(head);
	for (size_t i = 0; i < n; i += HEX_CHUNK) {
		size_t k = 0;

		for (size_t j = i; j < n && j < i + HEX_CHUNK; j++) {
			buf[k++] = digits[p[j] >> 4];
			buf[k++] = digits[p[j] & 15];
		}
		buf[k] = '\0';
		console_write(buf);
	}
	console_write("\n");
}

/* Share the two message pages (GHCB page-state change under SNP). */
static const char *
setup(void)
{
	if (!sev_secrets_ok)
		return "no_secrets_page";
	if (sev_boot_share(&sev_st, &sev_kmem, &sev_kernel_pt,
			   (uint64_t)(uintptr_t)req_page, sev_pa(req_page),
			   1) ||
	    sev_boot_share(&sev_st, &sev_kmem, &sev_kernel_pt,
			   (uint64_t)(uintptr_t)resp_page, sev_pa(resp_page),
			   1))
		sev_terminate(sev_st.term_set, sev_st.term_code);
	if (sev_msg_ctx_init(&msg, &sev_secrets, 0))
		return "no_vmpck0";
	ready = true;
	return NULL;
}

static int
unavailable(const char *why)
{
	kprintf("CVM1 info attest_status %s\n", why);
	return CVM_GUEST_EXIT_UNVERIFIED;
}

int
sev_attest_run(const char *nonce_hex)
{
	const struct sev_guest_channel ch = {req_page,	resp_page, scratch,
					     NULL,	request,   busy_wait,
					     BUSY_TRIES};
	struct sev_report_status st;
	uint8_t data[SEV_REPORT_DATA_LEN];
	const char *why;
	int r;

	kprintf("CVM1 info workload attest\n");
	if (!nonce_hex || !nonce_hex[0] ||
	    sev_report_data_from_hex(nonce_hex, strlen(nonce_hex), data)) {
		kprintf("cvm: attest: give the nonce as nonce=HEX (2 to 128 "
			"hex digits)\n");
		return CVM_GUEST_EXIT_USAGE;
	}
	if (sev_st.mode != SEV_MODE_SNP) {
		kprintf("cvm: attest: not an SEV-SNP guest (protection %s): "
			"no attestation report\n",
			sev_mode_name(sev_st.mode));
		return unavailable("not_snp");
	}
	if (!ready && (why = setup()))
		return unavailable(why);
	if (msg.dead)
		return unavailable("vmpck0_wiped");
	wl_phase("workload_start");
	r = sev_report_get(&msg, &ch, data, 0, SEV_REPORT_KEY_ANY, report, &st);
	wl_phase("workload_end");
	if (r) {
		kprintf("cvm: attest: the report request failed: %s "
			"(exitinfo2 0x%llx, firmware status 0x%x); VMPCK0 is "
			"wiped\n",
			sev_strerror(r), (unsigned long long)st.exitinfo2,
			st.fw_status);
		kprintf("CVM1 info attest_exitinfo2 0x%llx\n",
			(unsigned long long)st.exitinfo2);
		return unavailable(sev_strerror(r));
	}
	print_hex_line(CVM_RESULT_TAG " report ", report, sizeof(report));
	kprintf("CVM1 info attest_status ok\n");
	return CVM_GUEST_EXIT_OK;
}
