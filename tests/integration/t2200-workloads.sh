#!/bin/sh
# t2200: the workloads run natively through cvm-workload (the Linux
# platform of workloads/wl.h): every workload verifies at class S and W,
# prints well-formed CVM1 lines, and bad input gives the WL_* statuses.
. "$(dirname "$0")/lib.sh"

WL=${CVM_WORKLOAD:-$CVM_BUILD/workloads/cvm-workload}
[ -x "$WL" ] || skip_all "cvm-workload is not built ($WL)"

# verified OUT WORKLOAD CLASS: OUT is one complete, verified run
verified() {
	awk -v w="$2" -v c="$3" '
		/^CVM1 / { last = $0 }
		/^CVM1 result / {
			n++
			if (NF != 8 || $3 != w || $4 != c) bad = bad "\n" $0
			if ($8 != (c == "-" ? "na" : "yes")) bad = bad "\n" $0
			if ($5 == "time" && !($6 > 0)) bad = bad "\n" $0
		}
		/^CVM1 boot workload_(start|end) [0-9]+$/ { phases++ }
		END {
			if (bad != "") { print "bad result lines:" bad; exit 1 }
			if (n == 0) { print "no result lines"; exit 1 }
			if (phases != 2) { print "phases: " phases; exit 1 }
			if (last != "CVM1 exit 0") { print "last: " last; exit 1 }
		}' "$1" || { cat "$1"; return 1; }
}

for w in stream ep is cg mg ft; do
	test_expect_success "$w class S verifies" '
		"$WL" '$w' S >out &&
		verified out '$w' S &&
		contains out "CVM1 info workload '$w'" &&
		contains out "CVM1 result '$w' S time "
	'
done

test_expect_success 'the NPB kernels report time and Mop/s' '
	for w in ep is cg mg ft; do
		"$WL" $w S >out &&
		grep -q "^CVM1 result $w S mops [0-9.e+]* Mop/s yes$" out ||
		{ echo "$w:"; cat out; exit 1; }
	done
'
test_expect_success 'stream reports MB/s for its four kernels' '
	"$WL" stream S >out &&
	for k in copy scale add triad; do
		grep -q "^CVM1 result stream S $k [0-9.e+]* MB/s yes$" out ||
		{ cat out; exit 1; }
	done
'
for w in stream ep is cg mg ft; do
	test_expect_success "$w class W verifies" '
		"$WL" '$w' W >out && verified out '$w' W
	'
done

test_expect_success 'hello reports a trivial result, verified na' '
	"$WL" hello >out && verified out hello - &&
	contains out "CVM1 result hello - ok 1 bool na"
'
test_expect_success 'hello ignores a class' '
	"$WL" hello S >out && verified out hello -
'
test_expect_success 'the class may be lower case; S is the default' '
	"$WL" is s >a && verified a is S &&
	"$WL" is >b && verified b is S
'
test_expect_success '--reps N runs N times between one pair of phases' '
	"$WL" --reps 3 is S >out && verified out is S &&
	test "$(grep -c "^CVM1 result is S time" out)" = 3
'
test_expect_success '--list names every workload, class and memory need' '
	"$WL" --list >out &&
	for w in stream ep is cg mg ft; do
		for c in S W A; do
			grep -q "^$w  *$c  *[1-9][0-9]* " out ||
			{ echo "no $w $c"; cat out; exit 1; }
		done
	done &&
	grep -q "^hello  *-  *0 " out
'
test_expect_code 2 'an unknown workload is a usage error' '"$WL" nosuch S'
test_expect_success 'the unknown workload is named' '
	! "$WL" nosuch 2>err && contains err "unknown workload '"'"'nosuch'"'"'"
'
test_expect_code 2 'a class the workload lacks is a usage error' '"$WL" ep B'
test_expect_code 2 'a two-letter class is a usage error' '"$WL" ep SS'
test_expect_code 2 '--reps 0 is a usage error' '"$WL" --reps 0 ep S'
test_expect_code 2 'no workload is a usage error' '"$WL"'
test_expect_code 0 '--help exits 0' '"$WL" --help | grep -q "^usage: cvm-workload"'
test_expect_code 3 'too little memory is status 3' '"$WL" --mem 64K ft S'
test_expect_success 'running out of memory is reported and the exit line says 3' '
	! "$WL" --mem 1M mg S >out 2>err &&
	contains err "out of memory in its 1048576-byte arena" &&
	test "$(grep "^CVM1" out | tail -n 1)" = "CVM1 exit 3"
'
test_expect_success 'the declared memory is enough to the byte' '
	for w in stream ep is cg mg ft; do
		need=$("$WL" --list | awk -v w=$w "\$1 == w && \$2 == \"S\" { print \$3 }") &&
		"$WL" --mem "$need" $w S >out && verified out $w S ||
		{ echo "$w needs more than $need"; exit 1; }
	done
'
done_testing
