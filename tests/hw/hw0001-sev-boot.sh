#!/bin/sh
# hw0001: on an SEV-capable host, boot the unikernel (EFI image under
# OVMF) in every protection level `cvm host check` says this host can
# launch, check from inside that SEV_STATUS has exactly that mode's bits
# and the C-bit the host reports, and that a class S workload still
# verifies under the highest level.  Levels the host cannot launch must
# be refused with the check's blocker.  Elsewhere: skipped, with the
# reason the host check gives.  `make check-hw` runs it.
. "$CVM_SRC/tests/integration/lib.sh"

# the QEMU `cvm run` will use ($CVM_QEMU, else the one on $PATH)
"$CVM" host check --json ${CVM_QEMU:+--qemu "$CVM_QEMU"} >"$TMP/hc.json" 2>/dev/null || :
max=$(jq -r '.verdict.max // "none"' "$TMP/hc.json")
if [ "$max" = none ]; then
	skip_all "cvm host check: this host cannot launch SEV guests: $(jq -r '.verdict.levels.sev.blocker.message // "no report"' "$TMP/hc.json")"
fi
CBIT=$(jq -r '.host.cbitpos' "$TMP/hc.json")

# the SEV_STATUS mode bits (APM vol. 2 §15.34.10) each level must show
mode_bits() {
	case $1 in sev) echo 1 ;; sev-es) echo 3 ;; sev-snp) echo 7 ;; esac
}

for lvl in sev sev-es sev-snp; do
	if ! jq -e ".verdict.levels[\"$lvl\"].launchable" "$TMP/hc.json" >/dev/null; then
		test_expect_code 1 "$lvl: refused with the host check's blocker" \
			"\"\$CVM\" run --protection $lvl --workload hello"
		continue
	fi
	test_expect_success "$lvl: the guest runs and reports SEV_STATUS from inside" "
		\"\$CVM\" run --protection $lvl --workload hello --json --timeout 600 >$lvl.json &&
		jq -e '.ok == true and .protection == \"$lvl\"' $lvl.json &&
		jq -e '.guest.infos.protection == \"$lvl\"' $lvl.json &&
		st=\$(jq -r .guest.infos.sev_status $lvl.json) &&
		test \$((st & 7)) = $(mode_bits $lvl) &&
		test \"\$(jq -r .guest.infos.cbit $lvl.json)\" = $CBIT
	"
done

test_expect_success "$max: a class S workload verifies unchanged" "
	\"\$CVM\" run --protection $max --workload ep --class S --json --timeout 900 >ep.json &&
	jq -e '.ok == true and .guest.infos.protection == \"$max\"' ep.json &&
	jq -e '[.guest.results[] | select(.verified != \"yes\")] | length == 0' ep.json
"
done_testing
