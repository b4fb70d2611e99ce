#!/bin/sh
# t2400: `cvm run --protection/--attest` without SEV hardware: the
# refusal per level from this host's own check and from every shipped
# facts file (tests/data/host/verdicts.tsv names the blocker), the
# wording of --protection auto's fallback (stderr and --json), the SEV
# command line of each level for a Genoa host, --attest's fresh nonce
# and expected launch digest (checked against `cvm measure`), usage
# errors, and the dormant attest workload under TCG (PVH and OVMF).
. "$(dirname "$0")/lib.sh"

FACTS=$CVM_SRC/tests/data/host
# shellcheck disable=SC2034 # used in the eval of the tests below
GENOA=$FACTS/genoa-snp-ready.json
# a stand-in image: dry runs only check that it exists
echo "not really a kernel" >"$TMP/uk.efi"
# shellcheck disable=SC2034
IMG="--image $TMP/uk.efi"

# blocker FILE LEVEL: the check id that blocks LEVEL on the facts host
blocker() {
	awk -v f="$(basename "$1" .json)" -v l="$2" '
		$1 == f { print (l == "sev" ? $3 : l == "sev-es" ? $4 : $5) }
	' "$FACTS/verdicts.tsv"
}

test_expect_success 'this host: each level is refused with the host check blocker' '
	"$CVM" host check --json >hc.json || :
	for lvl in sev sev-es sev-snp; do
		if jq -e ".verdict.levels[\"$lvl\"].launchable" hc.json >/dev/null; then
			echo "# $lvl is launchable here: nothing to refuse"; continue
		fi
		id=$(jq -r ".verdict.levels[\"$lvl\"].blocker.id" hc.json)
		code=0
		"$CVM" run --protection $lvl --workload hello >out 2>err || code=$?
		test "$code" = 1 && test ! -s out &&
		contains err "cvm: error: --protection $lvl: this host cannot launch" &&
		contains err "guests: $id: " && contains err "(from the host check, probe)" &&
		test "$(wc -l <err)" = 1 || return 1
	done
'

test_expect_success 'every facts file: refused with its blocker, or launched' '
	n=0
	for f in "$FACTS"/*.json; do
		for lvl in sev sev-es sev-snp; do
			want=$(blocker "$f" $lvl)
			test -n "$want" || { echo "no verdict for $f"; return 1; }
			code=0
			"$CVM" run $IMG --facts "$f" --protection $lvl \
				--workload hello --dry-run >out 2>err || code=$?
			if [ "$want" = - ]; then
				test "$code" = 0 && contains out "confidential-guest-support=sev0" || return 1
			else
				test "$code" = 1 && contains err "guests: $want: " &&
				contains err "facts:$f" || return 1
			fi
			n=$((n + 1))
		done
	done
	echo "# $n decisions" && test "$n" -ge 36
'

test_expect_success 'auto falls back loudly: stderr and --json say to what and why' '
	"$CVM" run $IMG --facts "$FACTS/milan-sev-es.json" --protection auto \
		--workload hello --dry-run >out 2>err &&
	contains err "cvm: warning: --protection auto fell back to sev-es: this host cannot launch SEV-SNP guests (kernel.snp: " &&
	contains out "sev-guest,id=sev0" && contains out "policy=0x7" &&
	"$CVM" run $IMG --facts "$FACTS/milan-sev-es.json" --protection auto \
		--workload hello --dry-run --json >j 2>/dev/null &&
	jq -e ".protection == \"sev-es\" and .sev.requested == \"auto\" and .sev.fallback == true" j &&
	jq -e ".sev.note | startswith(\"--protection auto fell back to sev-es\")" j
'
test_expect_success 'auto to none says the guest runs unprotected' '
	"$CVM" run $IMG --facts "$FACTS/debian12-nonsev-vm.json" --protection auto \
		--workload hello --dry-run >out 2>err &&
	contains err "fell back to none: this host cannot launch SEV guests (cpu.sev: " &&
	contains err "the guest runs UNPROTECTED" && ! grep -q sev-guest out
'
test_expect_success 'auto on a ready Genoa host takes SEV-SNP without a warning' '
	"$CVM" run $IMG --facts "$GENOA" --protection auto --workload hello \
		--dry-run --json >j 2>err &&
	! grep -q warning err &&
	jq -e ".protection == \"sev-snp\" and .sev.fallback == false" j
'

test_expect_success 'dry run per level for Genoa: objects, policy, firmware, KVM' '
	"$CVM" run $IMG --facts "$GENOA" --protection sev --workload hello --dry-run >sev &&
	contains sev "-machine q35,vmport=off,confidential-guest-support=sev0 -accel kvm -cpu EPYC-v4" &&
	contains sev "-object sev-guest,id=sev0,cbitpos=51,reduced-phys-bits=1,policy=0x3,kernel-hashes=on" &&
	contains sev "OVMF.amdsev.fd" && contains sev "-kernel $TMP/uk.efi" &&
	"$CVM" run $IMG --facts "$GENOA" --protection sev-es --workload hello --dry-run >es &&
	contains es "-object sev-guest,id=sev0,cbitpos=51,reduced-phys-bits=1,policy=0x7," &&
	"$CVM" run $IMG --facts "$GENOA" --protection sev-snp --workload hello --dry-run >snp &&
	contains snp "memory-backend=ram0 -accel kvm -cpu EPYC-v4" &&
	contains snp "-object memory-backend-memfd,id=ram0,size=128M,share=true" &&
	contains snp "-object sev-snp-guest,id=sev0,cbitpos=51,reduced-phys-bits=1,policy=0x30000,kernel-hashes=on" &&
	contains snp "-bios /usr/share/edk2/ovmf/OVMF.amdsev.fd" &&
	! grep -q pflash snp
'
test_expect_success '--policy overrides the default' '
	"$CVM" run $IMG --facts "$GENOA" --protection sev-snp --policy 0x70000 \
		--workload hello --dry-run >out && contains out "policy=0x70000"
'
test_expect_code 2 'an SEV-ES run with a policy without the ES bit is refused' \
	'"$CVM" run $IMG --facts "$GENOA" --protection sev-es --policy 0x1 --workload hello --dry-run 2>err;
	s=$?; cat err;
	contains err "cvm: error: --protection sev-es with --policy 0x1: SEV-ES needs the ES bit (bit 2)" &&
	contains err "name the level you mean: --protection sev-es --policy 0x5, or --protection sev --policy 0x1" &&
	exit $s'
test_expect_code 2 'an SEV run with an SEV-ES policy (libvirt'"'"'s 0x07) names the command meant' \
	'"$CVM" run $IMG --facts "$GENOA" --protection sev --policy 0x07 --workload hello --dry-run 2>err;
	s=$?; cat err;
	contains err "cvm: error: --protection sev with --policy 0x7: that policy has the ES bit (bit 2), which makes the guest SEV-ES, not SEV" &&
	contains err "--protection sev-es --policy 0x7, or --protection sev --policy 0x3 for plain SEV" &&
	[ "$(wc -l <err)" = 1 ] &&
	exit $s'

test_expect_success '--attest: attest first, a fresh 64-byte nonce each run' '
	"$CVM" run $IMG --facts "$GENOA" --attest --workload ep --dry-run --json >a.json &&
	"$CVM" run $IMG --facts "$GENOA" --attest --dry-run --json >b.json &&
	na=$(jq -r .sev.nonce a.json) && nb=$(jq -r .sev.nonce b.json) &&
	test ${#na} = 128 && test "$na" != "$nb" &&
	jq -e ".protection == \"sev-snp\" and .sev.attest == true" a.json &&
	jq -e "[.argv[] | select(. == \"workload=attest,ep class=S reps=1 nonce=$na\")] | length == 1" a.json &&
	jq -e ".workload == \"attest\"" b.json &&
	jq -e ".sev.expected_measurement == null and (.sev.expected_note | contains(\"facts host\"))" a.json
'
test_expect_success '--attest: the expected digest is what cvm measure computes' '
	fw=/usr/share/ovmf/OVMF.fd && test -r $fw &&
	"$CVM" run $IMG --facts "$GENOA" --attest --firmware $fw --vcpus 2 \
		--dry-run --json >j &&
	"$CVM" measure --mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf $fw >m &&
	jq -e ".sev.measured_kernel == false" j &&
	test "$(jq -r .sev.expected_measurement j)" = "$(cat m)"
'

test_expect_code 2 '--attest with --protection none is a usage error' \
	'"$CVM" run --attest --protection none'
test_expect_code 2 '--attest with SEV-ES is a usage error' \
	'"$CVM" run $IMG --facts "$GENOA" --attest --protection sev-es --dry-run'
test_expect_code 2 'a facts file without --dry-run is a usage error' \
	'"$CVM" run $IMG --facts "$GENOA" --protection sev --workload hello'
test_expect_code 2 'protection with --boot pvh is a usage error' \
	'"$CVM" run $IMG --facts "$GENOA" --protection sev --boot pvh --workload hello --dry-run'
test_expect_code 2 'protection with --accel tcg is a usage error' \
	'"$CVM" run $IMG --facts "$GENOA" --protection sev --accel tcg --workload hello --dry-run'
test_expect_success '$CVM_HOST_FACTS works like --facts' '
	CVM_HOST_FACTS="$FACTS/milan-sev-es.json" "$CVM" run $IMG \
		--protection sev-snp --workload hello --dry-run >out 2>err || :
	contains err "kernel.snp: " && contains err "facts:$FACTS/milan-sev-es.json"
'

# the real image under TCG: the attest workload is dormant, and says why
test_expect_success 'TCG, PVH: attest reports protection none and not_snp' '
	test -n "$CVM_UNIKERNEL_ELF" || { echo "# no guest build"; exit 0; }
	code=0
	"$CVM" run --workload hello,attest --accel tcg --timeout 30 --json >j || code=$?
	test "$code" = 1 &&
	jq -e ".guest.infos.protection == \"none\" and .guest.infos.sev_status == \"0x0\"" j &&
	jq -e ".guest.infos.attest_status == \"not_snp\" and .guest.report == null" j &&
	jq -e ".guest.exit_status == 1" j
'
test_expect_success 'TCG, OVMF: the same EFI image boots with the SEV paths dormant' '
	test -n "$CVM_UNIKERNEL_EFI" || { echo "# no guest build"; exit 0; }
	code=0
	"$CVM" run --boot efi --workload attest --accel tcg --timeout 120 --json >j || code=$?
	test "$code" = 1 &&
	jq -e ".guest.infos.boot == \"efi\" and .guest.infos.protection == \"none\"" j &&
	jq -e ".guest.infos.cc_blob == \"0x0\" and .guest.infos.attest_status == \"not_snp\"" j
'
done_testing
