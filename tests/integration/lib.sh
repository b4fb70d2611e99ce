# SPDX-License-Identifier: MIT
# A tiny TAP library for integration scripts (git's test-lib, much smaller).
#
#   . "$(dirname "$0")/lib.sh"
#   test_expect_success 'what it checks' 'commands...'
#   skip_all 'reason'          # the whole script is skipped (TAP "1..0 # SKIP")
#   done_testing
#
# Environment from meson: CVM (the binary), CVM_SRC, CVM_BUILD, CVM_SHARED.
# Each script runs in its own scratch folder $TMP, removed at exit.

: "${CVM:?run through meson test (CVM is not set)}"
TEST_NAME=$(basename "$0" .sh)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/cvm-$TEST_NAME.XXXXXX")
export XDG_DATA_HOME="$TMP/xdg"
export NO_COLOR=1
trap 'rm -rf "$TMP"' EXIT
test_count=0
test_failed=0

# A skipped script prints the TAP skip plan and exits 0: meson's TAP
# protocol reports that as SKIP (an exit status of 77 would be an ERROR).
skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

test_expect_success() {
	test_count=$((test_count + 1))
	if (cd "$TMP" && eval "set -e; $2") >"$TMP/.out" 2>&1; then
		echo "ok $test_count - $1"
	else
		echo "not ok $test_count - $1"
		sed 's/^/# /' "$TMP/.out"
		test_failed=$((test_failed + 1))
	fi
}

# test_expect_code CODE 'desc' 'commands': the commands' status must be CODE
test_expect_code() {
	test_count=$((test_count + 1))
	code=0
	(cd "$TMP" && eval "$3") >"$TMP/.out" 2>&1 || code=$?
	if [ "$code" = "$1" ]; then
		echo "ok $test_count - $2"
	else
		echo "not ok $test_count - $2 (exit $code, expected $1)"
		sed 's/^/# /' "$TMP/.out"
		test_failed=$((test_failed + 1))
	fi
}

# contains FILE TEXT: FILE holds TEXT (fixed string)
contains() {
	grep -qF -- "$2" "$1" || { echo "'$1' lacks '$2':"; cat "$1"; return 1; }
}

done_testing() {
	echo "1..$test_count"
	[ "$test_failed" = 0 ]
}
