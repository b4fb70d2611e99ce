#!/bin/sh
# t1203: a Linux VM from a "cloud image" that the test builds itself from
# Debian's packages (tests/data/vm/make-linux-disk.sh: GPT, EFI system
# partition, GRUB, Debian's kernel, a busybox initramfs), under TCG with
# the QEMU back end: create with a cloud-init seed (user-data,
# network-config, an ssh key) and a bigger disk, start paused, read the
# console up to the login prompt (the guest mounts the seed and takes its
# hostname from it), stop through the ACPI power button (the guest powers
# off), delete; the user's image is never written.  One OVMF boot.
. "$(dirname "$0")/lib.sh"

command -v qemu-system-x86_64 >/dev/null || skip_all "no qemu-system-x86_64"
[ -r /usr/share/OVMF/OVMF_CODE_4M.fd ] || skip_all "no OVMF (Debian's ovmf)"
s=0
sh "$CVM_SRC/tests/data/vm/make-linux-disk.sh" "$TMP/linux.img" 2>"$TMP/mk.err" || s=$?
[ $s = 77 ] && skip_all "$(cat "$TMP/mk.err")"
[ $s = 0 ] || { cat "$TMP/mk.err"; echo "Bail out! make-linux-disk.sh failed"; exit 1; }
sum=$(sha256sum <"$TMP/linux.img")
VMS=$XDG_DATA_HOME/cvm/vms
printf '#cloud-config\npackages: [htop]\n' >"$TMP/user-data.yml"
printf 'version: 2\nethernets:\n  eth0:\n    dhcp4: true\n' >"$TMP/net.yml"
printf 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG9vZ3VzIGtleSBmb3IgdGVzdHM me@example\n' >"$TMP/key.pub"

test_expect_success 'create: overlay, own OVMF variable store, seed, vm.json' '
	"$CVM" vm create lin --cloud-image linux.img --memory 512M --disk-size 128M \
		--accel tcg --cloud-init user-data.yml --network-config net.yml \
		--ssh-key key.pub >out 2>/dev/null &&
	contains out "created VM '"'"'lin'"'"': none, 1 vCPU, 512 MiB, cloud-image" &&
	test "$(ls "$VMS/lin" | tr "\n" " ")" = "OVMF_VARS.fd disk.qcow2 seed.iso vm.json " &&
	cmp "$VMS/lin/OVMF_VARS.fd" /usr/share/OVMF/OVMF_VARS_4M.fd &&
	qemu-img info --output=json "$VMS/lin/disk.qcow2" >info &&
	jq -e ".\"backing-filename\" == \"$TMP/linux.img\" and
		.\"backing-filename-format\" == \"raw\" and
		.\"virtual-size\" == 134217728" info
'
test_expect_success 'start paused; the console shows the boot up to the login prompt' '
	"$CVM" vm start lin --paused >/dev/null &&
	"$CVM" vm console lin --resume --until "lin login:" --timeout 300 \
		</dev/null >console &&
	contains console "cvm-linux: seed label '"'"'cidata'"'"', files: meta-data network-config user-data" &&
	contains console "Debian GNU/Linux 12 lin ttyS0"
'
test_expect_success 'inspect: running, QMP answers, no SEV here' '
	"$CVM" vm inspect lin --json >j &&
	jq -e ".state == \"running\" and .qmp.status.running == true and
		.qmp.sev.enabled == false and .config.protection == \"none\"" j
'
test_expect_success 'stop: the guest powers off on the ACPI power button' '
	"$CVM" vm stop lin --timeout 120 >out &&
	contains out "the guest powered off after the ACPI power button" &&
	contains "$VMS/lin/serial.log" "power button pressed, powering off" &&
	"$CVM" vm list --json >j && jq -e ".[0].state == \"stopped\"" j
'
test_expect_success 'the VM wrote its own variable store and overlay, never the image' '
	test "$(sha256sum <linux.img)" = "$sum" &&
	test -s "$VMS/lin/disk.qcow2"
'
test_expect_success 'delete removes everything; the image stays' '
	"$CVM" vm delete lin >out && test ! -e "$VMS/lin" &&
	test "$(sha256sum <linux.img)" = "$sum"
'
done_testing
