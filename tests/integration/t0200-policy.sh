#!/bin/sh
# t0200: cvm policy explain and make: the issue's examples, malformed
# values, exit statuses and the make -> explain round trip.
. "$(dirname "$0")/lib.sh"

# shellcheck disable=SC2034 # used in the eval'd test bodies
DATA="$CVM_SRC/tests/data/host"

# row FILE BITS FIELD VALUE: the table has that row
row() {
	grep -qE "^$2 +$3 +$4 " "$1" || { echo "no row '$2 $3 $4' in:"; cat "$1"; return 1; }
}

test_expect_success 'explain --snp 0x30000: SMT and bit 17, nothing to warn' '
	"$CVM" policy explain --snp 0x30000 >out &&
	contains out "SEV-SNP guest policy 0x30000" &&
	row out 16 SMT 1 && row out 17 RSVD_MBO 1 && row out 19 DEBUG 0 &&
	row out 18 MIGRATE_MA 0 && row out 20 SINGLE_SOCKET 0 &&
	row out 7:0 ABI_MINOR 0x0 && row out 63:26 RESERVED 0x0 &&
	contains out "SMT allowed" &&
	! grep -q "^warning:" out && ! grep -q "^error:" out
'
test_expect_success 'explain --sev 0x07: NODBG, NOKS and ES set' '
	"$CVM" policy explain --sev 0x07 >out &&
	contains out "SEV guest policy 0x7" &&
	row out 0 NODBG 1 && row out 1 NOKS 1 && row out 2 ES 1 &&
	row out 3 NOSEND 0 && contains out "SEV-ES required" &&
	! grep -q "^warning:" out && ! grep -q "^error:" out
'
test_expect_success 'decimal works as hex does' '
	"$CVM" policy explain --snp 196608 >a &&
	"$CVM" policy explain --snp 0x30000 >b && cmp a b
'
test_expect_success 'the kind is guessed from bit 17 and said so' '
	"$CVM" policy explain 0x30000 >out && contains out "SEV-SNP guest policy" &&
	contains out "guessed" &&
	"$CVM" policy explain 7 >out && contains out "SEV guest policy 0x7"
'
test_expect_success 'debug allowed and key sharing are warnings' '
	"$CVM" policy explain --sev 0x0 >out &&
	contains out "warning: debugging allowed" &&
	contains out "warning: key sharing allowed" &&
	"$CVM" policy explain --snp 0xB0000 >out &&
	contains out "warning: debugging allowed (DEBUG set)"
'
test_expect_code 3 'SNP bit 17 clear is refused (exit 3)' \
	'"$CVM" policy explain --snp 0x10000'
test_expect_code 3 'SEV reserved bits are refused' \
	'"$CVM" policy explain --sev 0x41'
test_expect_code 3 'an ES policy for a host without SEV-ES is refused' \
	'"$CVM" policy explain --sev 0x07 --facts "$DATA/genoa-zero-es-asids.json"'
test_expect_code 0 'the same ES policy on a Milan host that can do ES' \
	'"$CVM" policy explain --sev 0x07 --facts "$DATA/milan-sev-es.json"'
test_expect_success 'SNP against a Milan host without SNP says why' '
	code=0; "$CVM" policy explain --snp 0x30000 --facts "$DATA/milan-sev-es.json" >out || code=$?
	test $code = 3 && contains out "error: this host cannot launch SEV-SNP"
'
test_expect_success 'explain --json' '
	"$CVM" policy explain --snp 0x30000 --json >out.json &&
	python3 -c "
import json
d = json.load(open(\"out.json\"))
assert d[\"kind\"] == \"snp\" and d[\"value\"] == \"0x30000\"
assert len(d[\"fields\"]) == 13 and d[\"refused\"] is False
f = {x[\"name\"]: x for x in d[\"fields\"]}
assert f[\"SMT\"][\"bits\"] == \"16\" and f[\"SMT\"][\"value\"] == 1
assert d[\"notes\"] == [] and d[\"guessed\"] is False
"
'

# malformed values: usage error (2) naming the text
n=0
for v in "" 0x 0X 0xg 0x3000z +7 " 7" "7 " "0x3 0000" 1.0 1e3 ff 30000h \
	0b101 010 007 0x0x1 x30000 ten 1_000 0x1_0 0x10000000000000000 \
	18446744073709551616 "$(printf '0x30000\t')"; do
	n=$((n + 1))
	test_expect_success "malformed value #$n '$v' is a usage error naming it" "
		code=0; \"\$CVM\" policy explain --snp '$v' 2>err || code=\$?
		test \$code = 2 && contains err \"'$v' is not a policy value\" ||
		{ test \$code = 2 && contains err \"'$v' is too large\"; }
	"
done
test_expect_success 'negative values are refused too (after --)' '
	code=0; "$CVM" policy explain --snp -- -1 2>err || code=$?
	test $code = 2 && contains err "'"'"'-1'"'"' is not a policy value: it has a sign"
'
test_expect_success 'an SEV value above 32 bits is a usage error' '
	code=0; "$CVM" policy explain --sev 0x100000000 2>err || code=$?
	test $code = 2 && contains err "too large for an SEV policy"
'
test_expect_success 'at least 20 malformed values were tried' 'test '"$n"' -ge 20'
test_expect_code 2 'explain: --sev and --snp together' '"$CVM" policy explain --sev --snp 7'
test_expect_code 2 'explain: no value' '"$CVM" policy explain --snp'
test_expect_code 2 'explain: two values' '"$CVM" policy explain 7 8'

test_expect_success 'make: safe defaults per level' '
	test "$("$CVM" policy make --level sev)" = 0x3 &&
	test "$("$CVM" policy make --level sev-es)" = 0x7 &&
	test "$("$CVM" policy make --level sev-snp)" = 0x30000
'
test_expect_success 'make: warnings go to stderr, the value alone to stdout' '
	"$CVM" policy make --level sev-snp --allow-debug >out 2>err &&
	test "$(cat out)" = 0xb0000 && contains err "warning: debugging allowed"
'
test_expect_success 'make -> explain round trip (SEV and SEV-ES)' '
	for lvl in sev sev-es; do
	for opts in "" --allow-debug --allow-key-sharing --no-send \
		"--allow-debug --no-send" "--min-firmware 1.51"; do
		v=$("$CVM" policy make --level $lvl $opts 2>/dev/null) &&
		"$CVM" policy explain --sev "$v" >out &&
		case "$opts" in *allow-debug*) row out 0 NODBG 0 ;; *) row out 0 NODBG 1 ;; esac &&
		case "$opts" in *key-sharing*) row out 1 NOKS 0 ;; *) row out 1 NOKS 1 ;; esac &&
		case "$opts" in *no-send*) row out 3 NOSEND 1 ;; *) row out 3 NOSEND 0 ;; esac &&
		case "$opts" in *min-firmware*) row out 23:16 API_MAJOR 0x1 && row out 31:24 API_MINOR 0x33 ;; esac &&
		case $lvl in sev-es) row out 2 ES 1 ;; *) row out 2 ES 0 ;; esac ||
		{ echo "level $lvl opts $opts value $v"; exit 1; }
	done
	done
'
test_expect_success 'make -> explain round trip (SEV-SNP)' '
	for opts in "" --allow-debug --no-smt --single-socket --cxl-allow \
		--aes-256-xts --rapl-dis --ciphertext-hiding --page-swap-disable \
		"--allow-debug --single-socket" "--min-firmware 1.55"; do
		v=$("$CVM" policy make --level sev-snp $opts 2>/dev/null) &&
		"$CVM" policy explain --snp "$v" --json >out.json &&
		python3 - out.json "$opts" <<-'\''EOF'\''
		import json, sys
		d = json.load(open(sys.argv[1])); opts = sys.argv[2].split()
		f = {x["name"]: x["value"] for x in d["fields"]}
		assert f["RSVD_MBO"] == 1 and not d["refused"], d
		want = {"--allow-debug": ("DEBUG", 1), "--no-smt": ("SMT", 0),
		        "--single-socket": ("SINGLE_SOCKET", 1),
		        "--cxl-allow": ("CXL_ALLOW", 1),
		        "--aes-256-xts": ("MEM_AES_256_XTS", 1),
		        "--rapl-dis": ("RAPL_DIS", 1),
		        "--ciphertext-hiding": ("CIPHERTEXT_HIDING", 1),
		        "--page-swap-disable": ("PAGE_SWAP_DISABLE", 1)}
		for o, (name, val) in want.items():
		    exp = val if o in opts else (1 if name == "SMT" else 0)
		    assert f[name] == exp, (o, name, f[name])
		if "--min-firmware" in opts:
		    assert f["ABI_MAJOR"] == 1 and f["ABI_MINOR"] == 55, f
		EOF
	done
'
test_expect_success 'make --json' '
	"$CVM" policy make --level sev-es --json >out.json &&
	python3 -c "
import json
d = json.load(open(\"out.json\"))
assert d[\"value\"] == \"0x7\" and d[\"decimal\"] == 7 and d[\"kind\"] == \"sev\"
"
'
for args in "" "--level none" "--level auto" "--level sev-snpx" \
	"--level sev --no-smt" "--level sev-snp --no-send" \
	"--level sev-es --rapl-dis" "--level sev --min-firmware 1.x" \
	"--level sev --min-firmware 256.0" "--level sev --bogus" "--level sev 7"; do
	test_expect_code 2 "make usage error: $args" "\"\$CVM\" policy make $args"
done
test_expect_success 'make names the bad level' '
	! "$CVM" policy make --level sev-snpx 2>err && contains err "'"'"'sev-snpx'"'"'"
'
done_testing
