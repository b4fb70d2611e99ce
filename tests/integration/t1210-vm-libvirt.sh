#!/bin/sh
# t1210: `cvm vm --backend libvirt` on a private libvirtd (the t11xx
# helper): the unikernel's EFI image as a TCG domain with OVMF, created,
# started paused, its console read through libvirt, stopped (ACPI, then
# destroy: the unikernel has no ACPI handler), deleted with its NVRAM;
# the same over a second URI (TCP on 127.0.0.1, the remote path) and
# `vm list --connect A --connect B`; `vm run` of a guest that exits at
# once gets all its output and status (the serial log's tail); an SEV VM
# on a simulated SEV host is refused by libvirt with cvm's explanation
# and leaves nothing behind.
# Needs root; skips where libvirtd cannot start.
. "$CVM_SRC/tests/helper/virt-daemon.sh"
virt_enter_namespace "$@"
. "$(dirname "$0")/lib.sh"

[ -f "$CVM_BUILD/guest/cvm-unikernel.efi" ] ||
	skip_all "the unikernel is not built (-Dguest=false)"
[ -r /usr/share/OVMF/OVMF_CODE_4M.fd ] || skip_all "no OVMF (Debian's ovmf)"
virt_daemon_start_or_skip
U=$VIRT_URI_LOCAL
T=$VIRT_URI_TCP
NVRAM=/var/lib/libvirt/qemu/nvram/lv_VARS.fd
VMS=$XDG_DATA_HOME/cvm/vms

test_expect_success 'create defines a libvirt domain and a VM folder' '
	"$CVM" vm create lv --guest unikernel --workload hang --boot efi \
		--accel tcg --backend libvirt --connect "$U" >out &&
	contains out "created VM '"'"'lv'"'"'" &&
	test -f "$VMS/lv/vm.json" && test -f "$VMS/lv/kernel" &&
	test ! -e "$VMS/lv/OVMF_VARS.fd" &&
	"$TOOL" -c "$U" inspect lv >dom && contains dom "cvm: yes" &&
	"$CVM" vm list >out && contains out "lv" && grep "^lv .*stopped .*libvirt" out
'
test_expect_success 'start --paused, then console --resume reads the guest from its first line' '
	"$CVM" vm start lv --paused >out && contains out "through libvirt (paused)" &&
	"$CVM" vm inspect lv --json >j && jq -e ".state == \"paused\"" j &&
	"$CVM" vm console lv --resume --until "CVM1 boot workload_start" \
		--timeout 240 </dev/null >console &&
	contains console "CVM1 info boot efi" &&
	contains console "CVM1 info workload hang"
'
test_expect_success 'libvirt made the per-VM NVRAM from the template' '
	test -s "$NVRAM"
'
test_expect_success 'inspect shows the running domain through libvirt' '
	"$CVM" vm inspect lv --json >j &&
	jq -e ".state == \"running\" and .libvirt.state == \"running\" and
		.libvirt.type == \"qemu\" and .config.backend == \"libvirt\"" j
'
test_expect_success 'stop: no ACPI handler in the unikernel, so destroyed after the timeout' '
	"$CVM" vm stop lv --timeout 2 >out && contains out "killed" &&
	"$CVM" vm list --json >j && jq -e ".[0].state == \"stopped\"" j
'
test_expect_success 'delete undefines the domain with its NVRAM and removes the folder' '
	"$CVM" vm delete lv >out && contains out "deleted" &&
	test ! -e "$NVRAM" && test ! -e "$VMS/lv" &&
	! "$TOOL" -c "$U" inspect lv 2>/dev/null
'
test_expect_success 'the remote path: a VM over qemu+tcp://127.0.0.1' '
	"$CVM" vm create lr --guest unikernel --workload hang --boot efi \
		--accel tcg --backend libvirt --connect "$T" >/dev/null &&
	"$CVM" vm start lr >/dev/null &&
	"$CVM" vm inspect lr --json >j &&
	jq -e ".libvirt.uri == \"$T\" and .state == \"running\"" j
'
test_expect_success 'list --connect A --connect B lists both hosts (here the same daemon)' '
	"$CVM" vm list --connect "$U" --connect "$T" --json >j &&
	jq -e "length == 2 and .[0].uri == \"$U\" and .[1].uri == \"$T\" and
		(.[1].domains | map(select(.name == \"lr\" and .cvm)) | length == 1)" j &&
	"$CVM" vm list --connect "$U" --connect "$T" >out &&
	test "$(grep -c " lr " out)" = 2
'
test_expect_success 'a host that does not answer is a warning; the others are listed' '
	"$CVM" vm list --connect "$U" --connect "qemu+tcp://127.0.0.1:1/system" \
		>out 2>err &&
	contains out " lr " && contains err "warning"
'
test_expect_success 'kill and delete the remote VM' '
	"$CVM" vm kill lr >out && contains out "killed" &&
	"$CVM" vm delete lr && test ! -e "$VMS/lr"
'
test_expect_success 'vm run: every line and the exit status of a guest that exits at once, on a busy host' '
	# the pty libvirtd reads loses what it had not read when QEMU
	# exits (often, with the CPUs busy): cvm takes the tail from the
	# serial log; without it the CVM1 exit line is lost and run says 0
	(while :; do :; done) & b1=$!
	(while :; do :; done) & b2=$!
	s=0
	"$CVM" vm run lrun --guest unikernel --workload fault --boot efi \
		--accel tcg --backend libvirt --connect "$U" --timeout 240 \
		</dev/null >out 2>err || s=$?
	kill $b1 $b2
	test $s = 4 && contains out "CVM1 fault 0xe" &&
	test "$(grep -c "^CVM1 exit 4" out)" = 1 && test ! -e "$VMS/lrun" &&
	! "$TOOL" -c "$U" inspect lrun 2>/dev/null
'
test_expect_success 'SEV on a (simulated) SEV host: libvirt refuses, explained, nothing left' '
	s=0
	CVM_HOST_FACTS=$CVM_SRC/tests/data/host/genoa-snp-ready.json \
		"$CVM" vm create ls --cloud-image "$CVM_BUILD/guest/cvm-unikernel.efi" \
		--protection sev --backend libvirt --connect "$U" 2>err || s=$?
	test $s = 1 &&
	contains err "SEV launch security is not supported with this QEMU binary" &&
	contains err "cvm host check" &&
	test ! -e "$VMS/ls" && test -z "$(ls "$VMS")" &&
	"$TOOL" list -c "$U" >out && ! grep ls out
'
done_testing
