#!/bin/sh
# t2002: `cvm run` when things go wrong in a real boot: a guest fault is
# reported with a failure exit, a hung guest is stopped by --timeout, a
# guest with too little memory says so, and QEMU's own errors become one
# explained line.
. "$(dirname "$0")/lib.sh"

[ -f "$CVM_BUILD/guest/cvm-unikernel.elf" ] ||
	skip_all "the unikernel is not built (-Dguest=false)"
command -v qemu-system-x86_64 >/dev/null || skip_all "no qemu-system-x86_64"

run() { # STATUS ARGS...: cvm run, expecting STATUS
	want=$1
	shift
	code=0
	"$CVM" run --accel tcg "$@" >out 2>err || code=$?
	[ "$code" = "$want" ] || { echo "exit $code, want $want"; cat out err; return 1; }
	[ "$(grep -c "^cvm: error:" err)" -le 1 ]
}

test_expect_success 'a guest fault is reported, exit 1' '
	run 1 --workload fault &&
	contains err "guest fault: vector 14 (page fault), error 0x2" &&
	contains err "cr2 0x0"
'
test_expect_success 'the fault in --json' '
	run 1 --workload fault --json &&
	jq -e ".ok == false and .guest.fault.vector == 14 and .guest.fault.name == \"page fault\"" out &&
	jq -e ".guest.fault.cr2 == \"0x0\" and .guest.exit_status == 4" out
'
test_expect_success 'a hung guest is stopped after --timeout, exit 1' '
	start=$(date +%s) &&
	run 1 --workload hang --timeout 2 &&
	contains err "did not finish within 2 s and was stopped" &&
	test $(($(date +%s) - start)) -lt 30
'
test_expect_success 'too little memory for a workload: the guest says so' '
	run 1 --workload ft --class W --memory 8M &&
	contains err "too little memory for the workload: raise --memory"
'
test_expect_success 'QEMU rejects the image: one explained line' '
	echo "not a kernel" >bad.elf &&
	run 1 --workload hello --image bad.elf &&
	contains err "QEMU failed (QEMU status 1)" &&
	contains err "neither a bzImage nor an ELF with a PVH note"
'
test_expect_success 'QEMU rejects the firmware: one explained line' '
	head -c 1000 /dev/zero >bad.fd &&
	run 1 --workload hello --boot efi --firmware bad.fd &&
	contains err "could not load PC BIOS" &&
	contains err "multiple of 64 KiB"
'
done_testing
