#!/bin/sh
# SPDX-License-Identifier: MIT
# bearssl-symbols.sh FREESTANDING_LIB BEARSSL_A: link the guest's SEV
# modules (compiled freestanding) against Debian's static libbearssl.a
# the way the unikernel does, and check what the guest must provide.
# TAP output.  The expected set is documented in docs/sev-guest.md.
set -u
lib=$1
bearssl=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); fail=1; echo "not ok $n - $*"; }

ld -static -e 0 -o "$tmp/a.elf" --whole-archive "$lib" --no-whole-archive \
	"$bearssl" 2>"$tmp/err"
undef=$(grep -o "undefined reference to \`[^']*'" "$tmp/err" |
	sed "s/.*\`//; s/'//" | sort -u | tr '\n' ' ')
want="__memcpy_chk __stack_chk_fail "
if [ "$undef" = "$want" ]; then
	ok "undefined symbols are exactly: $want"
else
	notok "undefined symbols: '$undef' (expected '$want')"
fi
if ld -static -e 0 -o "$tmp/b.elf" --defsym=__stack_chk_fail=0 \
	--defsym=__memcpy_chk=0 --whole-archive "$lib" --no-whole-archive \
	"$bearssl" 2>"$tmp/err2"; then
	ok "links once those two are defined"
else
	notok "link still fails: $(head -3 "$tmp/err2")"
fi
if readelf -S "$tmp/b.elf" 2>/dev/null | grep -Eq '\.t(data|bss)'; then
	notok "TLS sections present"
else
	ok "no TLS sections (.tdata/.tbss)"
fi
if readelf -s "$tmp/b.elf" 2>/dev/null | grep -q '__tls_get_addr'; then
	notok "__tls_get_addr referenced"
else
	ok "no __tls_get_addr"
fi
fs=$(objdump -d "$tmp/b.elf" 2>/dev/null | grep -c '%fs:0x28')
if [ "$fs" -gt 0 ]; then
	ok "stack-protector canary read through %fs:0x28 ($fs sites): the guest sets FS base"
else
	ok "no %fs:0x28 canary reads"
fi
# the PE32+ link has no GOT (docs/sev-guest.md §3): whatever BearSSL
# object the SEV code pulls in must reach its data PC-relative
if ld -r --gc-sections -u sev_gcm_seal -u sev_gcm_open -o "$tmp/r.o" \
	"$lib" "$bearssl" 2>"$tmp/err3" &&
	objdump -r "$tmp/r.o" >"$tmp/rel" 2>&1; then
	got=$(grep -c GOT "$tmp/rel")
	if [ "$got" = 0 ]; then
		ok "no GOT relocations in what the AES-GCM code links"
	else
		notok "$got GOT relocations: $(grep GOT "$tmp/rel" | head -3)"
	fi
else
	notok "ld -r failed: $(head -3 "$tmp/err3")"
fi
echo "1..$n"
exit $fail
