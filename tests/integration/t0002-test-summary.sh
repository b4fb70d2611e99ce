#!/bin/sh
# t0002: scripts/test-summary, which gives `make check` its closing line
# "N passed, N failed" over every build's meson test log.
. "$(dirname "$0")/lib.sh"

SUM="$CVM_SRC/scripts/test-summary"
command -v python3 >/dev/null || skip_all 'no python3'

# log DIR LINES...: a meson test log (one JSON object a line) in DIR
log() {
	d=$1
	shift
	mkdir -p "$d/meson-logs"
	printf '%s\n' "$@" >"$d/meson-logs/testlog.json"
}
ok='{"name": "cvm:unit / a", "stdout": "1..2\nok 1 - x\nok 2 - y\n", "result": "OK"}'
bad='{"name": "cvm:unit / b", "stdout": "1..2\nok 1 - x\nnot ok 2 - y\n", "result": "FAIL"}'
skip='{"name": "cvm:integration / c", "stdout": "1..0 # SKIP no SEV here\n", "result": "SKIP"}'

test_expect_success 'all passing: exit 0, the last line counts them' '
	log b1 "$ok" "$ok" "$skip" &&
	python3 "$SUM" b1 >out &&
	test "$(tail -n 1 out)" = "2 passed, 0 failed" &&
	contains out "skip  b1:cvm:integration / c: SKIP no SEV here" &&
	contains out "1 skipped, 4 TAP cases in all"
'
test_expect_success 'a failure in any build: exit 1, named, counted over all' '
	log b1 "$ok" "$skip" && log b2 "$ok" "$bad" &&
	! python3 "$SUM" b1 b2 >out &&
	test "$(tail -n 1 out)" = "2 passed, 1 failed" &&
	contains out "FAIL  b2:cvm:unit / b (FAIL, 1 failing cases)"
'
test_expect_success 'a build without a test log counts as a failure' '
	log b1 "$ok" && mkdir -p empty &&
	! python3 "$SUM" b1 empty >out 2>err &&
	test "$(tail -n 1 out)" = "1 passed, 1 failed" &&
	contains err "no test log in"
'
test_expect_success 'make check ends with test-summary over every build' '
	sed -n "/^check:/,/^\$/p" "$CVM_SRC/Makefile" >rule &&
	contains rule "scripts/test-summary \$(BUILD)" &&
	contains rule "\$(ASAN_BUILD) \$(FUZZ_BUILD) || status=1" &&
	grep -q "exec make check" "$CVM_SRC/.ci/run"
'
done_testing
