#!/bin/sh
# t2201: the workload sources build freestanding (as the unikernel builds
# them) and need nothing beyond what workloads/wl.h allows: the wl_*
# services, a few string functions and six math functions.
. "$(dirname "$0")/lib.sh"

LIB=$CVM_BUILD/workloads/libcvmwl-freestanding.a
[ -f "$LIB" ] || skip_all "the freestanding workload library is not built"
command -v nm >/dev/null || skip_all "nm (binutils) is missing"

# shellcheck disable=SC2034 # used inside the test strings
ALLOWED="wl_now_ns wl_alloc wl_free_all wl_print wl_result wl_phase
memcpy memset memmove memcmp strcmp strlen
sqrt log exp pow sin cos fabs floor _GLOBAL_OFFSET_TABLE_"

test_expect_success 'the library defines the workload table and runner' '
	nm --defined-only "$LIB" >defs &&
	for s in wl_workloads wl_find wl_run randlc vranlc; do
		grep -q " [TDRB] $s$" defs || { echo "no $s"; exit 1; }
	done
'
test_expect_success 'it needs only the symbols wl.h allows' '
	nm --defined-only "$LIB" | awk "NF == 3 { print \$3 }" | sort -u >defined &&
	nm -u "$LIB" | awk "NF == 2 { print \$2 }" | sort -u >undefined &&
	comm -23 undefined defined >external &&
	for s in $ALLOWED; do echo "$s"; done | sort >allowed &&
	comm -23 external allowed >extra &&
	if [ -s extra ]; then echo "not allowed:"; cat extra; exit 1; fi
'
test_expect_success 'no source includes a libc header wl.h does not allow' '
	grep -h "^#include <" "$CVM_SRC"/workloads/*.c "$CVM_SRC"/workloads/*.h |
		sort -u >includes &&
	if grep -v -e "<math.h>" -e "<stdint.h>" -e "<stddef.h>" \
		-e "<stdbool.h>" includes; then exit 1; fi
'
done_testing
