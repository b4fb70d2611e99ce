#!/bin/sh
# t2000: `cvm run` boots the unikernel under TCG with PVH: every workload
# at class S in one boot (all verified), hello alone with its boot phases
# and host timestamps in --json, and the console on stderr.
. "$(dirname "$0")/lib.sh"

[ -f "$CVM_BUILD/guest/cvm-unikernel.elf" ] ||
	skip_all "the unikernel is not built (-Dguest=false)"
command -v qemu-system-x86_64 >/dev/null || skip_all "no qemu-system-x86_64"
# shellcheck disable=SC2034 # used in the eval of the tests below
ALL=hello,stream,ep,is,cg,mg,ft

test_expect_success 'PVH: every workload at class S in one boot, exit 0' '
	"$CVM" run --workload $ALL --accel tcg --timeout 600 --json >out &&
	jq -e ".ok == true and .exit_status == 0 and .guest.exit_status == 0" out &&
	jq -e ".guest.malformed == 0 and .guest.fault == null" out &&
	for w in stream ep is cg mg ft; do
		jq -e --arg w $w "[.guest.results[] | select(.workload == \$w)] | length > 0 and all(.verified == \"yes\" and .class == \"S\")" out ||
			{ echo "$w: no verified class S result"; exit 1; }
	done &&
	jq -e "[.guest.results[] | select(.verified == \"no\")] | length == 0" out &&
	jq -e ".host.qemu_status == 1" out
'
test_expect_success 'hello: the boot phases with guest and host times' '
	"$CVM" run --workload hello --json >out &&
	jq -e ".accel_reason | length > 0" out &&
	jq -e "[.guest.phases[].name] == [\"entry\", \"longmode\", \"main\", \"workload_start\", \"workload_end\"]" out &&
	jq -e "[.guest.phases[].guest_ns] | . == sort" out &&
	jq -e ".host.exec_ns <= .host.first_output_ns and .host.first_output_ns <= .guest.phases[0].host_ns" out &&
	jq -e ".guest.phases[-1].host_ns <= .host.exit_line_ns and .host.exit_line_ns <= .host.end_ns" out &&
	jq -e ".guest.infos.boot == \"pvh\" and .memory_mib == 32" out
'
test_expect_success 'hello in a 4 MiB guest' '
	"$CVM" run --workload hello --memory 4M --accel tcg >out &&
	contains out "4 MiB"
'
test_expect_success 'the table names every result and the verdict is exit 0' '
	"$CVM" run --workload is --accel tcg >out 2>err &&
	grep -q "^workload *class *metric *value *unit *verified" out &&
	grep -q "^is *S *.* yes$" out && ! test -s err
'
test_expect_success '--console copies the console to stderr, stdout stays data' '
	"$CVM" run --workload hello --accel tcg --console --json >out 2>err &&
	contains err "CVM1 exit 0" && jq -e ".ok" out
'
test_expect_success '--reps repeats the workload inside one boot' '
	"$CVM" run --workload is --reps 2 --accel tcg --json >out &&
	jq -e "[.guest.results[] | select(.metric == \"time\")] | length == 2" out
'
done_testing
