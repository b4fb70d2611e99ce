#!/bin/sh
# t3001: `cvm measure` beyond the reference vectors: bad input (each a
# one-line error naming the input; exit 1, usage 2), --json, --explain,
# --dump-vmsa against the reference's VMSA pages, and SNP ID blocks.
. "$(dirname "$0")/lib.sh"

DATA="$CVM_SHARED/testdata/measure"
[ -r "$DATA/OVMF.fd" ] || skip_all "no $DATA"
M="$CVM measure"
# used inside the test bodies, which lib.sh evaluates
# shellcheck disable=SC2034
SNP="--mode snp --vcpus 1 --vcpu-type EPYC-v4"
# shellcheck disable=SC2034
OVMF="$DATA/OVMF.fd"
# shellcheck disable=SC2034
AMDSEV="$DATA/ovmf_AmdSev_suffix.bin"

# err_is CODE TEXT -- COMMAND...: exit CODE, first stderr line has TEXT
err_is() {
	want=$1 text=$2
	shift 3
	code=0
	"$@" >out 2>err || code=$?
	[ "$code" = "$want" ] || { echo "exit $code, want $want"; cat err; return 1; }
	head -n 1 err | grep -q "^cvm: error: .*$text" || { cat err; return 1; }
	[ ! -s out ] || { echo "stdout not empty"; cat out; return 1; }
}

test_expect_success 'missing firmware file is named' '
	err_is 1 "/nonexistent/OVMF.fd" -- $M $SNP --ovmf /nonexistent/OVMF.fd
'
test_expect_success 'a directory as firmware is refused' '
	err_is 1 "is a directory" -- $M $SNP --ovmf "$DATA"
'
test_expect_success 'an unreadable firmware file is named' '
	cp "$OVMF" ro.fd && chmod 000 ro.fd &&
	if [ "$(id -u)" = 0 ]; then
		chmod 755 . &&
		err_is 1 "ro.fd" -- setpriv --reuid=65534 --regid=65534 \
			--clear-groups $M $SNP --ovmf "$PWD/ro.fd"
	else
		err_is 1 "ro.fd" -- $M $SNP --ovmf ro.fd
	fi
'
test_expect_success 'an empty firmware file is refused' '
	: >empty.fd && err_is 1 "empty.fd. is empty" -- $M $SNP --ovmf empty.fd
'
test_expect_success 'a truncated firmware is refused in SNP mode' '
	head -c 5000 "$OVMF" >cut.fd &&
	err_is 1 "not a multiple of 4 KiB" -- $M $SNP --ovmf cut.fd
'
test_expect_success 'a missing kernel is named' '
	err_is 1 "/nonexistent/vmlinuz" -- $M $SNP --ovmf "$AMDSEV" \
		--kernel /nonexistent/vmlinuz
'
test_expect_success 'a kernel with a firmware without hash table names it' '
	: >k && err_is 1 "OVMF.fd. cannot measure a kernel" -- \
		$M $SNP --ovmf "$OVMF" --kernel k
'
test_expect_success 'vcpus 0 is a usage error' '
	err_is 2 "invalid --vcpus 0" -- $M --mode snp --vcpus 0 \
		--vcpu-type EPYC --ovmf "$OVMF"
'
test_expect_success 'vcpus 513 is a usage error' '
	err_is 2 "must be 1..512" -- $M --mode seves --vcpus 513 \
		--vcpu-type EPYC --ovmf "$OVMF"
'
test_expect_success 'a non-numeric vcpus is a usage error' '
	err_is 2 "invalid --vcpus value .four." -- $M --mode snp --vcpus four \
		--vcpu-type EPYC --ovmf "$OVMF"
'
test_expect_success 'an unknown vCPU type is a usage error' '
	err_is 2 "unknown --vcpu-type .EPYC-Zen9." -- $M --mode snp --vcpus 1 \
		--vcpu-type EPYC-Zen9 --ovmf "$OVMF"
'
test_expect_success 'an unknown VMM type is a usage error' '
	err_is 2 "unknown VMM type .kvm." -- $M $SNP --vmm-type kvm \
		--ovmf "$OVMF"
'
test_expect_success 'an unknown mode is a usage error' '
	err_is 2 "invalid --mode .tdx." -- $M --mode tdx --ovmf "$OVMF"
'
test_expect_success 'an unknown option is a usage error' '
	err_is 2 "unknown option .--frobnicate." -- $M $SNP --frobnicate \
		--ovmf "$OVMF"
'
test_expect_success 'a missing --ovmf is a usage error' '
	err_is 2 "required: --ovmf" -- $M $SNP
'
test_expect_success 'conflicting --vars-size and --vars-file' '
	err_is 2 "conflicts" -- $M --mode snp:svsm --vcpus 1 \
		--vcpu-type EPYC --ovmf "$DATA/svsm_ovmf.fd" \
		--svsm "$DATA/svsm.bin" --vars-size 1 --vars-file "$OVMF"
'
test_expect_success 'conflicting --snp-ovmf-hash outside snp mode' '
	err_is 2 "applies to mode .snp. only" -- $M --mode seves --vcpus 1 \
		--vcpu-type EPYC --ovmf "$OVMF" --snp-ovmf-hash \
		ba2c811512ef868474f239a21f7d7057d65a20de87a003c4f116e4fb1573183bfbcd75c3e99b2f558575a5d0094f73c6
'
test_expect_success 'a malformed --snp-ovmf-hash is a usage error' '
	err_is 2 "snp-ovmf-hash" -- $M $SNP --ovmf "$OVMF" --snp-ovmf-hash 12
'
test_expect_success 'conflicting --dump-vmsa in sev mode' '
	err_is 2 "dump-vmsa" -- $M --mode sev --ovmf "$OVMF" --dump-vmsa
'
test_expect_success 'an ID block outside SNP modes is a usage error' '
	err_is 2 "modes snp and snp:svsm" -- $M --mode seves --vcpus 1 \
		--vcpu-type EPYC --ovmf "$OVMF" --id-key k \
		--id-block-out b --id-auth-out a
'
test_expect_success 'an author key without an ID key is a usage error' '
	err_is 2 "need --id-key" -- $M $SNP --ovmf "$OVMF" --author-key k
'
test_expect_success '--append without --kernel is a usage error' '
	err_is 2 "--kernel required when using --append" -- $M $SNP \
		--ovmf "$OVMF" --append quiet
'

test_expect_success '--json carries the digest and the inputs SHA-256' '
	$M --mode snp --vcpus 4 --vcpu-type EPYC-Milan --ovmf "$OVMF" \
		--json >j &&
	contains j "\"digest\": \"e9c10ab98f8086bf4a4993dcdc1f768b1128bcb02301d1791f1d3274329e790db2d12a301d66d99a462a13b5d87e2840\"" &&
	contains j "\"sha256\": \"7b456907dd0786d415999e801a1ac4637b8ed4d7cf5378cfc6edbe5e574dd773\"" &&
	contains j "\"vcpu_sig\": \"0xa00f11\"" &&
	contains j "\"algorithm\": \"sha384\"" &&
	! grep -q regions j
'
test_expect_success '--json reports the kernel and initrd SHA-256' '
	printf K >k && : >i &&
	$M $SNP --ovmf "$AMDSEV" --kernel k --initrd i --append x --json >j &&
	contains j "$(sha256sum k | cut -c1-64)" &&
	contains j "\"sha256\": \"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"" &&
	contains j "\"append\": \"x\""
'
test_expect_success '--json --explain lists the regions in order' '
	$M --mode snp --vcpus 4 --vcpu-type EPYC-Milan --ovmf "$OVMF" \
		--json --explain >j &&
	grep -o "\"what\": \"[A-Za-z_]*\"" j | tr -d "\"" >what &&
	printf "%s\n" "what: firmware" "what: SNP_SEC_MEM" "what: SNP_SEC_MEM" \
		"what: SNP_SECRETS" "what: CPUID" "what: SNP_SEC_MEM" \
		"what: VMSA" "what: VMSA" >want &&
	cmp want what &&
	contains j "\"gpa\": \"0xffe00000\"" &&
	contains j "\"vcpus\": \"1-3\""
'
test_expect_success '--explain prints the digest first, then the table' '
	$M --mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf "$OVMF" \
		--explain >e &&
	head -n 1 e | grep -qx "a5b54e62ae971b58274dd24cc6c47b842662617036e7bd67d7326c07ac6363f35399ef933330a5ea160cead90a00603f" &&
	grep -q "^0x80d000 *1 *SECRETS *SNP_SECRETS" e &&
	grep -q "VMSA vCPU 1$" e
'
test_expect_success '--explain in SEV-ES mode lists offsets' '
	$M --mode seves --vcpus 2 --vcpu-type EPYC-v4 --ovmf "$OVMF" \
		--explain >e &&
	grep -q "^0x200000 *4096 *VMSA vCPU 0" e
'

# the reference's VMSA dumps: name -> our command
check_vmsa() {
	(mkdir "d$1" && cd "d$1" && $M $2 --vcpus 2 --dump-vmsa >/dev/null) &&
	cmp "d$1/vmsa0.bin" "$DATA/vmsa/$3_bsp.bin" &&
	cmp "d$1/vmsa1.bin" "$DATA/vmsa/$3_ap1.bin"
}
test_expect_success '--dump-vmsa writes the reference VMSA pages' '
	check_vmsa 1 "--mode seves --vcpu-type EPYC-v4 --ovmf $OVMF" \
		seves_qemu_epyc-v4_ovmf.fd &&
	check_vmsa 2 "--mode snp --vcpu-type EPYC-v4 --ovmf $OVMF" \
		snp_qemu_epyc-v4_gf0x1_ovmf.fd &&
	check_vmsa 3 "--mode snp --vcpu-type EPYC-Milan --guest-features 0x21 --ovmf $OVMF" \
		snp_qemu_epyc-milan_gf0x21_ovmf.fd &&
	check_vmsa 4 "--mode snp --vcpu-type EPYC-v4 --vmm-type ec2 --ovmf $OVMF" \
		snp_ec2_epyc-v4_gf0x1_ovmf.fd &&
	check_vmsa 5 "--mode snp --vmm-type gce --ovmf $OVMF" \
		snp_gce_gf0x1_ovmf.fd
'

test_expect_success 'ID block and auth: sizes, digest, policy, key digests' '
	openssl ecparam -name secp384r1 -genkey -noout -out id.pem &&
	openssl ecparam -name secp384r1 -genkey -noout -out author.pem &&
	$M $SNP --ovmf "$OVMF" --id-key id.pem --author-key author.pem \
		--id-block-out blk --id-auth-out auth --policy 0x30000 \
		--guest-svn 3 --json >j &&
	base64 -d blk >blk.bin && base64 -d auth >auth.bin &&
	test $(wc -c <blk.bin) = 96 && test $(wc -c <auth.bin) = 4096 &&
	head -c 48 blk.bin | od -An -tx1 | tr -d " \n" >ld &&
	echo 11570979c77a0adb515761a702527c8b9e11554e730552621d950988613a3a75c6ff1703f540bd22a9beede8fe7a97e3 | tr -d "\n" >want &&
	cmp want ld &&
	od -An -tx1 -j 80 -N 16 blk.bin | tr -d " \n" >tail &&
	echo 01000000030000000000030000000000 | tr -d "\n" >want &&
	cmp want tail &&
	dd if=auth.bin bs=1 skip=576 count=1028 2>/dev/null | sha384sum |
		cut -d" " -f1 >kd &&
	contains j "\"id_key_digest\": \"$(cat kd)\""
'
test_expect_success 'ID auth holds the ID key as the PEM file has it' '
	openssl ec -in id.pem -text -noout 2>/dev/null |
		sed -n "/^pub:/,/^ASN1/p" | grep "^ " | tr -d " :\n" >pub &&
	dd if=auth.bin bs=1 skip=580 count=48 2>/dev/null | od -An -tx1 -v |
		tr -s " \n" "\n\n" | grep . | tac | tr -d "\n" >qx &&
	grep -q "^04$(cat qx)" pub
'
test_expect_success 'ID block needs all three of key, block and auth files' '
	err_is 2 "needs --id-key, --id-block-out and --id-auth-out" -- \
		$M $SNP --ovmf "$OVMF" --id-key id.pem --id-block-out b
'
test_expect_success 'a P-256 ID key is refused by name' '
	openssl ecparam -name prime256v1 -genkey -noout -out p256.pem &&
	err_is 1 "p256.pem. is not an ECDSA P-384 key" -- $M $SNP \
		--ovmf "$OVMF" --id-key p256.pem --id-block-out b \
		--id-auth-out a &&
	test ! -e b && test ! -e a
'
test_expect_success '--threads does not change the digest' '
	for n in 1 2 8; do
		$M --mode snp --vcpus 4 --vcpu-type EPYC-Genoa \
			--ovmf "$DATA/OVMF_CODE_4M.fd" --threads $n || exit 1
	done >d && test $(sort -u d | wc -l) = 1 &&
	grep -qx 326272848d4d97c75915b0160d91a114861b0148d3343077d671c8b387425a6b35302d6c76a22883010b58f513709ce4 d &&
	err_is 2 "invalid --threads value" -- $M $SNP --ovmf "$OVMF" \
		--threads 99
'
test_expect_success 'snp:ovmf-hash ignores the other options, as the reference' '
	$M --mode snp:ovmf-hash --ovmf "$OVMF" --kernel /nonexistent \
		--vcpus 0 --output-format base64 -v >h &&
	echo ba2c811512ef868474f239a21f7d7057d65a20de87a003c4f116e4fb1573183bfbcd75c3e99b2f558575a5d0094f73c6 >want &&
	cmp want h
'
test_expect_success '-v prints the reference label' '
	$M -v --mode seves --vcpus 1 --vcpu-type EPYC-v4 --ovmf "$OVMF" >v &&
	contains v "Calculated SEV_ES guest measurement: 5bcbb5a45e7a9fa4699b6cc8f775382a810ff5a0186d3b90069ba28b1840b38f"
'
test_expect_success '--help documents the options and the JSON schema' '
	$M --help >h && contains h "--vcpu-type" && contains h "--id-auth-out" &&
	contains h "id_key_digest"
'
done_testing
