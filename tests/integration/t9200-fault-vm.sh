#!/bin/sh
# t9200: fault injection and concurrency for `cvm vm` (issue 11).
#
# kill -9 of cvm at EVERY step of create, start, stop and delete: an
# untouched run under strace lists cvm's own state-changing system calls
# (mkdir, write, fsync, rename, unlink, kill, connect, sendto ...), then
# for each such call S and k = 1..(number of S calls) strace injects
# SIGKILL at the k-th S, so every one of them is the last thing cvm
# tried once.  After each
# kill: `cvm vm list` works and shows the VM whole or not at all, the
# next lifecycle command works, and no QEMU runs that cvm does not know.
# Then kill -9 of QEMU while it runs and while `vm stop` waits for it, a
# full and a read-only data folder, and races: two creates of one name
# (one wins, one clear error) and lists during creates and deletes.
. "$(dirname "$0")/lib.sh"

[ -f "$CVM_BUILD/guest/cvm-unikernel.elf" ] ||
	skip_all "the unikernel is not built (-Dguest=false)"
command -v qemu-system-x86_64 >/dev/null || skip_all "no qemu-system-x86_64"
command -v strace >/dev/null || skip_all "no strace (scripts/install-deps)"
command -v jq >/dev/null || skip_all "no jq"
"$CVM" vm create --help >/dev/null 2>&1 || skip_all "cvm vm is not built"

VMS=$XDG_DATA_HOME/cvm/vms
CAP="$TMP/cap"
mkdir -p "$CAP"
NEW="--guest unikernel --accel tcg --workload hang --protection none"
# In a sanitizer build (the ASan pass of `make check`) every run is
# slower: kill at every FAULT_STRIDE-th step of each call there (default
# 3; FAULT_STRIDE=1 for all), at every step otherwise.
if jq -e '.[] | select(.name == "b_sanitize") | .value | test("address")' \
	"$CVM_BUILD/meson-info/intro-buildoptions.json" >/dev/null 2>&1; then
	FAULT_STRIDE=${FAULT_STRIDE:-3}
fi
FAULT_STRIDE=${FAULT_STRIDE:-1}
# the system calls of cvm that change state (not openat: creating a file
# without writing it is covered by the write that follows)
SET=mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,rmdir,fsync
SET=$SET,fdatasync,write,pwrite64,ftruncate,fallocate,symlink,symlinkat
SET=$SET,link,linkat,fchmod,fchmodat,copy_file_range,sendfile,kill
SET=$SET,connect,sendto,sendmsg

# strace_kill SYSCALL K ARGS...: run `cvm ARGS`, SIGKILLed at its K-th
# SYSCALL; status 137 when it was killed, cvm's own status otherwise.
strace_kill() {
	sc=$1 k=$2
	shift 2
	# (LeakSanitizer cannot run under ptrace: off for traced runs)
	ASAN_OPTIONS=detect_leaks=0 strace -o /dev/null -e trace="$sc" \
		-e inject="$sc:signal=SIGKILL:when=$k" \
		"$CVM" "$@" >"$CAP/out" 2>"$CAP/err" </dev/null
}

# steps_of ARGS...: "COUNT SYSCALL" lines for one untouched `cvm ARGS`.
steps_of() {
	ASAN_OPTIONS=detect_leaks=0 strace -o "$CAP/trace" -e trace="$SET" "$CVM" "$@" \
		>/dev/null 2>&1 </dev/null
	sed -n 's/^\([a-z0-9_]*\)(.*/\1/p' "$CAP/trace" | sort | uniq -c
}

# The QEMU processes of this test's VMs (each runs in its VM's folder
# under $TMP, also once that folder is renamed or removed), as pids.
our_qemus() {
	for p in $(ps -eo pid=,comm= | awk '$2 ~ /^qemu-system/ {print $1}'); do
		readlink "/proc/$p/cwd" 2>/dev/null | grep -qF "$VMS/" &&
			! ps -o stat= -p "$p" | grep -q Z && echo "$p"
	done
	return 0
}

# State of VM $1 from `vm list --json` ("absent" if not listed); fails if
# list itself fails or prints anything on stderr.
vm_state() {
	"$CVM" vm list --json >"$CAP/list" 2>"$CAP/list.err" || {
		echo "vm list failed:"
		cat "$CAP/list.err"
		return 1
	}
	[ ! -s "$CAP/list.err" ] || { echo "vm list warned:"; cat "$CAP/list.err"; return 1; }
	jq -r --arg n "$1" '[.[] | select(.name == $n) | .state] | .[0] // "absent"' \
		"$CAP/list"
}

# No QEMU of ours may run while every VM says it is stopped.
no_stray_qemu() {
	s=$(our_qemus)
	[ -z "$s" ] && return 0
	echo "QEMU running that no VM owns: $s"
	for p in $s; do kill -9 "$p"; done # ours: started by this test
	return 1
}

# Bring VM v to "absent" whatever state a kill left it in.
reset_vm() {
	st=$(vm_state v) || return 1
	case "$st" in
	absent) ;;
	running | paused) "$CVM" vm kill v >/dev/null && "$CVM" vm delete v >/dev/null ;;
	*) "$CVM" vm delete v >/dev/null ;;
	esac
	[ "$(vm_state v)" = absent ]
}

# ---- kill -9 of cvm at every step ----------------------------------------

# fault_loop OP PREPARE CHECK ARGS...: for every step of `cvm ARGS` (see
# above): PREPARE, run it killed at that step, CHECK.
fault_loop() {
	op=$1 prepare=$2 check=$3
	shift 3
	$prepare || { echo "$op: prepare failed"; return 1; }
	steps_of "$@" >"$CAP/steps.$op"
	total=0
	while read -r count sc; do
		k=0
		while [ $k -lt "$count" ]; do
			k=$((k + 1))
			[ $(((k - 1) % FAULT_STRIDE)) = 0 ] || [ $k -ge $count ] || continue
			$prepare || { echo "$op $sc #$k: prepare failed"; return 1; }
			code=0
			strace_kill "$sc" $k "$@" || code=$?
			[ $code != 0 ] || break # fewer $sc calls this time
			[ $code = 137 ] ||
				{ echo "$op $sc #$k: exit $code"; cat "$CAP/err"; return 1; }
			total=$((total + 1))
			$check "$sc #$k" || { echo "$op: after a kill at $sc #$k"; return 1; }
		done
	done <"$CAP/steps.$op"
	[ $total -gt 0 ] || { echo "$op: no step was killed"; return 1; }
	echo "$op: $total steps of ($(tr -s ' \n' ' ' <"$CAP/steps.$op")) killed and recovered (stride $FAULT_STRIDE)" |
		tee -a "$TMP/steps"
	$prepare
}

prep_absent() { reset_vm; }
prep_stopped() {
	reset_vm && "$CVM" vm create v $NEW >/dev/null 2>&1
}
prep_running() {
	prep_stopped && "$CVM" vm start v >/dev/null
}

# after create: v whole or absent; a create (after a delete) works
check_create() {
	st=$(vm_state v) || return 1
	case "$st" in
	absent) ;;
	stopped) "$CVM" vm inspect v >/dev/null || return 1 ;;
	*) echo "create left v '$st'"; return 1 ;;
	esac
	no_stray_qemu && reset_vm && "$CVM" vm create v $NEW >/dev/null 2>&1 &&
		test "$(vm_state v)" = stopped
}
# after start: stopped or running, never a QEMU cvm does not know; then
# the VM can be stopped (killed) and started again
check_start() {
	st=$(vm_state v) || return 1
	case "$st" in
	stopped | crashed) no_stray_qemu || return 1 ;;
	running | paused) "$CVM" vm kill v >/dev/null || return 1 ;;
	*) echo "start left v '$st'"; return 1 ;;
	esac
	no_stray_qemu && "$CVM" vm start v >/dev/null &&
		test "$(vm_state v)" = running && "$CVM" vm kill v >/dev/null
}
# after stop: running (stop again) or stopped; no stray QEMU
check_stop() {
	st=$(vm_state v) || return 1
	case "$st" in
	running | paused) "$CVM" vm stop v --timeout 1 >/dev/null || return 1 ;;
	stopped | crashed) ;;
	*) echo "stop left v '$st'"; return 1 ;;
	esac
	test "$(vm_state v)" != running && no_stray_qemu
}
# after delete: v whole or gone; delete (again) and create work
check_delete() {
	st=$(vm_state v) || return 1
	case "$st" in
	absent) ;;
	stopped | crashed | broken) "$CVM" vm delete v >/dev/null || return 1 ;;
	*) echo "delete left v '$st'"; return 1 ;;
	esac
	test "$(vm_state v)" = absent && no_stray_qemu &&
		"$CVM" vm create v $NEW >/dev/null 2>&1 && "$CVM" vm delete v >/dev/null
}

test_expect_success 'kill -9 of cvm at every step of vm create' '
	fault_loop create prep_absent check_create vm create v $NEW
'
test_expect_success 'kill -9 of cvm at every step of vm start' '
	fault_loop start prep_stopped check_start vm start v
'
test_expect_success 'kill -9 of cvm at every step of vm stop' '
	fault_loop stop prep_running check_stop vm stop v --timeout 1
'
test_expect_success 'kill -9 of cvm at every step of vm delete' '
	fault_loop delete prep_stopped check_delete vm delete v
'
test_expect_success 'killed creates leave no half VM behind in the folder' '
	reset_vm && ls -A "$VMS" >"$CAP/left" &&
	{ test ! -s "$CAP/left" || { echo "left in $VMS:"; cat "$CAP/left"; false; }; }
'

# ---- kill -9 of QEMU ------------------------------------------------------

test_expect_success 'kill -9 of QEMU while running: crashed, then start and delete work' '
	prep_running && q=$(our_qemus) && test -n "$q" && kill -9 $q &&
	i=0; while [ "$(vm_state v)" != crashed ] && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1)); done
	test "$(vm_state v)" = crashed &&
	"$CVM" vm start v >/dev/null && test "$(vm_state v)" = running &&
	"$CVM" vm kill v >/dev/null && "$CVM" vm delete v >/dev/null &&
	no_stray_qemu
'
test_expect_success 'kill -9 of QEMU while vm stop waits for it: stop ends, one line' '
	prep_running &&
	{ "$CVM" vm stop v --timeout 20 >"$CAP/out" 2>"$CAP/err" & } &&
	stop=$! && sleep 0.5 && q=$(our_qemus) && test -n "$q" && kill -9 $q &&
	code=0; wait $stop || code=$?
	{ test $code = 0 || { test $code = 1 && test "$(wc -l <"$CAP/err")" = 1; }; } &&
	st=$(vm_state v) && { test "$st" = stopped || test "$st" = crashed; } &&
	"$CVM" vm delete v >/dev/null && no_stray_qemu
'

# ---- races ------------------------------------------------------------------

test_expect_success 'two creates of one name at once: one wins, one clear error (10 rounds)' '
	reset_vm
	for round in 1 2 3 4 5 6 7 8 9 10; do
		"$CVM" vm create v $NEW >"$CAP/a.out" 2>"$CAP/a.err" & a=$!
		"$CVM" vm create v $NEW >"$CAP/b.out" 2>"$CAP/b.err" & b=$!
		ca=0; wait $a || ca=$?
		cb=0; wait $b || cb=$?
		if [ $ca = 0 ]; then lose=b; cl=$cb; else lose=a; cl=$ca; fi
		{ test $((ca + cb)) = 1 && test $cl = 1; } ||
			{ echo "round $round: exits $ca and $cb"; cat "$CAP/a.err" "$CAP/b.err"; exit 1; }
		grep -v "^cvm: --protection" "$CAP/$lose.err" >"$CAP/lose.err"
		test "$(grep -c "^cvm: error: " "$CAP/lose.err")" = 1 &&
			contains "$CAP/lose.err" "already exists" ||
			{ echo "round $round:"; cat "$CAP/lose.err"; exit 1; }
		test "$(vm_state v)" = stopped && "$CVM" vm delete v >/dev/null
	done
'
test_expect_success 'vm list during creates and deletes: always whole, never an error' '
	reset_vm
	( for i in 1 2 3 4 5 6 7 8; do
		"$CVM" vm create "r$i" $NEW >/dev/null 2>&1
		"$CVM" vm delete "r$i" >/dev/null 2>&1
	done ) & churn=$!
	n=0
	while kill -0 $churn 2>/dev/null || [ $n -lt 5 ]; do
		n=$((n + 1))
		"$CVM" vm list --json >"$CAP/l.json" 2>"$CAP/l.err" ||
			{ cat "$CAP/l.err"; exit 1; }
		test ! -s "$CAP/l.err" || { cat "$CAP/l.err"; exit 1; }
		jq -e "all(.[]; .state == \"stopped\" and (.name | startswith(\"r\")))" \
			"$CAP/l.json" >/dev/null || { cat "$CAP/l.json"; exit 1; }
	done
	wait $churn && echo "$n lists" && test -z "$(ls -A "$VMS")"
'

# ---- full and read-only data folders (root: tmpfs mounts) -----------------

mkdir -p "$TMP/mnt/full" "$TMP/mnt/ro"
if [ "$(id -u)" = 0 ] &&
	mount -t tmpfs -o size=128k tmpfs "$TMP/mnt/full" 2>/dev/null; then
	trap 'umount "$TMP/mnt/full" "$TMP/mnt/ro" 2>/dev/null; rm -rf "$TMP"' EXIT
	mkdir -p "$TMP/mnt/full/cvm/vms"
	dd if=/dev/zero of="$TMP/mnt/full/fill" bs=4k count=20 2>/dev/null
	mount -t tmpfs -o ro,size=64k tmpfs "$TMP/mnt/ro"
	test_expect_success 'full disk under the data folder: create fails, one line, nothing left' '
		code=0; XDG_DATA_HOME="$TMP/mnt/full" "$CVM" vm create f $NEW \
			>"$CAP/out" 2>"$CAP/err" || code=$?
		grep -v "^cvm: --protection" "$CAP/err" >"$CAP/err.1"
		test $code = 1 && test "$(wc -l <"$CAP/err.1")" = 1 &&
		contains "$CAP/err.1" "No space left on device" &&
		test -z "$(ls -A "$TMP/mnt/full/cvm/vms")" &&
		XDG_DATA_HOME="$TMP/mnt/full" "$CVM" vm list >/dev/null
	'
	test_expect_success 'read-only data folder: create fails with one line; list works' '
		code=0; XDG_DATA_HOME="$TMP/mnt/ro" "$CVM" vm create f $NEW \
			>"$CAP/out" 2>"$CAP/err" || code=$?
		grep -v "^cvm: --protection" "$CAP/err" >"$CAP/err.1"
		test $code = 1 && test "$(wc -l <"$CAP/err.1")" = 1 &&
		contains "$CAP/err.1" "Read-only file system" &&
		XDG_DATA_HOME="$TMP/mnt/ro" "$CVM" vm list >/dev/null
	'
else
	test_expect_success 'full and read-only data folders (skipped: not root)' 'true'
fi

test_expect_success 'no QEMU of this test is left running' 'no_stray_qemu'
sed 's/^/# /' "$TMP/steps" 2>/dev/null
done_testing
