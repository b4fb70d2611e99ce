#!/bin/sh
# t9100: fault injection for `cvm run` (issue 11), step by step: kill -9
# of cvm and of QEMU when QEMU has just started, when the guest reached
# main and when its workload runs (PVH, and EFI with its private copy of
# the variable store); a full disk under the temporary folder and under
# stdout; a read-only temporary folder; QEMU, OVMF and the guest image
# missing.  After each: one clear error line (or, for a killed cvm, its
# QEMU gone with it), nothing left behind in the scratch, temporary and
# XDG folders, and the next run works.
. "$(dirname "$0")/lib.sh"

command -v qemu-system-x86_64 >/dev/null || skip_all 'no qemu-system-x86_64'
"$CVM" run --workload hello --accel tcg --dry-run >/dev/null 2>&1 ||
	skip_all 'no unikernel image (a -Dguest=false build)'

# Everything cvm may write goes below $TMP: scratch (cwd), temporary
# folder, XDG folders.  Captures go to $TMP/cap, which is not compared.
export TMPDIR="$TMP/tmp" XDG_CACHE_HOME="$TMP/cache" HOME="$TMP/home"
mkdir -p "$TMPDIR" "$TMP/cap" "$HOME"
CAP="$TMP/cap"
RUN="run --accel tcg --timeout 60"
OVMF=/usr/share/OVMF/OVMF_CODE_4M.fd

# The state of $TMP without the captures: path, type, size.
state() {
	find "$TMP" -path "$CAP" -prune -o -path "$TMP/.out" -prune -o \
		-path "$TMP/mnt" -prune -o -printf '%P %y %s\n' | sort
}

# Wait (at most 30 s) until FILE contains TEXT.
wait_text() {
	i=0
	while ! grep -qF -- "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le 300 ] || { echo "no '$2' in $1:"; cat "$1"; return 1; }
		sleep 0.1
	done
}

# The guest's QEMU, a child of cvm process $1 named cvm-run (cvm also
# starts short-lived QEMUs to probe capabilities); waits at most 30 s.
qemu_of() {
	i=0
	while :; do
		for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
			if tr '\0' ' ' <"/proc/$c/cmdline" 2>/dev/null |
				grep -q 'guest=cvm-run'; then
				echo "$c"
				return 0
			fi
		done
		i=$((i + 1))
		[ $i -le 300 ] || { echo "no QEMU under $1" >&2; return 1; }
		sleep 0.1
	done
}

# Is process $1 gone (no process, or a zombie nobody reaped yet)?
gone() {
	s=$(ps -o stat= -p "$1" 2>/dev/null) || return 0
	case "$s" in Z*) return 0 ;; esac
	return 1
}

# Wait (at most 10 s) for process $1 to be gone.
wait_gone() {
	i=0
	while ! gone "$1"; do
		i=$((i + 1))
		[ $i -le 100 ] || { echo "process $1 still runs"; return 1; }
		sleep 0.1
	done
}

# FILE holds exactly one "cvm:" line, "cvm: error: ...", and it is the
# last line (before it: only the guest console copied by --console).
one_error() {
	n=$(grep -c '^cvm: ' "$1")
	[ "$n" = 1 ] && tail -n 1 "$1" | grep -q '^cvm: error: ' ||
		{ echo "want one error line:"; cat -v "$1"; return 1; }
}

next_run_works() {
	"$CVM" $RUN --workload hello >"$CAP/next.out" 2>"$CAP/next.err" ||
		{ cat "$CAP/next.err"; return 1; }
	grep -q '^hello' "$CAP/next.out"
}

# start BOOT: `cvm run` of the hang workload in the background with the
# console on $CAP/err; sets CVM_PID.
# shellcheck disable=SC2034 # used in the eval'd test bodies
start() {
	: >"$CAP/err"
	if [ "$1" = efi ]; then
		"$CVM" $RUN --workload hang --boot efi --console \
			>"$CAP/out" 2>"$CAP/err" &
	else
		"$CVM" $RUN --workload hang --console >"$CAP/out" 2>"$CAP/err" &
	fi
	CVM_PID=$!
}

# The steps of a run, as the console shows them ("" = QEMU just forked).
# A killed cvm cannot remove the private folder holding an EFI run's copy
# of the variable store: the one thing allowed to stay behind (mode 0700).
leftover_ok() {
	now=$(state)
	test "$now" = "$1" && return 0
	extra=$(printf '%s\n' "$now" | grep -vxF "$1")
	printf '%s\n' "$extra" | grep -qv '^tmp/cvm-run\.[^/ ]*\( d \|/OVMF_VARS.fd f \)' &&
		{ echo "left behind:"; echo "$extra"; return 1; }
	for d in "$TMPDIR"/cvm-run.*; do
		test "$(stat -c %a "$d")" = 700 || { echo "$d is not 0700"; return 1; }
		rm -rf "$d"
	done
}

for boot in pvh efi; do
	for step in "" "CVM1 boot main" "CVM1 boot workload_start"; do
		name=${step#CVM1 boot }
		name=${name:-start}
		if [ $boot = efi ] && [ ! -r "$OVMF" ]; then
			continue
		fi
		test_expect_success "$boot, kill -9 of cvm at '$name': QEMU goes too, nothing left" '
			before=$(state)
			start '"$boot"'
			q=$(qemu_of $CVM_PID)
			wait_text "$CAP/err" "'"$step"'"
			kill -9 $CVM_PID
			wait $CVM_PID || true
			wait_gone $q && leftover_ok "$before" && next_run_works
		'
		test_expect_success "$boot, kill -9 of QEMU at '$name': one error, exit 1" '
			before=$(state)
			start '"$boot"'
			q=$(qemu_of $CVM_PID)
			wait_text "$CAP/err" "'"$step"'"
			kill -9 $q
			code=0; wait $CVM_PID || code=$?
			test $code = 1 && one_error "$CAP/err" &&
			contains "$CAP/err" "QEMU was killed by signal 9" &&
			test "$(state)" = "$before" &&
			next_run_works
		'
	done
done

# Missing programs and files: exit 1, one line naming what is missing.
test_expect_success 'QEMU not on PATH: one error naming it' '
	before=$(state)
	code=0; PATH=/nonexistent "$CVM" $RUN --workload hello \
		>"$CAP/out" 2>"$CAP/err" || code=$?
	test $code = 1 && one_error "$CAP/err" &&
	contains "$CAP/err" "qemu-system-x86_64" &&
	test "$(state)" = "$before" && next_run_works
'
test_expect_success '--qemu pointing nowhere: one error naming it' '
	before=$(state)
	code=0; "$CVM" $RUN --workload hello --qemu "$TMP/no/qemu" \
		>"$CAP/out" 2>"$CAP/err" || code=$?
	test $code = 1 && one_error "$CAP/err" &&
	contains "$CAP/err" "$TMP/no/qemu" &&
	test "$(state)" = "$before" && next_run_works
'
test_expect_success '--qemu is not a program (a directory): one error' '
	before=$(state)
	code=0; "$CVM" $RUN --workload hello --qemu "$TMP" \
		>"$CAP/out" 2>"$CAP/err" || code=$?
	test $code = 1 && one_error "$CAP/err" &&
	test "$(state)" = "$before"
'
test_expect_success 'missing OVMF (--boot efi --firmware): one error naming it' '
	before=$(state)
	code=0; "$CVM" $RUN --workload hello --boot efi \
		--firmware "$TMP/no/OVMF_CODE.fd" >"$CAP/out" 2>"$CAP/err" ||
		code=$?
	test $code = 1 && one_error "$CAP/err" &&
	contains "$CAP/err" "$TMP/no/OVMF_CODE.fd" &&
	test "$(state)" = "$before" && next_run_works
'
test_expect_success 'OVMF without its variable-store template: one error' '
	mkdir -p "$CAP/fw" && cp "$OVMF" "$CAP/fw/OVMF_CODE_4M.fd" &&
	before=$(state)
	code=0; "$CVM" $RUN --workload hello --boot efi \
		--firmware "$CAP/fw/OVMF_CODE_4M.fd" >"$CAP/out" 2>"$CAP/err" ||
		code=$?
	test $code = 1 && one_error "$CAP/err" &&
	test "$(state)" = "$before"
'
test_expect_success 'missing guest image (--image): one error naming it' '
	before=$(state)
	code=0; "$CVM" $RUN --workload hello --image "$TMP/no/guest.elf" \
		>"$CAP/out" 2>"$CAP/err" || code=$?
	test $code = 1 && one_error "$CAP/err" &&
	contains "$CAP/err" "$TMP/no/guest.elf" &&
	test "$(state)" = "$before" && next_run_works
'
test_expect_success 'a guest image that is not one (empty file): one error' '
	: >"$CAP/empty.elf" && before=$(state)
	code=0; "$CVM" $RUN --workload hello --image "$CAP/empty.elf" \
		>"$CAP/out" 2>"$CAP/err" || code=$?
	test $code = 1 && grep -c "^cvm: error: " "$CAP/err" | grep -qx 1 &&
	test "$(state)" = "$before"
'

# Full and read-only folders need mounts (root); skip them otherwise.
mkdir -p "$TMP/mnt/full" "$TMP/mnt/ro"
if [ "$(id -u)" = 0 ] &&
	mount -t tmpfs -o size=256k tmpfs "$TMP/mnt/full" 2>/dev/null; then
	trap 'umount "$TMP/mnt/full" "$TMP/mnt/ro" 2>/dev/null; rm -rf "$TMP"' EXIT
	dd if=/dev/zero of="$TMP/mnt/full/fill" bs=4k 2>/dev/null || true
	mount -t tmpfs -o ro,size=64k tmpfs "$TMP/mnt/ro"
	test_expect_success 'full disk under TMPDIR (EFI vars copy): one error, nothing left' '
		before=$(ls -A "$TMP/mnt/full")
		code=0; TMPDIR="$TMP/mnt/full" "$CVM" $RUN --workload hello \
			--boot efi >"$CAP/out" 2>"$CAP/err" || code=$?
		test $code = 1 && one_error "$CAP/err" &&
		test "$(ls -A "$TMP/mnt/full")" = "$before" && next_run_works
	'
	test_expect_success 'read-only TMPDIR (EFI vars copy): one error' '
		code=0; TMPDIR="$TMP/mnt/ro" "$CVM" $RUN --workload hello \
			--boot efi >"$CAP/out" 2>"$CAP/err" || code=$?
		test $code = 1 && one_error "$CAP/err" &&
		test -z "$(ls -A "$TMP/mnt/ro")" && next_run_works
	'
	test_expect_success 'results to a full disk (--json > full): one error, exit 1' '
		code=0; "$CVM" $RUN --workload hello --json \
			>"$TMP/mnt/full/result.json" 2>"$CAP/err" || code=$?
		test $code = 1 && one_error "$CAP/err" &&
		contains "$CAP/err" "write to stdout failed"
	'
else
	test_expect_success 'full disk and read-only folders (skipped: not root or no tmpfs)' 'true'
fi

done_testing
