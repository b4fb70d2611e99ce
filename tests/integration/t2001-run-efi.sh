#!/bin/sh
# t2001: `cvm run --boot efi`: OVMF (Debian's split build, its VARS
# template copied for the run) starts the unikernel's EFI application;
# every workload at class S in one boot (OVMF costs seconds under TCG, so
# this is the only EFI boot of the suite besides the error cases).
. "$(dirname "$0")/lib.sh"

[ -f "$CVM_BUILD/guest/cvm-unikernel.efi" ] ||
	skip_all "the unikernel is not built (-Dguest=false)"
[ -r /usr/share/OVMF/OVMF_CODE_4M.fd ] || skip_all "no OVMF (Debian's ovmf)"
command -v qemu-system-x86_64 >/dev/null || skip_all "no qemu-system-x86_64"

test_expect_success 'EFI: every workload at class S in one boot, exit 0' '
	mkdir tmpd &&
	TMPDIR=$TMP/tmpd "$CVM" run --boot efi --workload hello,stream,ep,is,cg,mg,ft \
		--accel tcg --timeout 600 --json >out &&
	jq -e ".ok == true and .guest.exit_status == 0 and .guest.infos.boot == \"efi\"" out &&
	for w in stream ep is cg mg ft; do
		jq -e --arg w $w "[.guest.results[] | select(.workload == \$w)] | length > 0 and all(.verified == \"yes\")" out ||
			{ echo "$w: no verified result"; exit 1; }
	done &&
	jq -e ".firmware == \"/usr/share/OVMF/OVMF_CODE_4M.fd\" and .memory_mib == 128" out &&
	jq -e ".argv | map(select(test(\"OVMF_VARS.fd\"))) | length == 1" out &&
	test -z "$(ls tmpd)"
'
done_testing
