#!/bin/sh
# t2101: the unikernel as a PE32+ EFI application under OVMF (TCG).
# OVMF boots cost seconds, so there are two: every workload at class S
# in one boot (hello first), and the fault path.
. "$(dirname "$0")/lib.sh"
. "$CVM_SRC/guest/tests/boot-lib.sh"
uk_require
[ -f "$UK_OVMF" ] || skip_all "no OVMF firmware at $UK_OVMF (package ovmf)"

test_expect_success 'the kernel lists its workloads' '
	uk_workloads >names && grep -qx hello names
'
list=$(cd "$TMP" && tr '\n' ',' <names | sed 's/,$//')

test_expect_success "OVMF starts the EFI image: $list at class S, exit 0" '
	uk_boot_efi all 256 "workload=$list class=S" && uk_exit all 0
'
test_expect_success 'the CVM1 lines follow the result format' '
	uk_lines_ok all.out
'
test_expect_success 'the boot report says efi and lists the config tables' '
	contains all.out "CVM1 info boot efi" &&
	contains all.out "CVM1 info protection none" &&
	grep -q "^CVM1 info exitbs_tries [1-8]$" all.out &&
	awk "/^CVM1 info efi_tables / { ok = \$4 > 0 } END { exit !ok }" all.out &&
	grep -q "^CVM1 info efi_table 8868e871-e4f1-11d3-bc22-0080c73c8881@0x" all.out &&
	contains all.out "CVM1 info cc_blob 0x0" &&
	contains all.out "CVM1 result hello - ok 1 bool na"
'
for w in $(cat "$TMP/names"); do
	test_expect_success "EFI: $w runs and every result verifies" '
		awk -v w='"$w"' "
			/^CVM1 info workload / { cur = \$4 }
			/^CVM1 result / && cur == w { n++; if (\$3 != w || \$8 == \"no\") bad = 1 }
			END { exit bad || !n }" all.out
	'
done
test_expect_success 'EFI: a null write faults, relocated image and all' '
	uk_boot_efi fault 64 "workload=fault" && uk_exit fault 4 &&
	awk "/^CVM1 fault / { ok = \$3 == \"0xe\" && \$6 == \"0x0\" } END { exit !ok }" fault.out
'
done_testing
