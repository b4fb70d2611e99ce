#!/bin/sh
# t0101: cvm host facts records what host check reads; replaying the
# record gives the same report as probing.
. "$(dirname "$0")/lib.sh"

test_expect_success 'host facts prints a facts document' '
	"$CVM" host facts >f.json &&
	python3 -c "
import json
d = json.load(open(\"f.json\"))
assert d[\"format\"] == \"cvm-host-facts/1\", d[\"format\"]
assert d[\"recorded_by\"].startswith(\"cvm \")
for k in (\"cpuid\", \"files\", \"dirs\", \"uname\", \"memlock\", \"euid\",
          \"kvm_api_version\", \"access\", \"programs\", \"commands\"):
    assert k in d, k
assert \"0x8000001f:0\" in d[\"cpuid\"] or \"0x80000000:0\" in d[\"cpuid\"]
"
'
test_expect_success 'missing things are facts too ({"error": ...})' '
	"$CVM" host facts >f.json &&
	grep -q "\"error\": \"E[A-Z]*\"" f.json
'
test_expect_success 'replaying the facts gives the probed report' '
	"$CVM" host facts >f.json &&
	"$CVM" host check >live.txt &&
	"$CVM" host check --facts f.json >replay.txt &&
	sed 1,2d replay.txt >replay-body.txt &&
	cmp live.txt replay-body.txt &&
	"$CVM" host check --json >live.json &&
	"$CVM" host check --json --facts f.json >replay.json &&
	python3 -c "
import json
a = json.load(open(\"live.json\")); b = json.load(open(\"replay.json\"))
assert b[\"source\"] == \"facts:f.json\", b[\"source\"]
a.pop(\"source\"); b.pop(\"source\")
assert a == b
"
'
test_expect_success '-o writes the same document, with --comment' '
	"$CVM" host facts -o out.json --comment "lab box 7" &&
	"$CVM" host facts --comment "lab box 7" >stdout.json &&
	cmp out.json stdout.json &&
	"$CVM" host check --facts out.json >out &&
	contains out "facts from '"'"'out.json'"'"': lab box 7"
'
test_expect_success '-o into a missing folder fails naming it, leaving nothing' '
	code=0; "$CVM" host facts -o nodir/f.json 2>err || code=$?
	test $code = 1 && contains err "nodir/f.json" && ! test -e nodir
'
test_expect_success 'a fact missing from a file is reported, not guessed' '
	"$CVM" host facts >f.json &&
	python3 -c "
import json
d = json.load(open(\"f.json\")); del d[\"kvm_api_version\"]
json.dump(d, open(\"g.json\", \"w\"))
" &&
	"$CVM" host check --facts g.json >out &&
	contains out "[skip] KVM (/dev/kvm): /dev/kvm: not recorded in the facts file"
'
test_expect_code 2 'host facts rejects arguments' '"$CVM" host facts extra'
test_expect_code 2 'host facts rejects unknown options' '"$CVM" host facts --json'
done_testing
