#!/bin/sh
# t3101: `cvm attest kds-url` (no network: it prints where AMD serves the
# VCEK) and `cvm attest report` on a machine that is not an SNP guest.
. "$(dirname "$0")/lib.sh"

S="$CVM_SHARED/testdata/snp"
[ -d "$S" ] || skip_all "no test data in $S"

test_expect_success 'kds-url of a v3 Milan report' '
	"$CVM" attest kds-url "$S/milan-v3-oak/report.bin" >out &&
	grep -qx "https://kdsintf.amd.com/vcek/v1/Milan/a3fdc2c64dc299ab[0-9a-f]*?blSPL=04&teeSPL=00&snpSPL=24&ucodeSPL=219" out
'
test_expect_success 'kds-url of a Turin report: 8-byte hwID, fmcSPL' '
	"$CVM" attest kds-url "$S/turin-v5-oak/report.bin" >out &&
	grep -qx "https://kdsintf.amd.com/vcek/v1/Turin/3b42092f69c656d3?fmcSPL=00&blSPL=01&teeSPL=00&snpSPL=02&ucodeSPL=71" out
'
test_expect_code 2 'a v2 report needs --product' '
	"$CVM" attest kds-url "$S/milan-v2-virtee/report.bin" 2>err
'
test_expect_success '... and says so; with it the URL is printed' '
	! "$CVM" attest kds-url "$S/milan-v2-virtee/report.bin" 2>err &&
	contains err "pass --product Milan|Genoa|Turin" &&
	"$CVM" attest kds-url --product milan "$S/milan-v2-virtee/report.bin" >out &&
	contains out "/vcek/v1/Milan/d49554ec717f4e5b"
'
test_expect_success '--chain, --cache-name and --json' '
	"$CVM" attest kds-url --chain "$S/genoa-v5-oak/report.bin" >out &&
	grep -qx "https://kdsintf.amd.com/vcek/v1/Genoa/cert_chain" out &&
	"$CVM" attest kds-url --cache-name "$S/genoa-v5-oak/report.bin" >out &&
	grep -qx "vcek-d2421d976f95ce0b[0-9a-f]*-541900000000000a.der" out &&
	"$CVM" attest kds-url --json "$S/genoa-v5-oak/report.bin" >out &&
	contains out "\"product\": \"Genoa\"" && contains out "\"cert_chain_url\""
'
test_expect_code 1 'a VLEK report has no KDS VCEK' '
	"$CVM" attest kds-url "$S/milan-v3-vlek-vmpl1-trustee/report.bin" 2>err
'
test_expect_success 'report outside an SNP guest says what is missing' '
	if [ -e /dev/sev-guest ]; then echo "# this is an SNP guest"; exit 0; fi
	code=0; "$CVM" attest report --nonce 00112233 -o r.bin 2>err || code=$?
	test $code = 1 && contains err "cannot get an SNP report: not an SNP guest" &&
	contains err "/dev/sev-guest" && test ! -e r.bin
'
test_expect_code 2 'report: a bad nonce is a usage error' '
	"$CVM" attest report --nonce 123 2>err
'
test_expect_code 2 'report: VMPL 4 is a usage error' '"$CVM" attest report --vmpl 4'
test_expect_success 'every attest verb has --help' '
	for v in verify report kds-url; do
		"$CVM" attest $v --help >out && grep -q "^usage: cvm attest $v" out || exit 1
	done
'
done_testing
