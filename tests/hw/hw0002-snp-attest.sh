#!/bin/sh
# hw0002: on an SEV-SNP host, `cvm run --attest`: the unikernel asks the
# SNP firmware for a report over a fresh nonce (MSG_REPORT_REQ, VMPCK0),
# the host verifies it against AMD's chain, the nonce and the launch
# digest `cvm measure` computes, and a second run's nonce differs (so
# the first report does not verify against it).  The VCEK comes from
# $CVM_HW_VCEK, else $CVM_HW_CERTS (a folder or bundle), else the cache
# <data dir>/vcek (see the README).  Elsewhere: skipped with the reason
# `cvm host check` gives for SEV-SNP.
# (lib.sh points XDG_DATA_HOME into the test's scratch folder: read the
# user's VCEK folder first)
VCEK_DIR=${XDG_DATA_HOME:-$HOME/.local/share}/cvm/vcek
. "$CVM_SRC/tests/integration/lib.sh"

# the QEMU `cvm run` will use ($CVM_QEMU, else the one on $PATH)
"$CVM" host check --json ${CVM_QEMU:+--qemu "$CVM_QEMU"} >"$TMP/hc.json" 2>/dev/null || :
if ! jq -e '.verdict.levels["sev-snp"].launchable' "$TMP/hc.json" >/dev/null; then
	skip_all "cvm host check: this host cannot launch SEV-SNP guests: $(jq -r '.verdict.levels["sev-snp"].blocker.message // "no report"' "$TMP/hc.json")"
fi
CERTS=
[ -n "${CVM_HW_VCEK:-}" ] && CERTS="--vcek $CVM_HW_VCEK"
[ -n "${CVM_HW_CERTS:-}" ] && CERTS="$CERTS --certs $CVM_HW_CERTS"
[ -z "$CERTS" ] && [ -d "$VCEK_DIR" ] && CERTS="--certs $VCEK_DIR"

test_expect_success 'cvm run --attest: attested, with every check passing' "
	\"\$CVM\" run --attest $CERTS --json --timeout 600 >a.json &&
	jq -e '.attestation.attested == true and .guest.infos.attest_status == \"ok\"' a.json &&
	jq -e '[.attestation.result.checks[] | select(.status == \"fail\")] | length == 0' a.json &&
	jq -e '.sev.expected_measurement != null' a.json
"
# hex digits: REPORT_DATA at 0x50 (64 bytes), MEASUREMENT at 0x90 (48)
test_expect_success 'the report carries this run: nonce and launch digest' '
	jq -r .guest.report a.json >report.hex &&
	test "$(tr -d "\n" <report.hex | wc -c)" = 2368 &&
	test "$(cut -c161-288 report.hex)" = "$(jq -r .sev.nonce a.json)" &&
	test "$(cut -c289-384 report.hex)" = "$(jq -r .sev.expected_measurement a.json)"
'
test_expect_success 'a second run draws another nonce; the old report fails it' "
	\"\$CVM\" run --attest $CERTS --json --timeout 600 >b.json &&
	test \"\$(jq -r .sev.nonce a.json)\" != \"\$(jq -r .sev.nonce b.json)\" &&
	code=0 &&
	\"\$CVM\" attest verify $CERTS --nonce \"\$(jq -r .sev.nonce b.json)\" report.hex >v 2>&1 || code=\$? ;
	test \"\$code\" = 3
"
done_testing
