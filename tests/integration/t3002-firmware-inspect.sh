#!/bin/sh
# t3002: `cvm firmware inspect`: the shared fixtures and Debian's images
# say what they support; truncated, oversized and malformed images get a
# one-line error with exit 1, never a crash.
. "$(dirname "$0")/lib.sh"

DATA="$CVM_SHARED/testdata/measure"
[ -r "$DATA/OVMF.fd" ] || skip_all "no $DATA"
# used inside the test bodies, which lib.sh evaluates
# shellcheck disable=SC2034
I="$CVM firmware inspect"

err_is() {
	want=$1 text=$2
	shift 3
	code=0
	"$@" >out 2>err || code=$?
	[ "$code" = "$want" ] || { echo "exit $code, want $want"; cat err; return 1; }
	head -n 1 err | grep -q "^cvm: error: .*$text" || { cat err; return 1; }
}

test_expect_success 'OVMF.fd: SEV, SEV-ES, SNP without kernel hashes' '
	$I "$DATA/OVMF.fd" >o &&
	contains o "supports:       SEV, SEV-ES and SEV-SNP; without kernel hashes" &&
	contains o "SEV-ES reset:   AP entry 0x80b004" &&
	grep -q "^SNP_SECRETS *0x80d000 *0x1000" o &&
	grep -q "^dc886566-984a-4798-a75e-5585a7bf67cc *OVMF_SEV_METADATA" o &&
	contains o "GPA 0x0, 0 bytes (GPA 0: not usable)"
'
test_expect_success 'OVMF_CODE_4M.fd: SEV and SEV-ES only' '
	$I "$DATA/OVMF_CODE_4M.fd" >o &&
	contains o "supports:       SEV and SEV-ES; without kernel hashes" &&
	contains o "SEV metadata:   none"
'
test_expect_success 'the AmdSev build supports measured direct boot' '
	$I "$DATA/ovmf_AmdSev_suffix.bin" >o &&
	contains o "with measured direct boot (kernel hashes) in all" &&
	contains o "hash table:     GPA 0x810c00, 1024 bytes" &&
	grep -q "^SNP_KERNEL_HASHES *0x810000" o
'
test_expect_success 'an SVSM image shows its SVSM info' '
	$I "$DATA/svsm.bin" >o && contains o "SVSM info:      entry at offset"
'
test_expect_success '--json: tables, sections and supports' '
	$I --json "$DATA/ovmf_AmdSev_suffix.bin" >j &&
	contains j "\"name\": \"SNP_KERNEL_HASHES\"" &&
	contains j "\"kernel_hashes_snp\": true" &&
	contains j "\"sev_es_reset_eip\": \"0x80b004\"" &&
	contains j "\"sha256\": \"8f765dfabc127fc0a938a0744a3103ec15864d7d794eb4c398aa976b6d6ab16c\"" &&
	$I "$DATA/OVMF_CODE_4M.fd" --json >j &&
	contains j "\"metadata\": null" && contains j "\"sev_snp\": false"
'
test_expect_success "Debian's installed images parse" '
	n=0 &&
	for f in /usr/share/ovmf/OVMF.fd /usr/share/OVMF/OVMF_CODE*.fd; do
		[ -r "$f" ] || continue
		$I "$f" >o || exit 1
		contains o "without kernel hashes" || exit 1
		n=$((n + 1))
	done &&
	echo "$n images"
'
test_expect_success 'a file without footer table: no SEV support' '
	head -c 8192 /dev/zero >zero.fd && $I zero.fd >o &&
	contains o "footer table:   none" && contains o "no SEV support"
'
test_expect_success 'a truncated image is refused' '
	head -c 100000 "$DATA/OVMF.fd" >cut.fd &&
	err_is 1 "cut.fd. is 100000 bytes, not a multiple of 4 KiB" -- $I cut.fd
'
test_expect_success 'an empty image is refused' '
	: >empty.fd && err_is 1 "is empty" -- $I empty.fd
'
test_expect_success 'an oversized image is refused' '
	truncate -s 65M big.fd &&
	err_is 1 "more than the 64 MiB" -- $I big.fd
'
test_expect_success 'a broken footer size is refused with its offset' '
	cp "$DATA/ovmf_AmdSev_suffix.bin" bad.fd && chmod u+w bad.fd &&
	printf "\377\377" | dd of=bad.fd bs=1 seek=4046 conv=notrunc 2>/dev/null &&
	err_is 1 "bad.fd.: footer table at offset 0xfce" -- $I bad.fd
'
test_expect_success 'a broken metadata signature is refused' '
	cp "$DATA/ovmf_AmdSev_suffix.bin" bad.fd && chmod u+w bad.fd &&
	printf "XXXX" | dd of=bad.fd bs=1 seek=2732 conv=notrunc 2>/dev/null &&
	err_is 1 "signature is not .ASEV." -- $I bad.fd
'
test_expect_success 'missing file and directory are named' '
	err_is 1 "/nonexistent.fd" -- $I /nonexistent.fd &&
	err_is 1 "is a directory" -- $I "$DATA"
'
test_expect_code 2 'no FILE is a usage error' '$I'
test_expect_code 2 'two FILEs are a usage error' '$I a b'
test_expect_code 2 'an unknown option is a usage error' '$I --frob x'
test_expect_code 2 'an unknown verb is a usage error' '$CVM firmware frob'
test_expect_success 'firmware --help lists inspect' '
	$CVM firmware --help >h && contains h "inspect" &&
	$I --help >h && contains h "kernel_hashes_snp"
'
done_testing
