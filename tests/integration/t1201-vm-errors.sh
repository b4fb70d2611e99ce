#!/bin/sh
# t1201: `cvm vm` refuses bad input with one clear line and leaves no
# state behind: bad names, a missing image, memory larger than the host,
# odd policies, a protection the host cannot run (this host, and
# simulated ones through $CVM_HOST_FACTS), contradicting options, a name
# taken twice (also by two creates at once), a VM locked by another
# command, QEMU's own start errors (explained), and verbs on VMs that do
# not exist or are in the wrong state.  No guest boots here.
. "$(dirname "$0")/lib.sh"

command -v qemu-img >/dev/null || skip_all "no qemu-img (qemu-utils)"
VMS=$XDG_DATA_HOME/cvm/vms
FACTS=$CVM_SRC/tests/data/host
truncate -s 64M "$TMP/cloud.img"
printf '#!/bin/sh\nexit 0\n' >"$TMP/true.sh"

# nothing_left: no VM folder (and no temporary one) exists
nothing_left() {
	test -z "$(ls -A "$VMS" 2>/dev/null)" || { ls -la "$VMS"; return 1; }
}
# refused CODE TEXT cmd...: exit status CODE, TEXT on stderr, no state
refused() {
	code=$1 text=$2
	shift 2
	s=0
	"$@" >out 2>err || s=$?
	[ "$s" = "$code" ] || { echo "exit $s, expected $code"; cat err; return 1; }
	contains err "$text" && test "$(wc -l <err)" -le 2 && nothing_left
}
CI="--cloud-image $TMP/cloud.img"

test_expect_success 'names with /, .., spaces, newlines, a leading dot, too long' '
	refused 2 "invalid VM name '"'"'a/b'"'"': it contains '"'"'/'"'"'" "$CVM" vm create a/b $CI &&
	refused 2 "it contains '"'"'..'"'"'" "$CVM" vm create .. $CI &&
	refused 2 "it contains '"'"'..'"'"'" "$CVM" vm create a..b $CI &&
	refused 2 "it contains a space" "$CVM" vm create "a b" $CI &&
	refused 2 "'"'"'a\\x0ab'"'"': it contains a control character" \
		"$CVM" vm create "$(printf "a\nb")" $CI &&
	refused 2 "must start with a letter or a digit" "$CVM" vm create .x $CI &&
	refused 2 "longer than 63" "$CVM" vm create "$(printf "%064d" 0)" $CI &&
	refused 2 "it is empty" "$CVM" vm create "" $CI
'
test_expect_success 'a missing image, kernel or firmware is named' '
	refused 1 "cloud image '"'"'$TMP/nope.img'"'"': No such file or directory" \
		"$CVM" vm create v1 --cloud-image "$TMP/nope.img" &&
	refused 1 "kernel '"'"'$TMP/nope'"'"': No such file" \
		"$CVM" vm create v1 --kernel "$TMP/nope" &&
	refused 1 "firmware '"'"'$TMP/nope.fd'"'"'" \
		"$CVM" vm create v1 $CI --firmware "$TMP/nope.fd" &&
	refused 1 "cloud image '"'"'$TMP'"'"' is not a file" \
		"$CVM" vm create v1 --cloud-image "$TMP"
'
test_expect_success 'memory larger than the host' '
	refused 1 "is more than this host has" "$CVM" vm create v1 $CI --memory 64T
'
test_expect_success 'odd policies' '
	refused 2 "--policy is for protected VMs" \
		"$CVM" vm create v1 $CI --protection none --policy 0x3 &&
	export CVM_HOST_FACTS=$FACTS/genoa-snp-ready.json &&
	refused 2 "--policy: " "$CVM" vm create v1 $CI --protection sev --policy banana &&
	refused 2 "that policy has the ES bit (bit 2), which makes the guest SEV-ES" \
		"$CVM" vm create v1 $CI --protection sev --policy 0x7 &&
	contains err "(as SEV-ES: cvm vm create v1 --cloud-image $TMP/cloud.img --protection sev-es --policy 0x7)" &&
	contains err "or --protection sev --policy 0x3 for plain SEV" &&
	refused 2 "SEV-ES needs the ES bit (bit 2) in the policy" \
		"$CVM" vm create v1 $CI --protection sev-es --policy 0x3 &&
	contains err "(as SEV: cvm vm create v1 --cloud-image $TMP/cloud.img --protection sev --policy 0x3)" &&
	refused 2 "bit 17 is reserved and must be 1" \
		"$CVM" vm create v1 $CI --protection sev-snp --policy 0x10000 &&
	refused 2 "--policy" \
		"$CVM" vm create v1 $CI --protection sev --policy 0x100000000 &&
	refused 2 "MIGRATE_MA" \
		"$CVM" vm create v1 $CI --protection sev-snp --policy 0x70000
'
test_expect_success 'a protection this host cannot run: the host check says why' '
	refused 1 "this host cannot launch sev guests: cpu.sev" \
		"$CVM" vm create v1 $CI --protection sev
'
test_expect_success 'simulated hosts: SNP on Milan, memlock as a user, zero ES ASIDs' '
	CVM_HOST_FACTS=$FACTS/milan-sev-es.json refused 1 \
		"this host cannot launch sev-snp guests: kernel.snp" \
		"$CVM" vm create v1 $CI --protection sev-snp &&
	CVM_HOST_FACTS=$FACTS/genoa-user-memlock.json refused 1 \
		"this host cannot launch sev guests: memlock" \
		"$CVM" vm create v1 $CI --protection sev &&
	CVM_HOST_FACTS=$FACTS/genoa-zero-es-asids.json refused 1 \
		"this host cannot launch sev-es guests: cpu.asids" \
		"$CVM" vm create v1 $CI --protection sev-es
'
test_expect_success 'auto says what it picked, on this host and a simulated one' '
	"$CVM" vm create v1 $CI --dry-run 2>err >/dev/null &&
	contains err "cvm: --protection auto picked none (sev is blocked by cpu.sev: " &&
	CVM_HOST_FACTS=$FACTS/milan-sev-es.json \
		"$CVM" vm create v1 $CI --dry-run 2>err >out &&
	contains err "cvm: --protection auto picked sev-es (sev-snp is blocked by kernel.snp: " &&
	contains out "policy=0x7" && nothing_left
'
test_expect_success 'contradicting options' '
	export CVM_HOST_FACTS=$FACTS/genoa-snp-ready.json &&
	refused 2 "--accel tcg cannot run confidential guests" \
		"$CVM" vm create v1 $CI --protection sev --accel tcg &&
	refused 2 "PVH boot cannot be protected" \
		"$CVM" vm create v1 --guest unikernel --boot pvh --protection sev &&
	refused 2 "give one guest" "$CVM" vm create v1 $CI --guest unikernel &&
	refused 2 "give a guest" "$CVM" vm create v1 &&
	refused 2 "--initrd and --append go with --kernel" \
		"$CVM" vm create v1 $CI --initrd "$TMP/cloud.img" &&
	refused 2 "a disk can only grow" "$CVM" vm create v1 $CI --disk-size 1M &&
	refused 2 "unknown workload" "$CVM" vm create v1 --guest unikernel --workload nope &&
	refused 2 "--qemu-version is for --dry-run only" \
		"$CVM" vm create v1 $CI --qemu-version 9.1 &&
	refused 2 "--connect goes with --backend libvirt" \
		"$CVM" vm create v1 $CI --connect qemu:///system &&
	refused 2 "too small for efi boot" \
		"$CVM" vm create v1 --guest unikernel --boot efi --memory 16M
'
test_expect_success 'seed inputs: an ssh key needs #cloud-config user-data, keys must be keys' '
	printf "#!/bin/sh\necho hi\n" >script.sh &&
	printf "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB1 me@host\n" >key.pub &&
	printf "hello\n" >bad.pub &&
	refused 2 "an ssh key needs #cloud-config user-data" \
		"$CVM" vm create v1 $CI --cloud-init script.sh --ssh-key key.pub &&
	refused 2 "is not an OpenSSH public key" "$CVM" vm create v1 $CI --ssh-key bad.pub &&
	printf "#cloud-config\nssh_authorized_keys:\n  - x\n" >ud.yml &&
	refused 2 "already has ssh_authorized_keys" \
		"$CVM" vm create v1 $CI --cloud-init ud.yml --ssh-key key.pub
'
test_expect_success 'a name taken: refused; two creates at once: exactly one wins' '
	"$CVM" vm create v1 $CI --protection none >/dev/null &&
	s=0; "$CVM" vm create v1 $CI 2>err || s=$?
	test $s = 1 && contains err "a VM named '"'"'v1'"'"' already exists" &&
	for i in 1 2 3 4; do
		(r=0; "$CVM" vm create race $CI --protection none >/dev/null \
			2>"err$i" || r=$?; echo $r >"rc$i") &
	done; wait &&
	test "$(cat rc1 rc2 rc3 rc4 | sort | tr -d "\n")" = 0111 &&
	test "$(cat err1 err2 err3 err4 | grep -c "already exists")" = 3 &&
	test "$(ls -A "$VMS" | tr "\n" " ")" = "race v1 "
'
test_expect_success 'a VM another command holds is busy, at once' '
	command -v flock >/dev/null || { echo "no flock(1)"; exit 0; }
	flock "$VMS/v1" sleep 3 & sleep 0.5 &&
	s=0; "$CVM" vm start v1 2>err || s=$?
	test $s = 1 && contains err "VM '"'"'v1'"'"' is busy: another cvm command is acting on it" &&
	s=0; "$CVM" vm delete v1 2>err || s=$?
	test $s = 1 && contains err "is busy" && wait && test -d "$VMS/v1"
'
test_expect_success 'verbs on a VM that does not exist' '
	for v in start stop kill console inspect delete; do
		s=0; "$CVM" vm $v nope 2>err || s=$?
		test $s = 1 && contains err "no VM named '"'"'nope'"'"'" || exit 1
	done
'
test_expect_success 'verbs in the wrong state: console and kill of a stopped VM' '
	s=0; "$CVM" vm console v1 </dev/null 2>err || s=$?
	test $s = 1 && contains err "VM '"'"'v1'"'"' is not running (stopped)" &&
	s=0; "$CVM" vm kill v1 2>err || s=$?
	test $s = 1 && contains err "is not running" &&
	"$CVM" vm stop v1 >out && contains out "is not running"
'
test_expect_success "QEMU's own start error comes back as one explained line" '
	printf "#!/bin/sh\necho \"qemu-system-x86_64: -accel kvm: sev_kvm_init: cbitpos check failed, host '"'"'0'"'"' requested '"'"'51'"'"'\" >&2\nexit 1\n" >fakeqemu &&
	chmod +x fakeqemu &&
	CVM_HOST_FACTS=$FACTS/genoa-snp-ready.json "$CVM" vm create sev1 $CI \
		--protection sev >/dev/null &&
	s=0
	CVM_HOST_FACTS=$FACTS/genoa-snp-ready.json CVM_QEMU=$TMP/fakeqemu \
		"$CVM" vm start sev1 2>err || s=$?
	test $s = 1 && test "$(wc -l <err)" = 1 &&
	contains err "QEMU exited at start (status 1): -accel kvm: sev_kvm_init: cbitpos check failed" &&
	contains err "does not expose SEV" &&
	"$CVM" vm list --json >j && jq -e ".[] | select(.name == \"sev1\") | .state == \"stopped\"" j &&
	test ! -e "$VMS/sev1/qemu.pid"
'
test_expect_success 'a real QEMU refusing to start: its error, and the VM stays stopped' '
	command -v qemu-system-x86_64 >/dev/null || { echo "no QEMU"; exit 0; }
	printf "garbage" >junk &&
	"$CVM" vm create bad --guest unikernel --image junk --accel tcg >/dev/null 2>&1 &&
	s=0; "$CVM" vm start bad 2>err || s=$?
	test $s = 1 && contains err "start VM '"'"'bad'"'"': QEMU exited at start (status 1)" &&
	"$CVM" vm inspect bad --json >j && jq -e ".state == \"stopped\" and .pid == null" j
'
test_expect_success 'a protected VM is re-checked at start: this host cannot run it' '
	s=0; "$CVM" vm start sev1 2>err || s=$?
	test $s = 1 && contains err "this host cannot launch sev guests now: cpu.sev"
'
test_expect_success 'delete removes every folder; the image is untouched' '
	for v in v1 race sev1 bad; do "$CVM" vm delete $v >/dev/null || exit 1; done &&
	nothing_left && test "$(stat -c %s "$TMP/cloud.img")" = 67108864
'
done_testing
