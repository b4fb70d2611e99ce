#!/bin/sh
# t1000: `cvm run` without booting: --dry-run command lines, bad input
# (one clear line, exit 2 for usage, 1 otherwise), and QEMU errors turned
# into one explained line (a fake QEMU that answers the probe like Debian
# 12's 7.2, then fails the way a host without SEV does).
. "$(dirname "$0")/lib.sh"

# a stand-in guest image: --dry-run only checks that it exists
echo "not really a kernel" >"$TMP/uk.elf"
echo "not really a kernel" >"$TMP/uk.efi"
# shellcheck disable=SC2034 # used in the eval of the tests below
RUN="\"\$CVM\" run --image \"\$TMP/uk.elf\" --accel tcg"

test_expect_success 'dry run: the PVH command line' '
	eval "$RUN --workload ep --dry-run" >out &&
	contains out "-accel tcg -cpu max -smp 1 -m 64M -nodefaults" &&
	contains out "-no-reboot -kernel $TMP/uk.elf" &&
	contains out "-append '"'"'workload=ep class=S reps=1'"'"'" &&
	contains out "-chardev stdio,id=serial0 -serial chardev:serial0" &&
	contains out "-device isa-debug-exit,iobase=0xf4,iosize=0x04" &&
	! grep -q "pflash\|-bios" out
'
test_expect_success 'dry run: class, reps, memory, vcpus and a workload list' '
	eval "$RUN --workload ep,is --class W --reps 3 --memory 300M --vcpus 2 --dry-run" >out &&
	contains out "-smp 2 -m 300M" &&
	contains out "workload=ep,is class=W reps=3"
'
test_expect_success 'dry run: hello has no class; its default memory is 32M' '
	eval "$RUN --workload hello --dry-run" >out &&
	contains out "workload=hello class=- reps=1" && contains out "-m 32M"
'
test_expect_success 'dry run: EFI boot uses OVMF code read-only and a private VARS copy' '
	"$CVM" run --image "$TMP/uk.efi" --boot efi --workload hello --accel tcg --dry-run >out &&
	contains out "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd" &&
	contains out "if=pflash,format=raw,unit=1,file=" &&
	contains out "cvm-run.XXXXXX/OVMF_VARS.fd" && contains out "-m 128M"
'
test_expect_success 'dry run: a combined firmware image goes to -bios' '
	head -c 65536 /dev/zero >fw.fd &&
	"$CVM" run --image "$TMP/uk.efi" --boot efi --firmware fw.fd --workload hello --accel tcg --dry-run >out &&
	contains out "-bios fw.fd" && ! grep -q pflash out
'
test_expect_success 'dry run --json lists the argv and the plan' '
	eval "$RUN --workload cg --dry-run --json" >out &&
	jq -e ".workload == \"cg\" and .class == \"S\" and .accel == \"tcg\" and .boot == \"pvh\"" out &&
	jq -e ".argv[0] == \"qemu-system-x86_64\" and (.argv | index(\"-kernel\")) > 0" out &&
	jq -e "has(\"guest\") | not" out
'
test_expect_success 'an EFI run leaves no temporary files behind' '
	mkdir tmpd &&
	TMPDIR=$TMP/tmpd "$CVM" run --image "$TMP/uk.efi" --boot efi --workload hello --accel tcg --timeout 5 >/dev/null 2>&1 || :
	test -z "$(ls tmpd)"
'

# bad input: the exit status and the one line that names the problem
bad() { # STATUS NEEDLE ARGS...
	want=$1 needle=$2
	shift 2
	code=0
	"$CVM" run "$@" >out 2>err || code=$?
	[ "$code" = "$want" ] || { echo "exit $code, want $want"; cat err; return 1; }
	contains err "$needle" && [ "$(grep -c "^cvm: error:" err)" = 1 ]
}
test_expect_success 'usage errors exit 2 with one line' '
	bad 2 "--workload NAME is required" --dry-run &&
	bad 2 "unknown workload '"'"'nosuch'"'"'" --workload nosuch &&
	bad 2 "--class '"'"'X'"'"': use S, W or A" --workload ep --class X &&
	bad 2 "has no classes" --workload hello --class S &&
	bad 2 "give 1 to 8 names" --workload ep,,is &&
	bad 2 "too small for PVH boot" --workload ep --memory 2M &&
	bad 2 "too small for EFI boot" --workload ep --boot efi --memory 32M &&
	bad 2 "not a size" --workload ep --memory lots &&
	bad 2 "--reps '"'"'0'"'"'" --workload ep --reps 0 &&
	bad 2 "--boot '"'"'bios'"'"'" --workload ep --boot bios &&
	bad 2 "--accel '"'"'xen'"'"'" --workload ep --accel xen &&
	bad 2 "only '"'"'unikernel'"'"'" --guest linux --workload ep &&
	bad 2 "unknown or incomplete option" --workload ep --bogus &&
	bad 2 "unexpected argument" --workload ep extra &&
	bad 2 "firmware is for EFI boot" --workload ep --firmware x.fd
'
test_expect_success 'other errors exit 1 with one line' '
	bad 1 "more than this host has" --workload ep --memory 64T &&
	bad 1 "guest image '"'"'/nonexistent/uk.elf'"'"'" --workload ep --image /nonexistent/uk.elf &&
	bad 1 "firmware '"'"'/nonexistent/code.fd'"'"'" --workload ep --boot efi --image "$TMP/uk.efi" --firmware /nonexistent/code.fd &&
	bad 1 "this host cannot launch SEV-SNP guests: kernel.snp: " --workload ep --protection sev-snp \
		--facts "$CVM_SRC/tests/data/host/milan-sev-es.json" --dry-run &&
	bad 1 "program '"'"'/nonexistent/qemu'"'"' not found" --workload ep --image "$TMP/uk.elf" --qemu /nonexistent/qemu
'
# a copy of cvm outside the build tree finds no image next to it
mkdir -p "$TMP/bin" "$TMP/g" && cp "$CVM" "$TMP/bin/cvm"
test_expect_success 'a missing guest image names where it looked' '
	code=0 &&
	"$TMP/bin/cvm" run --workload ep --accel tcg --dry-run 2>err || code=$?
	test "$code" = 1 &&
	contains err "guest image '"'"'cvm-unikernel.elf'"'"' not found" &&
	contains err "$TMP/bin/../guest/cvm-unikernel.elf" &&
	contains err "$TMP/bin/../lib/cvm/cvm-unikernel.elf"
'
test_expect_success 'CVM_GUEST_DIR is searched' '
	cp "$TMP/uk.elf" "$TMP/g/cvm-unikernel.elf" &&
	CVM_GUEST_DIR=$TMP/g "$TMP/bin/cvm" run --workload ep --accel tcg --dry-run >out &&
	contains out "-kernel $TMP/g/cvm-unikernel.elf"
'
test_expect_success 'the build tree image is found next to cvm' '
	if [ -f "$CVM_BUILD/guest/cvm-unikernel.elf" ]; then
		"$CVM" run --workload ep --accel tcg --dry-run >out &&
		contains out "-kernel $(cd "$CVM_BUILD/guest" && pwd -P)/cvm-unikernel.elf"
	fi
'

# a fake QEMU: answers the capability probe like Debian 12's QEMU 7.2,
# then fails like `-accel kvm` with an SEV object on a host without SEV
cat >"$TMP/fake-qemu" <<FAKE
#!/bin/sh
d="$CVM_SRC/tests/data/qemu/help-7.2"
case "\$1" in
--version) cat "\$d/version.txt"; exit 0 ;;
-accel|-machine|-object|-device|-cpu) [ "\$2" = help ] && cat "\$d/\${1#-}.txt" && exit 0 ;;
esac
echo "qemu-system-x86_64: warning: host doesn't support requested feature" >&2
echo "qemu-system-x86_64: -accel kvm: sev_kvm_init: Failed to open /dev/sev 'No such file or directory'" >&2
echo "qemu-system-x86_64: -accel kvm: failed to initialize kvm: Operation not permitted" >&2
exit 1
FAKE
chmod +x "$TMP/fake-qemu"

test_expect_success 'a QEMU error becomes one explained line' '
	bad 1 "QEMU failed (QEMU status 1): -accel kvm: sev_kvm_init: Failed to open /dev/sev" \
		--workload hello --image "$TMP/uk.elf" --accel tcg --qemu "$TMP/fake-qemu" &&
	contains err "load ccp, enable SMEE/SEV in the BIOS" &&
	! grep -q warning err
'
test_expect_success 'with --json the error is in the document too' '
	code=0 &&
	"$CVM" run --workload hello --image "$TMP/uk.elf" --accel tcg --qemu "$TMP/fake-qemu" --json >out 2>err || code=$?
	test "$code" = 1 &&
	jq -e ".ok == false and .exit_status == 1 and .host.qemu_status == 1" out &&
	jq -e ".error | test(\"Failed to open /dev/sev\")" out &&
	jq -e ".guest.exit_status == null and .guest.results == []" out
'
done_testing
