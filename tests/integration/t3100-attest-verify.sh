#!/bin/sh
# t3100: `cvm attest verify` on the real reports in ../shared/testdata/snp:
# exit statuses (0 valid, 3 invalid, 1 could not verify, 2 usage), each
# rejection's own reason, input forms, certificate sources, --json.
. "$(dirname "$0")/lib.sh"

S="$CVM_SHARED/testdata/snp"
[ -d "$S" ] || skip_all "no test data in $S"
AT="--at 2025-09-01"

for c in milan-v2-virtee milan-v3-oak genoa-v5-oak turin-v5-oak; do
	test_expect_success "$c verifies (exit 0)" "
		\"\$CVM\" attest verify \"$S/$c/report.bin\" --vcek \"$S/$c/vcek.der\" $AT >out &&
		contains out 'result: VALID' && contains out 'report_sig   pass'
	"
done
test_expect_success 'the Azure HCL report is unwrapped and its binding checked' '
	"$CVM" attest verify "$S/milan-v2-azure-hcl/hcl-report.bin" \
		--certs "$S/milan-v2-azure-hcl/vcek-chain.pem" $AT >out &&
	contains out "(Azure HCL report)" && contains out "hcl          pass"
'
test_expect_success 'hex text is accepted' '
	"$CVM" attest verify "$S/milan-v2-virtee/report_milan.hex" \
		--vcek "$S/milan-v2-virtee/vcek.der" $AT >out &&
	contains out "(hex text)"
'
test_expect_code 3 'a debug policy is rejected without --allow-debug' '
	"$CVM" attest verify "$S/milan-v2-gsg/report.bin" --vcek "$S/milan-v2-gsg/vcek.der" $AT 2>err >/dev/null
'
test_expect_success '... with its own reason, and accepted with it' '
	! "$CVM" attest verify -q "$S/milan-v2-gsg/report.bin" --vcek "$S/milan-v2-gsg/vcek.der" $AT 2>err &&
	contains err "is invalid: debug: policy 0xb0000 allows debugging" &&
	"$CVM" attest verify -q "$S/milan-v2-gsg/report.bin" --vcek "$S/milan-v2-gsg/vcek.der" $AT --allow-debug
'
test_expect_code 3 'the VCEK of another chip is rejected' '
	"$CVM" attest verify "$S/neg-milan-v2-azure-wrong-vcek/report.bin" \
		--certs "$S/neg-milan-v2-azure-wrong-vcek/certs.pem" $AT >out 2>err
'
test_expect_success '... because the signature and hwID do not match' '
	! "$CVM" attest verify "$S/neg-milan-v2-azure-wrong-vcek/report.bin" \
		--certs "$S/neg-milan-v2-azure-wrong-vcek/certs.pem" $AT >out 2>err &&
	contains err "invalid: report_sig: the ECDSA P-384 signature does not verify" &&
	contains out "another processor"
'
test_expect_success 'the right VCEK with the wrong chain is rejected' '
	awk "/BEGIN/{n++} n==1" "$S/amd-certs/ask_ark_genoa.pem" >ask.pem &&
	awk "/BEGIN/{n++} n==2" "$S/amd-certs/ask_ark_genoa.pem" >ark.pem &&
	code=0; "$CVM" attest verify "$S/milan-v3-oak/report.bin" \
		--vcek "$S/milan-v3-oak/vcek.der" --ask ask.pem --ark ark.pem $AT >out 2>err || code=$?
	test $code = 3 && contains out "is SEV-Genoa, but a Milan report needs SEV-Milan"
'
test_expect_success 'an expired VLEK is rejected without --at, accepted with it' '
	code=0; "$CVM" attest verify "$S/milan-v3-vlek-vmpl1-trustee/report.bin" \
		--vlek "$S/milan-v3-vlek-vmpl1-trustee/vlek.der" >out 2>err || code=$?
	test $code = 3 && contains err "validity: SEV-VLEK" && contains err "expired on 2025-12-10" &&
	"$CVM" attest verify -q "$S/milan-v3-vlek-vmpl1-trustee/report.bin" \
		--vlek "$S/milan-v3-vlek-vmpl1-trustee/vlek.der" $AT --vmpl 1
'
test_expect_success 'a nonce mismatch is rejected, the right nonce accepted' '
	code=0; "$CVM" attest verify "$S/milan-v3-oak/report.bin" --vcek "$S/milan-v3-oak/vcek.der" \
		$AT --nonce a7ca989b0359ea4f >out 2>err || code=$?
	test $code = 3 && contains err "nonce: REPORT_DATA starts with a7ca989b0359ea4e" &&
	"$CVM" attest verify -q "$S/milan-v3-oak/report.bin" --vcek "$S/milan-v3-oak/vcek.der" \
		$AT --nonce a7ca989b0359ea4e
'
test_expect_success 'measurement, policy and TCB expectations' '
	M=195b01b74976a1faba13bd85eaf787958f0a46e6dddd45c5bdbf8673522777842b8057ae5d866b75416efb62012deaa3 &&
	"$CVM" attest verify -q "$S/milan-v3-oak/report.bin" --vcek "$S/milan-v3-oak/vcek.der" \
		$AT --measurement $M --policy 0x30000 --min-tcb bl=4,snp=24,ucode=219 &&
	! "$CVM" attest verify -q "$S/milan-v3-oak/report.bin" --vcek "$S/milan-v3-oak/vcek.der" \
		$AT --min-tcb ucode=220 2>err && contains err "min_tcb:" &&
	! "$CVM" attest verify -q "$S/milan-v3-oak/report.bin" --vcek "$S/milan-v3-oak/vcek.der" \
		$AT --measurement 00$(echo $M | cut -c3-) 2>err && contains err "measurement: MEASUREMENT is 195b01b7"
'
test_expect_success 'without a VCEK: exit 1 and the KDS URL to fetch it from' '
	code=0; "$CVM" attest verify "$S/milan-v3-oak/report.bin" $AT >out 2>err || code=$?
	test $code = 1 &&
	contains err "cannot verify" &&
	contains err "https://kdsintf.amd.com/vcek/v1/Milan/a3fdc2c64dc299ab"
'
test_expect_success '--cert-cache finds the VCEK by its cache name' '
	mkdir cache &&
	cp "$S/genoa-v5-oak/vcek.der" "cache/$("$CVM" attest kds-url --cache-name "$S/genoa-v5-oak/report.bin")" &&
	"$CVM" attest verify "$S/genoa-v5-oak/report.bin" --cert-cache cache $AT >out &&
	contains out "cache:cache/vcek-d2421d976f95ce0b"
'
test_expect_success 'a VCEK alone: its chain is verified' '
	"$CVM" attest verify --vcek "$S/turin-vcek-only/vcek.der" >out &&
	contains out "SEV-VCEK signed by SEV-Turin" && contains out "result: VALID"
'
test_expect_success '--json carries the verdict and every check' '
	"$CVM" attest verify "$S/turin-v5-oak/report.bin" --vcek "$S/turin-v5-oak/vcek.der" $AT --json >out &&
	contains out "\"verdict\": \"valid\"" && contains out "\"id\": \"hwid\"" &&
	contains out "\"hwid_encoding\": \"raw8\"" && contains out "\"text\": \"fmc=0 bl=1 tee=0 snp=2 ucode=71\""
'
# validate FILE...: each holds JSON that docs/attest.schema.json accepts
validate() {
	python3 - "$CVM_SRC/docs/attest.schema.json" "$@" <<-'PY'
	import json, sys
	import jsonschema
	schema = json.load(open(sys.argv[1]))
	jsonschema.Draft202012Validator.check_schema(schema)
	v = jsonschema.Draft202012Validator(schema)
	for f in sys.argv[2:]:
	    errors = list(v.iter_errors(json.load(open(f))))
	    for e in errors:
	        print(f, list(e.path), e.message)
	    if errors:
	        sys.exit(1)
	PY
}
if python3 -c 'import jsonschema' 2>/dev/null; then
	test_expect_success '--json validates against docs/attest.schema.json' '
		"$CVM" attest verify "$S/turin-v5-oak/report.bin" --vcek "$S/turin-v5-oak/vcek.der" $AT --json >1.json &&
		! "$CVM" attest verify "$S/milan-v2-gsg/report.bin" --vcek "$S/milan-v2-gsg/vcek.der" --json >2.json &&
		! "$CVM" attest verify "$S/milan-v3-oak/report.bin" --json >3.json &&
		"$CVM" attest verify "$S/milan-v2-azure-hcl/hcl-report.bin" --json $AT 			--certs "$S/milan-v2-azure-hcl/vcek-chain.pem" >4.json &&
		"$CVM" attest verify --vcek "$S/turin-vcek-only/vcek.der" --json >5.json &&
		! "$CVM" attest verify "$S/milan-v3-vlek-vmpl1-trustee/report.bin" --json 			--vlek "$S/milan-v3-vlek-vmpl1-trustee/vlek.der" --nonce 00 --min-tcb 0x0 >6.json &&
		validate 1.json 2.json 3.json 4.json 5.json 6.json &&
		contains 3.json "\"verdict\": \"unverified\"" && contains 2.json "\"reason\": \"debug: "
	'
else
	echo "# python3-jsonschema is missing: the schema test is skipped"
fi
test_expect_code 2 'bad hex is a usage error' '"$CVM" attest verify r.bin --measurement xyz'
test_expect_code 2 'a bad --at is a usage error' '"$CVM" attest verify r.bin --at tomorrow'
test_expect_code 2 'no report and no --vcek is a usage error' '"$CVM" attest verify'
test_expect_code 1 'a missing report file' '"$CVM" attest verify nosuch.bin 2>err'
test_expect_success 'garbage is named as not a report' '
	printf "hello" >g.bin && ! "$CVM" attest verify g.bin 2>err &&
	contains err "'"'"'g.bin'"'"' is not an SNP report: 5 bytes"
'
done_testing
