#!/bin/sh
# t2100: the unikernel's PVH boot, run by QEMU directly (TCG): boot
# report, result format, exit statuses, faults, hangs, the command line,
# small memory and ACPI poweroff.
. "$(dirname "$0")/lib.sh"
. "$CVM_SRC/guest/tests/boot-lib.sh"
uk_require

test_expect_success 'PVH boot of hello exits 0 through isa-debug-exit' '
	uk_boot_pvh hello 32 "workload=hello" && uk_exit hello 0
'
test_expect_success 'the CVM1 lines follow the result format' '
	uk_lines_ok hello.out
'
test_expect_success 'hello reports boot method, clock, memory, protection' '
	contains hello.out "CVM1 info boot pvh" &&
	contains hello.out "CVM1 info protection none" &&
	contains hello.out "CVM1 info sev_status 0x0" &&
	awk "/^CVM1 info tsc_khz /  { ok = \$4 > 100000 } END { exit !ok }" hello.out &&
	awk "/^CVM1 info mem_mib /  { ok = \$4 >= 28 && \$4 <= 32 } END { exit !ok }" hello.out &&
	contains hello.out "CVM1 result hello - ok 1 bool na"
'
test_expect_success 'hello reports every boot phase, from entry on' '
	for p in entry longmode main workload_start workload_end; do
		grep -q "^CVM1 boot $p [0-9]" hello.out || { echo "no $p"; exit 1; }
	done &&
	grep -q "^CVM1 boot entry 0$" hello.out &&
	test "$(grep "^CVM1 " hello.out | tail -n 1)" = "CVM1 exit 0"
'
test_expect_success 'hello runs in a 4 MiB guest' '
	uk_boot_pvh small 4 "workload=hello" && uk_exit small 0 &&
	contains small.out "CVM1 result hello - ok 1 bool na"
'
test_expect_success 'a null write faults: reported, exit status 4' '
	uk_boot_pvh fault 32 "workload=fault" && uk_exit fault 4 &&
	uk_lines_ok fault.out &&
	awk "/^CVM1 fault / { ok = \$3 == \"0xe\" && \$4 == \"0x2\" && \$6 == \"0x0\" }
	     END { exit !ok }" fault.out &&
	contains fault.out "cvm: exception 14 (#PF) error 0x2 at rip 0x"
'
test_expect_success 'a hung guest runs on until the host stops it' '
	UK_TIMEOUT=3 uk_boot_pvh hang 32 "workload=hang" && uk_rc hang 124 &&
	contains hang.out "CVM1 boot workload_start" &&
	! grep -q "^CVM1 exit" hang.out
'
test_expect_success 'a bad command line value is a usage error (2)' '
	uk_boot_pvh badclass 16 "workload=ep class=Q" && uk_exit badclass 2 &&
	contains badclass.out "cvm: command line: bad class (S, W, A or -) '"'"'Q'"'"'"
'
test_expect_success 'an unknown workload is a usage error; the list is shown' '
	uk_boot_pvh unknown 16 "workload=nosuch" && uk_exit unknown 2 &&
	contains unknown.out "cvm: unknown workload '"'"'nosuch'"'"'" &&
	grep -q "^cvm: workloads: hello .* fault hang$" unknown.out
'
test_expect_success 'a class the workload does not have is a usage error' '
	uk_boot_pvh noclass 16 "workload=ep class=-" && uk_exit noclass 2 &&
	contains noclass.out "has no class"
'
test_expect_success 'too little memory for the class is status 3, explained' '
	uk_boot_pvh nomem 16 "workload=mg class=A" && uk_exit nomem 3 &&
	grep -q "^cvm: workload .mg. class A needs [0-9]* MiB, the guest has [0-9]* MiB free$" nomem.out
'
test_expect_success 'unknown words are skipped and named' '
	uk_boot_pvh extra 16 "initrd=x quiet workload=hello" && uk_exit extra 0 &&
	contains extra.out "cvm: command line: ignoring '"'"'initrd=x'"'"'"
'
test_expect_success 'class and repetitions come from the command line' '
	uk_boot_pvh reps 32 "workload=is class=s reps=2" && uk_exit reps 0 &&
	contains reps.out "CVM1 info class S" &&
	contains reps.out "CVM1 info reps 2" &&
	test "$(grep -c "^CVM1 result is S time " reps.out)" = 2 &&
	test "$(grep -c "^CVM1 boot workload_start " reps.out)" = 1
'
test_expect_success 'a list of workloads runs in order' '
	uk_boot_pvh list 32 "workload=hello,is class=S" && uk_exit list 0 &&
	uk_lines_ok list.out &&
	sed -n "s/^CVM1 info workload //p" list.out | tr "\n" " " >order &&
	test "$(cat order)" = "hello is "
'
test_expect_success 'without isa-debug-exit, ACPI S5 powers a q35 guest off' '
	uk_qemu acpi35 60 -m 32 -kernel "$UK_ELF" -append workload=hello &&
	uk_rc acpi35 0 && contains acpi35.out "CVM1 exit 0"
'
test_expect_success 'and a pc (i440FX/PIIX4) guest too' '
	uk_qemu acpipc 60 -machine pc -m 32 -kernel "$UK_ELF" \
		-append workload=hello &&
	uk_rc acpipc 0 && contains acpipc.out "CVM1 exit 0"
'
done_testing
