#!/bin/sh
# t9300: fault injection for `cvm eval` (issue 11).  kill -9 of cvm at
# EVERY step of a small evaluation (FAULT_STRIDE below): strace injects
# SIGKILL at the k-th call of each state-changing system call (each
# results line, fsync, rename of the report files, ...), and after each
# kill the same command must finish the evaluation: every run exactly
# once in runs.jsonl, every line whole JSON, the results and report in
# place, no QEMU left.  Then kill -9 of QEMU during a run, and a full and
# a read-only results folder.
. "$(dirname "$0")/lib.sh"

[ -f "$CVM_BUILD/guest/cvm-unikernel.elf" ] ||
	skip_all "the unikernel is not built (-Dguest=false)"
command -v qemu-system-x86_64 >/dev/null || skip_all "no qemu-system-x86_64"
command -v strace >/dev/null || skip_all "no strace (scripts/install-deps)"
command -v jq >/dev/null || skip_all "no jq"
"$CVM" eval --help >/dev/null 2>&1 || skip_all "cvm eval is not built"

CAP="$TMP/cap"
mkdir -p "$CAP"
export TMPDIR="$TMP/tmp"
mkdir -p "$TMPDIR"
EVAL="eval --guests unikernel --workloads hello --protection none --repeat 1 --warmup 0 --accel tcg"
SET=mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,rmdir,fsync
SET=$SET,fdatasync,write,pwrite64,ftruncate,fallocate,symlink,symlinkat
SET=$SET,link,linkat,fchmod,fchmodat,copy_file_range,sendfile,kill

# The evaluation in DIR is complete and sound.
complete() {
	d=$1
	while IFS= read -r line; do
		printf '%s\n' "$line" | jq -e . >/dev/null 2>&1 ||
			{ echo "not JSON in runs.jsonl: $line"; return 1; }
	done <"$d/runs.jsonl"
	jq -rs 'map(select(.warmup | not)) | map("\(.cell) \(.rep)") | .[]' \
		"$d/runs.jsonl" | sort >"$CAP/runs"
	sort -u "$CAP/runs" | cmp -s - "$CAP/runs" ||
		{ echo "a run recorded twice:"; cat "$CAP/runs"; return 1; }
	test "$(wc -l <"$CAP/runs")" = 1 ||
		{ echo "want 1 run:"; cat "$CAP/runs"; return 1; }
	jq -e . "$d/results.json" >/dev/null && test -s "$d/report.md" &&
		test -s "$d/report.html" || { echo "results or report missing"; return 1; }
	# a kill between an atomic write's temporary file and its rename
	# leaves NAME.tmp.XXXXXX next to NAME (NAME itself is old or new)
	find "$d" -name '*.tmp.*' >"$CAP/tmps"
	while IFS= read -r t; do
		test -e "${t%.tmp.*}" || { echo "$t without its file"; return 1; }
	done <"$CAP/tmps"
}

no_qemu_in() {
	for p in $(ps -eo pid=,comm= | awk '$2 ~ /^qemu-system/ {print $1}'); do
		if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF "$1" &&
			! ps -o stat= -p "$p" | grep -q Z; then
			echo "QEMU $p still runs"
			kill -9 "$p" # ours
			return 1
		fi
	done
}

# In a sanitizer build (the ASan pass of `make check`) every run is
# slower: kill at every FAULT_STRIDE-th step of each call there (default
# 3; FAULT_STRIDE=1 for all), at every step otherwise.
if jq -e '.[] | select(.name == "b_sanitize") | .value | test("address")' \
	"$CVM_BUILD/meson-info/intro-buildoptions.json" >/dev/null 2>&1; then
	FAULT_STRIDE=${FAULT_STRIDE:-3}
fi
FAULT_STRIDE=${FAULT_STRIDE:-1}

# every state-changing call of an untouched run, as "COUNT SYSCALL"
rm -rf "$TMP/ev"
# (LeakSanitizer cannot run under ptrace: off for traced runs)
ASAN_OPTIONS=detect_leaks=0 strace -o "$CAP/trace" -e trace="$SET" "$CVM" $EVAL --out "$TMP/ev" >/dev/null 2>&1
sed -n 's/^\([a-z0-9_]*\)(.*/\1/p' "$CAP/trace" | sort | uniq -c >"$CAP/steps"

test_expect_success 'kill -9 of cvm eval at every step; the same command then finishes' '
	total=0
	while read -r count sc; do
		k=0
		while [ $k -lt "$count" ]; do
			k=$((k + 1))
			[ $(((k - 1) % FAULT_STRIDE)) = 0 ] || [ $k -ge $count ] || continue
			rm -rf "$TMP/ev"
			code=0
			ASAN_OPTIONS=detect_leaks=0 strace -o /dev/null -e trace="$sc" \
				-e inject="$sc:signal=SIGKILL:when=$k" \
				"$CVM" $EVAL --out "$TMP/ev" >"$CAP/out" 2>"$CAP/err" ||
				code=$?
			[ $code != 0 ] || break # fewer $sc calls this time
			[ $code = 137 ] || { echo "$sc #$k: exit $code"; cat "$CAP/err"; exit 1; }
			total=$((total + 1))
			no_qemu_in "$TMP/ev" || exit 1
			"$CVM" $EVAL --out "$TMP/ev" >"$CAP/out2" 2>"$CAP/err2" ||
				{ echo "$sc #$k: the resumed eval failed:"; cat "$CAP/err2"; exit 1; }
			complete "$TMP/ev" || { echo "after a kill at $sc #$k"; exit 1; }
		done
	done <"$CAP/steps"
	test $total -gt 0 &&
	echo "$total steps of ($(tr -s " \n" " " <"$CAP/steps")) killed and resumed (stride $FAULT_STRIDE)" |
		tee "$TMP/steps"
'

test_expect_success 'kill -9 of QEMU during a run: that run fails, one error, the rest goes on' '
	rm -rf "$TMP/evq"
	"$CVM" eval --guests unikernel --workloads ep --class S --protection none --repeat 1 \
		--warmup 0 --accel tcg --timeout 60 --out "$TMP/evq" \
		>"$CAP/out" 2>"$CAP/err" & ev=$!
	i=0; q=""
	while [ -z "$q" ] && [ $i -lt 100 ]; do
		for c in $(ps -o pid= --ppid $ev); do
			tr "\0" " " <"/proc/$c/cmdline" | grep -q "workload=ep" && q=$c
		done
		i=$((i + 1)); sleep 0.1
	done
	test -n "$q" && sleep 0.5 && kill -9 $q &&
	code=0; wait $ev || code=$?
	test $code = 1 && contains "$CAP/err" "QEMU was killed by signal 9" &&
	jq -se "length == 1 and (.[0].ok | not)" "$TMP/evq/runs.jsonl" >/dev/null &&
	no_qemu_in "$TMP/evq"
'

mkdir -p "$TMP/mnt/full" "$TMP/mnt/ro"
if [ "$(id -u)" = 0 ] &&
	mount -t tmpfs -o size=64k tmpfs "$TMP/mnt/full" 2>/dev/null; then
	trap 'umount "$TMP/mnt/full" "$TMP/mnt/ro" 2>/dev/null; rm -rf "$TMP"' EXIT
	mount -t tmpfs -o ro,size=64k tmpfs "$TMP/mnt/ro"
	test_expect_success 'results on a full disk: exit 1, one error line, no partial lines' '
		code=0; "$CVM" $EVAL --out "$TMP/mnt/full/ev" \
			>"$CAP/out" 2>"$CAP/err" || code=$?
		test $code = 1 && test "$(grep -c "^cvm: error: " "$CAP/err")" = 1 &&
		contains "$CAP/err" "No space left on device" &&
		{ test ! -e "$TMP/mnt/full/ev/runs.jsonl" ||
			while IFS= read -r l; do printf "%s\n" "$l" | jq -e . >/dev/null || exit 1
			done <"$TMP/mnt/full/ev/runs.jsonl"; } &&
		test -z "$(find "$TMP/mnt/full" -name "*.tmp*")"
	'
	test_expect_success 'results on a read-only folder: exit 1, one error line' '
		code=0; "$CVM" $EVAL --out "$TMP/mnt/ro/ev" \
			>"$CAP/out" 2>"$CAP/err" || code=$?
		test $code = 1 && test "$(grep -c "^cvm: error: " "$CAP/err")" = 1 &&
		contains "$CAP/err" "Read-only file system"
	'
else
	test_expect_success 'full and read-only results folders (skipped: not root)' 'true'
fi

sed 's/^/# /' "$TMP/steps" 2>/dev/null
done_testing
