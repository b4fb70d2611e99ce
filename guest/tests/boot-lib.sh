# SPDX-License-Identifier: MIT
# Helpers for the unikernel boot tests (tests/integration/t21NN-*.sh),
# sourced after lib.sh.  They start QEMU directly (never `cvm run`),
# under TCG with a timeout, and keep the serial output in NAME.out and
# QEMU's exit code in NAME.rc (in the test's scratch folder).
#
#   uk_require                 skip_all unless QEMU and the images exist
#   uk_boot_pvh NAME MIB APPEND [QEMU ARGS...]
#   uk_boot_efi NAME MIB APPEND [QEMU ARGS...]   OVMF (-bios OVMF.fd)
#   uk_rc NAME CODE            QEMU exited with CODE
#   uk_exit NAME STATUS        the guest's "CVM1 exit" says STATUS, and
#                              QEMU's code is (STATUS << 1) | 1
#   uk_lines_ok FILE           the CVM1 lines follow docs/result-format.md
#   uk_workloads               the workload names the kernel lists

UK_ELF=${CVM_UNIKERNEL_ELF:-$CVM_BUILD/guest/cvm-unikernel.elf}
UK_EFI=${CVM_UNIKERNEL_EFI:-$CVM_BUILD/guest/cvm-unikernel.efi}
# shellcheck disable=SC2034 # used by the tests that source this
UK_FLOOR=${CVM_FLOOR_ELF:-$CVM_BUILD/guest/cvm-floor.elf}
UK_QEMU=${UK_QEMU:-qemu-system-x86_64}
UK_OVMF=${UK_OVMF:-/usr/share/ovmf/OVMF.fd}
UK_TIMEOUT=${UK_TIMEOUT:-300}
UK_DEBUG_EXIT="isa-debug-exit,iobase=0xf4,iosize=0x04"

uk_require() {
	command -v "$UK_QEMU" >/dev/null 2>&1 ||
		skip_all "$UK_QEMU is not installed (scripts/install-deps)"
	if [ ! -f "$UK_ELF" ] || [ ! -f "$UK_EFI" ]; then
		skip_all "no unikernel images in $CVM_BUILD/guest (-Dguest=false?)"
	fi
}

# uk_qemu NAME SECONDS QEMU-ARGS...
uk_qemu() {
	uk_name=$1 uk_t=$2
	shift 2
	uk_code=0
	timeout "$uk_t" "$UK_QEMU" -machine q35 -accel tcg -display none \
		-no-reboot -nodefaults -serial stdio "$@" \
		>"$uk_name.out" 2>"$uk_name.err" </dev/null || uk_code=$?
	echo "$uk_code" >"$uk_name.rc"
}

uk_boot_pvh() {
	uk_n=$1 uk_m=$2 uk_a=$3
	shift 3
	uk_qemu "$uk_n" "$UK_TIMEOUT" -m "$uk_m" -device "$UK_DEBUG_EXIT" \
		-kernel "$UK_ELF" -append "$uk_a" "$@"
}

uk_boot_efi() {
	uk_n=$1 uk_m=$2 uk_a=$3
	shift 3
	[ -f "$UK_OVMF" ] || { echo "no OVMF at $UK_OVMF"; return 1; }
	uk_qemu "$uk_n" "$UK_TIMEOUT" -m "$uk_m" -device "$UK_DEBUG_EXIT" \
		-bios "$UK_OVMF" -kernel "$UK_EFI" -append "$uk_a" "$@"
}

uk_rc() {
	uk_got=$(cat "$1.rc")
	[ "$uk_got" = "$2" ] && return 0
	echo "QEMU exited $uk_got, expected $2; serial output:"
	cat "$1.out" "$1.err"
	return 1
}

uk_exit() {
	uk_st=$(sed -n 's/^CVM1 exit \([0-9]*\)$/\1/p' "$1.out" | tail -n 1)
	if [ "$uk_st" != "$2" ]; then
		echo "guest exit status '$uk_st', expected $2:"
		cat "$1.out"
		return 1
	fi
	uk_rc "$1" $(($2 * 2 + 1))
}

# The format of docs/result-format.md: known kinds with their field
# counts, CVM1 only at a line start, boot phases in order with
# non-decreasing times (workload_start may follow workload_end when a
# list of workloads runs), exactly one exit line and nothing after it.
uk_lines_ok() {
	tr -d '\r' <"$1" | awk -v f="$1" '
	function bad(m) { print f ": " m ": " $0; err = 1 }
	function num(s) { return s ~ /^-?([0-9]+\.?[0-9]*|\.[0-9]+)(e[-+][0-9]+)?$/ || s == "nan" || s == "inf" || s == "-inf" }
	BEGIN { rank["entry"] = 1; rank["longmode"] = 2; rank["main"] = 3
		rank["workload_start"] = 4; rank["workload_end"] = 5 }
	/CVM1 / && !/^CVM1 / { bad("CVM1 not at the start of the line") }
	/^CVM1 / {
		if (exits) bad("a CVM1 line after the exit line")
		k = $2
		if (k == "boot") {
			if (NF != 4 || !($3 in rank) || $4 !~ /^[0-9]+$/) bad("bad boot line")
			r = rank[$3]
			if (r <= last && !(r == 4 && last == 5)) bad("boot phase out of order")
			if ($4 + 0 < lastns) bad("boot time went backwards")
			last = r; lastns = $4 + 0
		} else if (k == "info") {
			if (NF != 4) bad("bad info line")
		} else if (k == "result") {
			if (NF != 8 || $4 !~ /^[SWA-]$/ || !num($6) || $8 !~ /^(yes|no|na)$/) bad("bad result line")
		} else if (k == "fault") {
			if (NF != 6) bad("bad fault line")
			for (i = 3; i <= 6; i++) if ($i !~ /^0x[0-9a-f]+$/) bad("bad fault field")
		} else if (k == "report") {
			if (NF != 3 || $3 !~ /^[0-9a-f]+$/) bad("bad report line")
		} else if (k == "exit") {
			if (NF != 3 || $3 !~ /^[0-9]+$/) bad("bad exit line")
			exits++
		} else {
			bad("unknown CVM1 kind")
		}
	}
	END { if (exits != 1) { print f ": " exits + 0 " exit lines"; err = 1 }
	      exit err }'
}

# the kernel's own list (wl_workloads plus fault and hang), from a boot
# with an unknown workload
uk_workloads() {
	uk_boot_pvh uk-list 16 "workload=no-such-workload" || return 1
	sed -n 's/^cvm: workloads: //p' uk-list.out | tr ' ' '\n' |
		grep -v -e '^$' -e '^fault$' -e '^hang$'
}
