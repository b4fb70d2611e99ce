#!/bin/sh
# SPDX-License-Identifier: MIT
#
# musl-math.sh LIBC_A OUT_A AR NM OBJDUMP [MEMBER...]
#
# Extract the math objects the workloads may use (workloads/wl.h: sqrt,
# log, exp, pow, sin, cos, fabs, floor; plus sincos, which the compiler
# may emit for sin+cos of one argument) and their helpers from Debian's
# musl libc.a (package musl-dev) into the archive OUT_A, and refuse when
# an object needs more than the unikernel provides:
#   - no undefined symbol outside the set, except __stack_chk_fail
#     (so no errno, no syscall wrappers, no allocation);
#   - no TLS sections and no SYSCALL/SYSENTER/INT 0x80 instruction;
#   - no %fs/%gs access other than the stack-protector canary at
#     %fs:0x28 (Debian builds musl with -fstack-protector-strong; the
#     kernel points FS.base at a block holding a canary, libc/stackprot.c).
set -eu

libc=$1 out=$2 ar=$3 nm=$4 objdump=$5
shift 5

members="sqrt fabs floor log log_data exp exp_data pow pow_data sin cos
sincos __sin __cos __rem_pio2 __rem_pio2_large scalbn __math_oflow
__math_uflow __math_xflow __math_invalid __math_divzero"
# other members (without .lo) only to test the checks themselves
[ $# -eq 0 ] || members=$*

fail() {
	echo "musl-math.sh: $*" >&2
	exit 1
}

case $out in /*) ;; *) out=$PWD/$out ;; esac
[ -r "$libc" ] || fail "'$libc' not found: install musl-dev (scripts/install-deps)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

objs=""
for m in $members; do
	"$ar" x "$libc" "$m.lo" 2>/dev/null || fail "'$libc' has no member $m.lo"
	objs="$objs $m.lo"
done

# shellcheck disable=SC2086
"$nm" --defined-only $objs | awk 'NF == 3 { print $3 }' | sort -u >defined
# shellcheck disable=SC2086
"$nm" -u $objs | awk 'NF >= 2 { print $NF }' | sort -u >undefined
extra=$(grep -vxF -f defined undefined | grep -vx '__stack_chk_fail' || true)
[ -z "$extra" ] || fail "math objects need symbols the kernel lacks: $extra"

for o in $objs; do
	if "$objdump" -h "$o" | grep -qE '\.t(data|bss)'; then
		fail "$o has thread-local data"
	fi
	dis=$("$objdump" -d "$o")
	# shellcheck disable=SC2016 # a literal $ in the pattern
	if printf '%s\n' "$dis" | grep -qE '[[:space:]](syscall|sysenter)|int +\$0x80'; then
		fail "$o makes system calls"
	fi
	bad=$(printf '%s\n' "$dis" | grep -E '%[fg]s:' | grep -v '%fs:0x28' || true)
	[ -z "$bad" ] || fail "$o uses %fs/%gs beyond the canary: $bad"
done

# shellcheck disable=SC2086
"$ar" rcD "$out.tmp" $objs
mv "$out.tmp" "$out"
