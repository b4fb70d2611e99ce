#!/bin/sh
# t9400: fault injection for cvm-oci (issue 11).  kill -9 of cvm-oci at
# every step of create, start, kill and delete: as in t9200, an untouched
# run under strace lists cvm-oci's own state-changing system calls and
# strace injects SIGKILL at the k-th call of each (for a call made more
# than 40 times, e.g. the initramfs writes of create: the first and last
# ten and every twentieth in between; FAULT_STRIDE below).  After each kill: `state` and
# `list` answer (the container whole, or gone), `delete --force` cleans
# up, the same id can be created again, and no QEMU or monitor of the
# container is left.  Then kill -9 of the container's monitor and of its
# QEMU, and a full and a read-only state root.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/oci-lib.sh"

oci_need_vm
command -v strace >/dev/null || skip_all "no strace (scripts/install-deps)"

CAP="$TMP/cap"
ROOT="$TMP/root"
mkdir -p "$CAP"
O() { "$CVM_OCI" --root "$ROOT" "$@"; }
oci_bundle "$TMP/b" '["sh", "-c", "sleep 100"]'
SET=mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,rmdir,fsync
SET=$SET,fdatasync,write,pwrite64,ftruncate,fallocate,symlink,symlinkat
SET=$SET,link,linkat,fchmod,fchmodat,copy_file_range,sendfile,kill
SET=$SET,connect,sendto,sendmsg

# Processes of this test's containers: cvm-oci monitors and QEMUs whose
# command line or working directory names $TMP.
ours() {
	for p in $(ps -eo pid=,comm= | awk '$2 ~ /^(qemu-system|cvm-oci)/ {print $1}'); do
		[ "$p" != $$ ] || continue
		{ tr '\0' ' ' <"/proc/$p/cmdline"; readlink "/proc/$p/cwd"; } \
			2>/dev/null | grep -qF "$TMP" &&
			! ps -o stat= -p "$p" | grep -q Z && echo "$p"
	done
	return 0
}

# Wait (at most 10 s) for this test's processes to be gone.
none_left() {
	i=0
	while [ -n "$(ours)" ]; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then
			echo "left running: $(ours)"
			for p in $(ours); do kill -9 "$p"; done # ours
			return 1
		fi
		sleep 0.1
	done
}

# status of container c ("absent" when it does not exist)
status() {
	if O state c >"$CAP/state" 2>"$CAP/state.err"; then
		jq -r .status "$CAP/state"
	elif grep -q "does not exist" "$CAP/state.err"; then
		echo absent
	else
		echo "state failed: $(cat "$CAP/state.err")"
		return 1
	fi
}

reset() {
	O delete --force c >/dev/null 2>&1
	none_left && test "$(status)" = absent
}
prep_absent() { reset; }
prep_created() { reset && O create --bundle "$TMP/b" c >/dev/null; }
prep_running() { prep_created && O start c >/dev/null; }

# after any kill: state and list answer, delete --force cleans up, the
# id can be created, started and deleted again, nothing is left running
check() {
	st=$(status) || return 1
	case "$st" in
	absent | creating | created | running | stopped) ;;
	*) echo "status '$st'"; return 1 ;;
	esac
	O list >/dev/null || { echo "list failed"; return 1; }
	O delete --force c >/dev/null 2>"$CAP/del.err" ||
		{ echo "delete --force failed:"; cat "$CAP/del.err"; return 1; }
	none_left && test "$(status)" = absent &&
		O create --bundle "$TMP/b" c >/dev/null && O start c >/dev/null &&
		O delete --force c >/dev/null && none_left
}

# In a sanitizer build (the ASan pass of `make check`) every run is
# slower: every FAULT_STRIDE-th step there (default 3), all otherwise.
if jq -e '.[] | select(.name == "b_sanitize") | .value | test("address")' \
	"$CVM_BUILD/meson-info/intro-buildoptions.json" >/dev/null 2>&1; then
	FAULT_STRIDE=${FAULT_STRIDE:-3}
fi
FAULT_STRIDE=${FAULT_STRIDE:-1}

# the k values to try for a call made COUNT times
ks() {
	if [ "$1" -le 40 ]; then
		{ seq 1 "$FAULT_STRIDE" "$1"; echo "$1"; } | sort -nu
	else
		{ seq 1 10; seq 10 $((20 * FAULT_STRIDE)) "$1"
			seq $(($1 - 9)) "$1"; } | sort -nu
	fi
}

# fault_loop OP PREPARE ARGS...: every step of `cvm-oci ARGS`
fault_loop() {
	op=$1 prepare=$2
	shift 2
	$prepare || { echo "$op: prepare failed"; return 1; }
	# (LeakSanitizer cannot run under ptrace: off for traced runs)
	ASAN_OPTIONS=detect_leaks=0 strace -o "$CAP/trace" -e trace="$SET" "$CVM_OCI" --root "$ROOT" "$@" \
		>/dev/null 2>&1 </dev/null
	sed -n 's/^\([a-z0-9_]*\)(.*/\1/p' "$CAP/trace" | sort | uniq -c >"$CAP/steps"
	total=0
	while read -r count sc; do
		for k in $(ks "$count"); do
			$prepare || { echo "$op $sc #$k: prepare failed"; return 1; }
			code=0
			ASAN_OPTIONS=detect_leaks=0 strace -o /dev/null -e trace="$sc" \
				-e inject="$sc:signal=SIGKILL:when=$k" \
				"$CVM_OCI" --root "$ROOT" "$@" >"$CAP/out" 2>"$CAP/err" \
				</dev/null || code=$?
			[ $code != 0 ] || break
			[ $code = 137 ] || { echo "$op $sc #$k: exit $code"; cat "$CAP/err"; return 1; }
			total=$((total + 1))
			check || { echo "$op: after a kill at $sc #$k"; return 1; }
		done
	done <"$CAP/steps"
	[ $total -gt 0 ] || { echo "$op: no step was killed"; return 1; }
	echo "$op: $total steps of ($(tr -s ' \n' ' ' <"$CAP/steps")) killed and recovered (stride $FAULT_STRIDE)" |
		tee -a "$TMP/steps"
	reset
}

test_expect_success 'kill -9 of cvm-oci at every step of create' '
	fault_loop create prep_absent create --bundle "$TMP/b" c
'
test_expect_success 'kill -9 of cvm-oci at every step of start' '
	fault_loop start prep_created start c
'
test_expect_success 'kill -9 of cvm-oci at every step of kill' '
	fault_loop kill prep_running kill c KILL
'
test_expect_success 'kill -9 of cvm-oci at every step of delete' '
	fault_loop delete prep_created delete c
'

# the container's monitor (a cvm-oci process) and its QEMU
monitor_of() { O ps c | awk 'NR > 1 && $2 == "cvm-oci" {print $1}'; }
qemu_of() {
	i=0
	while [ $i -lt 200 ]; do
		q=$(O ps c | awk 'NR > 1 && $2 ~ /^qemu/ {print $1}')
		[ -n "$q" ] && { echo "$q"; return 0; }
		i=$((i + 1)); sleep 0.1
	done
	return 1
}
test_expect_success 'kill -9 of the monitor of a created container' '
	prep_created && m=$(monitor_of) && test -n "$m" && kill -9 $m &&
	sleep 0.3 && check
'
test_expect_success 'kill -9 of the monitor of a running container' '
	prep_running && m=$(monitor_of) && test -n "$m" && kill -9 $m &&
	sleep 0.3 && check
'
test_expect_success 'kill -9 of the QEMU of a running container: stopped' '
	prep_running && q=$(qemu_of) && kill -9 $q &&
	i=0; while [ "$(status)" != stopped ] && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1)); done
	test "$(status)" = stopped && check
'

mkdir -p "$TMP/mnt/full" "$TMP/mnt/ro"
if [ "$(id -u)" = 0 ] &&
	mount -t tmpfs -o size=256k tmpfs "$TMP/mnt/full" 2>/dev/null; then
	trap 'umount "$TMP/mnt/full" "$TMP/mnt/ro" 2>/dev/null; rm -rf "$TMP"' EXIT
	mount -t tmpfs -o ro,size=64k tmpfs "$TMP/mnt/ro"
	dd if=/dev/zero of="$TMP/mnt/full/fill" bs=4k 2>/dev/null || true
	test_expect_success 'full state root: create fails with one error, nothing left' '
		code=0; "$CVM_OCI" --root "$TMP/mnt/full" create --bundle "$TMP/b" f \
			>"$CAP/out" 2>"$CAP/err" || code=$?
		test $code = 1 && test "$(wc -l <"$CAP/err")" = 1 &&
		test "$(ls -A "$TMP/mnt/full")" = fill && none_left
	'
	test_expect_success 'read-only state root: create fails with one error' '
		code=0; "$CVM_OCI" --root "$TMP/mnt/ro" create --bundle "$TMP/b" f \
			>"$CAP/out" 2>"$CAP/err" || code=$?
		test $code = 1 && test "$(wc -l <"$CAP/err")" = 1 && none_left
	'
else
	test_expect_success 'full and read-only state roots (skipped: not root)' 'true'
fi

test_expect_success 'nothing of this test is left running' 'reset && none_left'
sed 's/^/# /' "$TMP/steps" 2>/dev/null
done_testing
