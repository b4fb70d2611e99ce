#!/bin/sh
# t2103: the images themselves: size limit, the PVH note, the PE32+
# layout the SEV kernel-hashes path needs, base relocations, the floor,
# the checked musl math objects and an SSE-free kernel core.
. "$(dirname "$0")/lib.sh"
. "$CVM_SRC/guest/tests/boot-lib.sh"
uk_require

test_expect_success 'the PVH image, all workloads in, is at most 200 KiB' '
	size=$(wc -c <"$UK_ELF") &&
	echo "cvm-unikernel.elf: $size bytes" &&
	test "$size" -le 204800
'
test_expect_success 'the PVH image has the Xen PHYS32_ENTRY note (8 bytes)' '
	readelf -lW "$UK_ELF" | grep -q " NOTE " &&
	readelf -nW "$UK_ELF" >notes &&
	grep -E "^ +Xen +0x00000008[[:space:]].*\(0x00000012\)" notes
'
test_expect_success 'the EFI image is a PE32+ x86-64 EFI application' '
	objdump -p "$UK_EFI" >pe &&
	grep -q "file format pei-x86-64" pe &&
	grep -Eq "^Magic[[:space:]]+020b" pe &&
	grep -Eq "^Subsystem[[:space:]]+0000000a" pe
'
test_expect_success 'EFI: byte 0x1f1 is 0 and the file is over 2.5 KiB' '
	test "$(od -An -tu1 -j 497 -N 1 "$UK_EFI" | tr -d " ")" = 0 &&
	test "$(wc -c <"$UK_EFI")" -gt 2560
'
test_expect_success 'EFI: relocatable, with 64-bit base relocations only' '
	objdump -p "$UK_EFI" >pe &&
	sed -n "/PE File Base Relocations/,\$p" pe >relocs &&
	test "$(grep -c " DIR64$" relocs)" -gt 0 &&
	! grep -Eq " (HIGHLOW|HIGH|LOW)$" relocs &&
	! grep -q "RELOCS_STRIPPED" pe
'
test_expect_success 'EFI: no GOT relocations reach the PE link' '
	obj="$CVM_BUILD/guest/cvm-unikernel-efi.o" && test -f "$obj" &&
	objdump -r "$obj" >rel && grep -q R_X86_64 rel &&
	! grep GOT rel
'
test_expect_success 'the floor starts with out %al,$0xf4 and exits at once' '
	objdump -d "$UK_FLOOR" | grep -m 1 -E "^ +[0-9a-f]+:" >first &&
	grep -q "out  *%al,\$0xf4" first &&
	uk_qemu floor 30 -m 16 -device "$UK_DEBUG_EXIT" -kernel "$UK_FLOOR" &&
	uk_rc floor 1
'
test_expect_success 'the musl math objects pass the no-TLS/errno/syscall check' '
	sh "$CVM_SRC/guest/libc/musl-math.sh" /usr/lib/x86_64-linux-musl/libc.a \
		"$TMP/m.a" ar nm objdump && ar t m.a | grep -qx pow.lo
'
test_expect_success 'the check refuses an object that needs errno or syscalls' '
	! sh "$CVM_SRC/guest/libc/musl-math.sh" \
		/usr/lib/x86_64-linux-musl/libc.a "$TMP/w.a" ar nm objdump \
		write 2>err &&
	contains err "need symbols the kernel lacks" && test ! -e w.a
'
test_expect_success 'the kernel core uses no SSE or x87 registers' '
	lib="$CVM_BUILD/guest/libcvm-guest-core.a" &&
	test -f "$lib" && objdump -d "$lib" >core &&
	grep -q "trap_dispatch" core &&
	! grep -E "%[xyz]mm|%mm[0-7]|%st" core
'
done_testing
