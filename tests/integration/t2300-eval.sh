#!/bin/sh
# SPDX-License-Identifier: MIT
# cvm eval end to end: a tiny evaluation (both guests, the `is` workload,
# 1 warm-up + 2 runs each) interrupted after its first run and resumed;
# results.json against docs/results.schema.json, results.csv, the SEV
# levels skipped with the host check's reason, the plots, the report
# rendered in headless Chromium, another evaluation refused in the same
# folder, --report-only and compare.
. "$(dirname "$0")/lib.sh"

command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 is not installed"
ls /boot/vmlinuz-* >/dev/null 2>&1 || skip_all "no /boot/vmlinuz-* (Debian's linux-image-amd64) for the Linux guest"
[ -n "${CVM_UNIKERNEL_ELF:-}" ] && [ -e "$CVM_UNIKERNEL_ELF" ] || skip_all "the unikernel is not built (-Dguest=false)"
[ -n "${CVM_LINUX_INIT:-}" ] && [ -e "$CVM_LINUX_INIT" ] || skip_all "cvm-linux-init is not built (-Dguest=false)"

PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
SCHEMA="$CVM_SRC/docs/results.schema.json"
# the same command each time: resuming needs the same evaluation
EVAL="$CVM eval --guests unikernel,linux --workloads is --repeat 2 --warmup 1 --accel tcg --out r"

test_expect_success 'an interrupted evaluation keeps its finished runs' '
	$EVAL >first.out 2>first.err &
	pid=$!
	i=0
	while [ "$(cat r/runs.jsonl 2>/dev/null | wc -l)" -lt 1 ]; do
		i=$((i + 1)); [ $i -lt 600 ] || { kill $pid; exit 1; }
		sleep 0.2
	done
	kill -INT $pid
	status=0; wait $pid || status=$?
	[ $status = 130 ] || { echo "exit $status"; cat first.err; exit 1; }
	contains first.out "interrupted: " &&
	contains first.out "run the same command to continue" &&
	kept=$(wc -l <r/runs.jsonl) &&
	[ "$kept" -ge 1 ] && [ "$kept" -lt 6 ] &&
	cp r/runs.jsonl first.jsonl &&
	[ ! -e r/results.json ]
'

test_expect_success 'the same command continues without repeating a run' '
	$EVAL >second.out 2>second.err &&
	contains second.out "6 runs in r" &&
	[ "$(wc -l <r/runs.jsonl)" = 6 ] &&
	head -n "$(wc -l <first.jsonl)" r/runs.jsonl | cmp - first.jsonl &&
	$PY -c "
import json, sys
runs = [json.loads(l) for l in open(\"r/runs.jsonl\")]
keys = {(r[\"cell\"], r[\"rep\"]) for r in runs}
assert len(keys) == 6, keys
assert all(r[\"ok\"] for r in runs), [r[\"error\"] for r in runs]
assert sum(r[\"warmup\"] for r in runs) == 2
"
'

test_expect_success 'progress without a terminal is plain lines' '
	contains second.err "cvm eval: [6/6] " &&
	! grep -q "$(printf "\033")" second.err
'

test_expect_success 'results.json follows docs/results.schema.json' '
	$PY -c "
import json, jsonschema
schema = json.load(open(\"$SCHEMA\"))
jsonschema.Draft202012Validator.check_schema(schema)
r = json.load(open(\"r/results.json\"))
jsonschema.validate(r, schema, cls=jsonschema.Draft202012Validator)
assert r[\"complete\"] and r[\"finished_runs\"] == 6
assert r[\"environment\"][\"accelerator\"] == \"tcg\"
assert r[\"environment\"][\"emulated\"] is True
cells = {c[\"id\"]: c for c in r[\"cells\"]}
assert set(cells) == {\"unikernel/none/is/S\", \"linux/none/is/S\"}, cells
for c in cells.values():
    t = c[\"metrics\"][\"workload.time\"]
    assert t[\"n\"] == 2 and t[\"ci_low\"] <= t[\"median\"] <= t[\"ci_high\"]
    assert c[\"metrics\"][\"qemu.peak_rss\"][\"median\"] > 1
ws = [x for x in r[\"ratios\"] if x[\"metric\"] == \"boot.workload_start\"]
assert ws and ws[0][\"factor\"] > 1, ws
"
'

test_expect_success 'SEV levels this host cannot run are skipped with the reason' '
	if [ -e /dev/sev ]; then echo "SEV host: nothing to check"; exit 0; fi
	$PY -c "
import json
r = json.load(open(\"r/results.json\"))
sk = {(s[\"guest\"], s[\"protection\"]): s[\"reason\"] for s in r[\"skipped\"]}
for g in (\"unikernel\", \"linux\"):
    for p in (\"sev\", \"sev-es\", \"sev-snp\"):
        assert \"cannot launch \" + p in sk[(g, p)], sk
assert not [c for c in r[\"cells\"] if c[\"protection\"] != \"none\"]
assert not r[\"overheads\"]
" &&
	head -n 1 r/report.md | grep -q "This host cannot run SEV" &&
	head -n 1 r/report.md | grep -q "emulated" &&
	contains r/report.md "cannot launch sev-snp guests"
'

test_expect_success 'results.csv has a header and a row per cell and metric' '
	head -n 1 r/results.csv | grep -q "^guest,protection,workload,class,boot,accelerator,metric,unit,better,n,median,q1,q3,iqr,ci_low,ci_high,min,max,mean$" &&
	grep -q "^unikernel,none,is,S,pvh,tcg (emulated),workload.time,s,lower,2," r/results.csv &&
	grep -q "^linux,none,is,S,pvh,tcg (emulated),boot.workload_start,ms,lower,2," r/results.csv &&
	awk -F, "{ print NF }" r/results.csv | sort -u | grep -qx 19
'

test_expect_success 'the plots are PNG and SVG images' '
	for p in boot-phases overhead ratio memory; do
		[ "$(head -c 8 r/plots/$p.png | od -An -tx1 | tr -d " ")" = 89504e470d0a1a0a ] &&
		[ "$(wc -c <r/plots/$p.png)" -gt 5000 ] &&
		grep -q "<svg" r/plots/$p.svg &&
		[ "$(wc -c <r/plots/$p.svg)" -gt 2000 ] || { echo "bad $p"; exit 1; }
	done
'

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
chrome() {
	"$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update \
		--disable-sync --no-first-run --user-data-dir="$TMP/chrome" \
		--allow-file-access-from-files --virtual-time-budget=5000 "$@" \
		2>>"$TMP/chrome.log"
}

test_expect_success 'the HTML report renders in headless Chromium with its tables and images' '
	[ -n "$CHROMIUM" ] || { echo "chromium is not installed (scripts/install-deps)"; exit 1; }
	cat >check.html <<-EOF
	<!DOCTYPE html><html><body>
	<iframe id="r" src="r/report.html" width="1200" height="900"></iframe>
	<pre id="out">pending</pre>
	<script>
	window.addEventListener("load", function () {
	  var d = document.getElementById("r").contentDocument, ok = 0;
	  for (var i = 0; i < d.images.length; i++)
	    if (d.images[i].complete && d.images[i].naturalWidth > 0) ok++;
	  document.getElementById("out").textContent = "tables=" +
	    d.getElementsByTagName("table").length + " images=" +
	    d.images.length + " rendered=" + ok;
	});
	</script></body></html>
	EOF
	chrome --dump-dom "file://$TMP/check.html" >dom.html &&
	grep -o "tables=[0-9]* images=[0-9]* rendered=[0-9]*" dom.html >seen &&
	cat seen &&
	grep -q "images=4 rendered=4" seen &&
	[ "$(sed "s/.*tables=\([0-9]*\).*/\1/" seen)" -ge 6 ] &&
	chrome --window-size=1200,2400 --screenshot="$TMP/shot.png" "file://$TMP/r/report.html" &&
	[ "$(wc -c <shot.png)" -gt 20000 ] &&
	! grep -q "src=\"plots/" r/report.html
'

test_expect_code 1 'another evaluation in the same folder is refused' '
	$CVM eval --guests unikernel --workloads is --class W --repeat 1 --accel tcg --out r 2>err;
	status=$?; cat err; contains err "holds another evaluation" && exit $status
'

test_expect_success '--replace keeps the other evaluation in earlier-1 and starts afresh' '
	cp -r r r2 &&
	$CVM eval --guests unikernel --workloads hello --repeat 1 --warmup 0 --accel tcg --out r2 --replace >out 2>err &&
	contains err "its records are now in '"'"'r2/earlier-1'"'"'" &&
	cmp r/runs.jsonl r2/earlier-1/runs.jsonl && cmp r/plan.json r2/earlier-1/plan.json &&
	test -s r2/earlier-1/report.md && test "$(wc -l <r2/runs.jsonl)" = 1 &&
	grep -q "\"workload\": *\"hello\"" r2/plan.json
'
test_expect_success '--report-only rewrites the report from the stored runs' '
	rm r/report.md r/results.json &&
	$CVM eval --report-only --out r >out &&
	contains out "report written in r" &&
	head -n 1 r/report.md | grep -q "emulated" &&
	[ -s r/results.json ]
'

test_expect_success 'compare of a result set with itself finds no change' '
	$CVM eval compare r r/results.json >cmp.out &&
	contains cmp.out "B/A [95% CI]" &&
	contains cmp.out "no clear change" &&
	! grep -E -q " (better|worse)$" cmp.out &&
	$CVM eval compare --json r r | $PY -c "
import json, sys
c = json.load(sys.stdin)
assert c[\"schema\"] == \"cvm-eval-compare/1\"
assert all(x[\"ratio\"] == 1 and x[\"diff\"] == 0 for x in c[\"rows\"])
assert c[\"rows\"]
"
'

test_expect_code 2 'usage errors exit 2 naming the option' '
	$CVM eval --workloads nosuch 2>err; status=$?;
	contains err "--workloads" && exit $status
'

done_testing
