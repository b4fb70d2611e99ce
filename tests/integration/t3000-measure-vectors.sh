#!/bin/sh
# t3000: every row of ../shared/testdata/measure/vectors.tsv, the record of
# virtee/sev-snp-measure 0.0.13, with `cvm measure` in place of
# `sev-snp-measure`: same exit status, same stdout.  Failing rows must
# also give a `cvm: error:` line (naming the firmware for exit 1).
. "$(dirname "$0")/lib.sh"

DATA="$CVM_SHARED/testdata/measure"
VEC="$DATA/vectors.tsv"
[ -r "$VEC" ] || skip_all "no $VEC"

# the fixtures by link (never copied), k.bin and i.bin generated as the
# data's README says
for f in OVMF.fd OVMF_CODE_4M.fd ovmf_AmdSev_suffix.bin \
	ovmf_OvmfX64_suffix.bin svsm.bin svsm_ovmf.fd; do
	ln -s "$DATA/$f" "$TMP/$f"
done
head -c 1000000 /dev/zero | tr '\0' 'K' >"$TMP/k.bin"
head -c 500000 /dev/zero | tr '\0' 'I' >"$TMP/i.bin"

test_expect_success 'generated k.bin and i.bin match the README' '
	sha256sum k.bin i.bin >sums &&
	contains sums 0452a03fa1f7158f43b04ee005afac511b1ff7c8e17cf70b4ae5421130ea4cc1 &&
	contains sums 9218cd446709d95d0ab4f1620898311f08ef515e0fd33ad26783a0998630ed5d
'

check_row() {
	code=0
	# shellcheck disable=SC2086 # the recorded command is split on spaces
	"$CVM" measure ${row_cmd#sev-snp-measure } >out 2>err || code=$?
	printf '%s' "$row_out" >want
	[ -z "$row_out" ] || echo >>want
	if [ "$code" != "$row_code" ]; then
		echo "exit $code, expected $row_code"
		cat err
		return 1
	fi
	cmp want out || { echo "stdout differs:"; cat out; return 1; }
	if [ "$row_code" != 0 ]; then
		head -n 1 err | grep -q '^cvm: error: ' || { cat err; return 1; }
	fi
	if [ "$row_code" = 1 ]; then
		ovmf=$(echo "$row_cmd" | sed 's/.*--ovmf \([^ ]*\).*/\1/')
		head -n 1 err | grep -qF "'$ovmf'" || { cat err; return 1; }
	fi
	return 0
}

rows=$(($(wc -l <"$VEC") - 1))
i=2
while [ "$i" -le $((rows + 1)) ]; do
	line=$(sed -n "${i}p" "$VEC")
	row_tag=$(printf '%s\n' "$line" | cut -f1)
	row_cmd=$(printf '%s\n' "$line" | cut -f2)
	row_code=$(printf '%s\n' "$line" | cut -f3)
	row_out=$(printf '%s\n' "$line" | cut -f4)
	test_expect_success "row $((i - 1)) [$row_tag]: ${row_cmd#sev-snp-measure }" \
		'check_row'
	i=$((i + 1))
done

test_expect_success "all $rows rows were run" '[ "$rows" = 284 ]'
done_testing
