#!/bin/sh
# t2102: every workload the kernel lists (workloads/wl.c's table) runs
# at class S under PVH in a 32 MiB guest, and every result verifies.  A
# workload counts from the moment it is in the table.
. "$(dirname "$0")/lib.sh"
. "$CVM_SRC/guest/tests/boot-lib.sh"
uk_require

test_expect_success 'the kernel lists its workloads' '
	uk_workloads >names && grep -qx hello names
'
for w in $(cat "$TMP/names"); do
	test_expect_success "PVH: $w class S in 32 MiB verifies, exit 0" '
		uk_boot_pvh '"$w"' 32 "workload='"$w"' class=S" &&
		uk_exit '"$w"' 0 && uk_lines_ok '"$w"'.out &&
		grep -q "^CVM1 result '"$w"' " '"$w"'.out &&
		! grep "^CVM1 result .* no$" '"$w"'.out
	'
done
done_testing
