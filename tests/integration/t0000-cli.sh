#!/bin/sh
# t0000: the front end itself: help, version, unknown commands, exit codes.
. "$(dirname "$0")/lib.sh"

test_expect_success 'cvm help lists every command' '
	"$CVM" help >out &&
	for c in attest eval firmware host measure policy run version vm; do
		contains out "  $c"
	done
'
test_expect_success 'cvm --help equals cvm help' '
	"$CVM" --help >a && "$CVM" help >b && cmp a b
'
test_expect_code 2 'no command is a usage error' '"$CVM"'
test_expect_code 2 'an unknown command is a usage error' '"$CVM" nosuch'
test_expect_success 'the unknown command is named' '
	! "$CVM" nosuch 2>err && contains err "unknown command '"'"'nosuch'"'"'"
'
test_expect_code 2 'prefixes are not expanded' '"$CVM" vers'
test_expect_success 'version prints the version' '
	"$CVM" version >out && grep -q "^cvm [0-9]" out
'
test_expect_success 'cvm --version is cvm version' '
	"$CVM" --version >out && "$CVM" version >want && cmp out want
'
test_expect_success 'version --json is JSON with the cvm version' '
	"$CVM" version --json >out && grep -q "\"cvm\": \"[0-9]" out
'
test_expect_success 'every command answers --help with exit 0 and a usage line' '
	"$CVM" help | sed -n "s/^  \([a-z]*\) .*/\1/p" >cmds &&
	test $(wc -l <cmds) -ge 10 &&
	for c in $(cat cmds); do
		"$CVM" $c --help >out || { echo "$c --help failed"; exit 1; }
		grep -q "^usage: cvm $c" out || { echo "$c: no usage"; exit 1; }
	done
'
test_expect_success 'a write error on stdout is reported' '
	if [ -w /dev/full ]; then
		! "$CVM" help >/dev/full 2>err && contains err "write to stdout failed"
	fi
'
test_expect_success 'README.md is generated from docs/readme' '
	"$CVM_SRC/scripts/gen-readme" --check
'
done_testing
