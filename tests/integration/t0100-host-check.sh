#!/bin/sh
# t0100: cvm host check on this machine and over every shipped facts file:
# the tree, the verdict, --require, --json against the schema, usage errors.
. "$(dirname "$0")/lib.sh"

DATA="$CVM_SRC/tests/data/host"
SCHEMA="$CVM_SRC/docs/host-check.schema.json"

# validate FILE: FILE holds JSON that the report schema accepts
validate() {
	python3 - "$SCHEMA" "$1" <<-'EOF'
	import json, sys
	import jsonschema
	schema = json.load(open(sys.argv[1]))
	jsonschema.Draft202012Validator.check_schema(schema)
	errors = list(jsonschema.Draft202012Validator(schema).iter_errors(
	    json.load(open(sys.argv[2]))))
	for e in errors:
	    print("/".join(map(str, e.path)), e.message)
	sys.exit(1 if errors else 0)
	EOF
}

skip_test() {
	test_count=$((test_count + 1))
	echo "ok $test_count # SKIP $1"
}

python3 -c 'import jsonschema' 2>/dev/null ||
	skip_all 'python3-jsonschema is not installed (scripts/install-deps)'

if [ -e /dev/sev ]; then
	skip_test 'this host has /dev/sev: the non-SEV expectations do not apply'
else
	test_expect_success 'on this non-SEV machine the verdict is none, naming CPUID' '
		"$CVM" host check >out &&
		contains out "verdict: the highest protection this host can launch now is none" &&
		contains out "sev      blocked by cpu.sev" &&
		contains out "CPUID 0x8000001F EAX=" &&
		contains out "├─ " && contains out "[FAIL] " &&
		contains out "QEMU knows sev-guest"
	'
	test_expect_code 1 '--require sev exits 1 here' '"$CVM" host check --require sev'
	test_expect_success '--require names the level and the blocker' '
		! "$CVM" host check --require sev-snp >out 2>err &&
		contains err "cannot launch sev-snp: cpu.sev:"
	'
fi
test_expect_code 0 '--require none always passes' '"$CVM" host check --require none'

test_expect_success '--json validates against docs/host-check.schema.json' '
	"$CVM" host check --json >live.json &&
	validate live.json &&
	python3 -c "import json,sys; d=json.load(open(\"live.json\")); assert d[\"source\"] == \"probe\"; assert d[\"verdict\"][\"max\"] in (\"none\",\"sev\",\"sev-es\",\"sev-snp\")"
'
test_expect_success 'the schema rejects a broken report (the validation is real)' '
	"$CVM" host check --json >r.json &&
	sed "0,/\"status\": \"ok\"/s//\"status\": \"fine\"/" r.json >bad.json &&
	! cmp -s r.json bad.json && ! validate bad.json >/dev/null
'
test_expect_success 'plain output has no colour without a terminal' '
	"$CVM" host check >out && ! grep -q "$(printf "\033")" out
'
test_expect_success 'colour on a terminal' '
	if command -v script >/dev/null; then
		env -u NO_COLOR TERM=xterm script -qec "$CVM host check" /dev/null >tty.out &&
		grep -q "$(printf "\033\\[31m")" tty.out
	fi
'
test_expect_success '-v shows the evidence of passing checks too' '
	"$CVM" host check -v >out &&
	contains out "evidence: CPUID 0 vendor"
'

# every shipped facts file gives its documented verdict
grep -v "^#" "$DATA/verdicts.tsv" | while read -r f max b1 b2 b3; do
	echo "$f $max $b1 $b2 $b3"
done >"$TMP/verdicts"
while read -r f max b1 b2 b3; do
	test_expect_success "facts $f: verdict $max ($b1 $b2 $b3)" "
		\"\$CVM\" host check --facts \"$DATA/$f.json\" >out &&
		contains out \"launch now is $max\" &&
		contains out \"facts from '$DATA/$f.json'\" &&
		\"\$CVM\" host check --json --facts \"$DATA/$f.json\" >r.json &&
		validate r.json &&
		python3 - r.json $max $b1 $b2 $b3 <<-'EOF'
		import json, sys
		d = json.load(open(sys.argv[1]))
		v = d['verdict']
		got = [v['max']] + [(v['levels'][l]['blocker'] or {'id': '-'})['id']
		                    for l in ('sev', 'sev-es', 'sev-snp')]
		assert got == sys.argv[2:], (got, sys.argv[2:])
		EOF
		for l in sev sev-es sev-snp; do
			code=0
			\"\$CVM\" host check --facts \"$DATA/$f.json\" --require \$l >/dev/null 2>err || code=\$?
			case \"$max:\$l\" in
			sev-snp:*|sev-es:sev|sev-es:sev-es|sev:sev) test \$code = 0 ;;
			*) test \$code = 1 && contains err \"cannot launch \$l\" ;;
			esac
		done
	"
done <"$TMP/verdicts"

test_expect_success 'facts verdicts cover at least the issue list' '
	for f in debian12-nonsev-vm milan-sev-es genoa-snp-ready \
		genoa-bios-snp-off genoa-iommu-pt genoa-qemu-7.2; do
		grep -q "^$f	" "$DATA/verdicts.tsv"
	done
'

test_expect_success 'an unreadable facts file: exit 1 naming it' '
	code=0; "$CVM" host check --facts nosuch.json 2>err || code=$?
	test $code = 1 && contains err "nosuch.json" &&
	echo "not json" >bad.json &&
	code=0; "$CVM" host check --facts bad.json 2>err || code=$?
	test $code = 1 && contains err "'"'"'bad.json'"'"' is not valid JSON"
'
for args in "--require auto" "--require sev-sn" "--memory 12Q" "--bogus" \
	"extra" "--facts" "--qemu"; do
	test_expect_code 2 "usage error: host check $args" "\"\$CVM\" host check $args"
done
test_expect_success 'usage errors name the bad text' '
	! "$CVM" host check --require sev-sn 2>err && contains err "'"'"'sev-sn'"'"'" &&
	! "$CVM" host check --memory 12Q 2>err && contains err "'"'"'12Q'"'"'"
'
test_expect_success 'host check --help documents the options' '
	"$CVM" host check --help >out &&
	contains out "usage: cvm host check" && contains out "--require LEVEL" &&
	contains out "--facts FILE"
'
done_testing
