#!/bin/sh
# hw4000: on an SEV-capable host, cvm-oci runs a container at every
# protection level `cvm host check` says this host can launch (chosen by
# the io.cvm.protection annotation): the guest kernel reports memory
# encryption active and the exit status comes through; levels the host
# cannot launch are refused with the check's blocker.  Then the scrape
# demo at the highest level: the plain control finds the secret, the
# protected guest's memory does not give it up.  Elsewhere: skipped with
# the reason the host check gives.  `make check-hw` runs it.
. "$CVM_SRC/tests/integration/lib.sh"
. "$CVM_SRC/tests/integration/oci-lib.sh"

"$CVM" host check --json >"$TMP/hc.json" 2>/dev/null || :
max=$(jq -r '.verdict.max // "none"' "$TMP/hc.json")
if [ "$max" = none ]; then
	skip_all "cvm host check: this host cannot launch SEV guests: $(jq -r '.verdict.levels.sev.blocker.message // "no report"' "$TMP/hc.json")"
fi
oci_need_vm

for lvl in sev sev-es sev-snp; do
	JQ=".annotations = {\"io.cvm.protection\": \"$lvl\"}" \
		oci_bundle "$TMP/b-$lvl" '["sh", "-c", "dmesg | grep -i \"memory encryption\"; exit 7"]'
	if ! jq -e ".verdict.levels[\"$lvl\"].launchable" "$TMP/hc.json" >/dev/null; then
		test_expect_code 1 "$lvl: refused with the host check's blocker" "
			\"\$CVM_OCI\" --root \"\$TMP/root\" run --bundle b-$lvl c-$lvl"
		continue
	fi
	test_expect_code 7 "$lvl: the container runs with memory encryption active" "
		\"\$CVM_OCI\" --root \"\$TMP/root\" run --bundle b-$lvl c-$lvl >$lvl.out; s=\$?;
		grep -qi 'SEV' $lvl.out || exit 9; exit \$s
	"
done

test_expect_success "scrape: $max hides the secret the plain guest gives up" "
	\"\$CVM\" demo scrape --protection $max --json --timeout 600 >scrape.json &&
	jq -e '.runs | length == 2 and all(.as_expected)' scrape.json &&
	jq -e '[.runs[1].methods[] | select(.secret_hits > 0 or .control_hits > 0)] | length == 0' scrape.json
"
done_testing
