#!/bin/sh
# t1202: a unikernel VM with the QEMU back end (no daemon), under TCG:
# create, start --paused, console --resume (scripted: reads the guest from
# its first line), inspect through QMP, stop (the unikernel has no ACPI
# handler: the power button is ignored, so the timeout kills it), the
# crash test (kill -9 of QEMU: list says crashed, start and delete still
# work), a data directory too long for a socket path, and `vm run`
# (ephemeral; the guest's exit status, a timeout, --keep, EFI boot).
. "$(dirname "$0")/lib.sh"

[ -f "$CVM_BUILD/guest/cvm-unikernel.elf" ] ||
	skip_all "the unikernel is not built (-Dguest=false)"
command -v qemu-system-x86_64 >/dev/null || skip_all "no qemu-system-x86_64"
VMS=$XDG_DATA_HOME/cvm/vms
U="--guest unikernel --accel tcg"

test_expect_success 'create: a 0700 folder with vm.json and the kernel copy, nothing running' '
	"$CVM" vm create u $U --workload hang >out 2>err &&
	contains out "created VM '"'"'u'"'"': none, 1 vCPU, 128 MiB, unikernel hang" &&
	test "$(stat -c %a "$VMS/u")" = 700 &&
	test "$(ls "$VMS/u" | tr "\n" " ")" = "kernel vm.json " &&
	jq -e ".format == \"cvm-vm/1\" and .boot == \"pvh\" and .append == \"workload=hang\"" \
		"$VMS/u/vm.json" &&
	"$CVM" vm list >out && grep -q "^u  *stopped  *none  *128M  *1  *qemu" out
'
test_expect_success 'start --paused: QEMU answers on QMP, vCPUs stopped' '
	"$CVM" vm start u --paused >out && contains out "paused until" &&
	"$CVM" vm inspect u --json >j &&
	jq -e ".state == \"paused\" and .qmp.status.running == false and
		.qmp.sev.enabled == false and (.pid | type == \"number\")" j
'
test_expect_success 'a second start is refused' '
	s=0; "$CVM" vm start u 2>err || s=$?
	test $s = 1 && contains err "VM '"'"'u'"'"' is already running"
'
test_expect_success 'console --resume reads the guest from its first line' '
	"$CVM" vm console u --resume --until "CVM1 boot workload_start" \
		--timeout 60 </dev/null >console &&
	contains console "CVM1 info boot pvh" && contains console "CVM1 info workload hang" &&
	contains "$VMS/u/serial.log" "CVM1 info workload hang" &&
	"$CVM" vm inspect u --json >j && jq -e ".state == \"running\"" j
'
test_expect_success 'console on a live VM: --until text that never comes times out' '
	s=0; "$CVM" vm console u --until "never printed" --timeout 1 </dev/null >/dev/null 2>err || s=$?
	test $s = 1 && contains err "did not appear in time"
'
test_expect_success 'console: Ctrl-] on stdin detaches; the VM goes on' '
	printf "\035" | "$CVM" vm console u --until "never printed" --timeout 5 >/dev/null &&
	"$CVM" vm list --json >j && jq -e ".[0].state == \"running\"" j
'
test_expect_success 'stop: the power button is ignored, so QEMU is killed after the timeout' '
	"$CVM" vm stop u --timeout 1 >out &&
	contains out "no power-off within 1 s after the ACPI power button, so it was killed" &&
	"$CVM" vm list --json >j && jq -e ".[0].state == \"stopped\"" j &&
	test ! -e "$VMS/u/qemu.pid" && test ! -e "$VMS/u/qmp.sock"
'
test_expect_success 'crash test: kill -9 of QEMU, and list says crashed' '
	"$CVM" vm start u >/dev/null &&
	kill -9 "$(cat "$VMS/u/qemu.pid")" && sleep 0.3 &&
	"$CVM" vm list --json >j && jq -e ".[0].state == \"crashed\"" j &&
	"$CVM" vm inspect u >out && contains out "state:      crashed"
'
test_expect_success '... console says not running; start works again' '
	s=0; "$CVM" vm console u </dev/null 2>err || s=$?
	test $s = 1 && contains err "not running (crashed)" &&
	"$CVM" vm start u >out && contains out "started VM" &&
	"$CVM" vm list --json >j && jq -e ".[0].state == \"running\"" j
'
test_expect_success '... and after another kill -9, delete removes everything' '
	kill -9 "$(cat "$VMS/u/qemu.pid")" && sleep 0.3 &&
	"$CVM" vm delete u >out && contains out "deleted VM" && test ! -e "$VMS/u"
'
test_expect_success 'a data directory too long for sun_path (108 bytes) still works' '
	long=$TMP/$(printf "%0150d" 0) && mkdir -p "$long" &&
	XDG_DATA_HOME=$long "$CVM" vm create l $U --workload hang >/dev/null 2>&1 &&
	XDG_DATA_HOME=$long "$CVM" vm start l --paused >/dev/null &&
	XDG_DATA_HOME=$long "$CVM" vm console l --resume --until workload_start \
		--timeout 60 </dev/null >console &&
	contains console "CVM1 boot workload_start" &&
	XDG_DATA_HOME=$long "$CVM" vm delete --force l >/dev/null
'
test_expect_success 'delete of a running VM needs --force' '
	"$CVM" vm create r $U --workload hang >/dev/null 2>&1 &&
	"$CVM" vm start r >/dev/null &&
	s=0; "$CVM" vm delete r 2>err || s=$?
	test $s = 1 && contains err "is running: stop it first" &&
	"$CVM" vm delete --force r >/dev/null && test ! -e "$VMS/r"
'
test_expect_success 'run: an ephemeral guest; its exit status; nothing left' '
	"$CVM" vm run $U </dev/null >out 2>/dev/null &&
	contains out "CVM1 exit 0" && test -z "$(ls -A "$VMS")"
'
test_expect_success 'run: a faulting guest exits with its own status' '
	s=0; "$CVM" vm run $U --workload fault </dev/null >out 2>/dev/null || s=$?
	st=$(sed -n "s/^CVM1 exit //p" out | tr -d "\r") &&
	test -n "$st" && test "$st" != 0 && test $s = "$st" && test -z "$(ls -A "$VMS")"
'
test_expect_success 'run --timeout: a guest that hangs is killed and deleted' '
	s=0; "$CVM" vm run $U --workload hang --timeout 2 </dev/null >/dev/null 2>err || s=$?
	test $s = 1 && contains err "still ran after 2 s: killed" && test -z "$(ls -A "$VMS")"
'
test_expect_success 'run --keep NAME keeps the VM, stopped' '
	"$CVM" vm run kept $U --keep </dev/null >/dev/null 2>&1 &&
	"$CVM" vm list --json >j && jq -e ".[0].name == \"kept\" and .[0].state == \"stopped\"" j &&
	"$CVM" vm delete kept >/dev/null
'
test_expect_success 'run --boot efi: OVMF (this VM'"'"'s own VARS copy) starts the EFI image' '
	[ -f "$CVM_BUILD/guest/cvm-unikernel.efi" ] && [ -r /usr/share/OVMF/OVMF_CODE_4M.fd ] ||
		{ echo "no EFI image or OVMF: skipped"; exit 0; }
	"$CVM" vm run e $U --boot efi --keep --timeout 120 </dev/null >out 2>/dev/null &&
	contains out "CVM1 info boot efi" && contains out "CVM1 exit 0" &&
	cmp -s "$VMS/e/OVMF_VARS.fd" /usr/share/OVMF/OVMF_VARS_4M.fd; test $? = 1 ||
		test -s "$VMS/e/OVMF_VARS.fd"
	"$CVM" vm delete e >/dev/null && test -z "$(ls -A "$VMS")"
'
done_testing
