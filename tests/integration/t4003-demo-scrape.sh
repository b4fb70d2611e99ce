#!/bin/sh
# t4003: `cvm demo scrape --protection none`: the plain guest's secret is
# found by every dump method (QMP dump-guest-memory, HMP pmemsave,
# /proc/<qemu>/mem), the control string never; a protection level the
# host cannot launch is an error with the reason, never a fake verdict.
. "$(dirname "$0")/lib.sh"

command -v qemu-system-x86_64 >/dev/null || skip_all "no qemu-system-x86_64"
ls /boot/vmlinuz-* >/dev/null 2>&1 || [ -n "${CVM_LINUX_KERNEL:-}" ] ||
	skip_all "no guest kernel in /boot (linux-image-amd64)"
command -v jq >/dev/null || skip_all "no jq"

test_expect_success 'plain guest: the secret is found three ways, the control never' '
	"$CVM" demo scrape --protection none --json --keep keep >out &&
	jq -e ".runs | length == 1" out &&
	jq -e ".runs[0].protection == \"none\" and .runs[0].as_expected" out &&
	jq -e ".runs[0].secret | test(\"^SEV-TOP-secret-[0-9a-f]{32}$\")" out &&
	jq -e ".runs[0].control != .runs[0].secret" out &&
	jq -e "[.runs[0].methods[] | select(.ran and .secret_hits > 0 and .control_hits == 0)] | length == 3" out &&
	jq -e "[.runs[0].methods[].method] == [\"QMP dump-guest-memory\", \"HMP pmemsave\", \"/proc/PID/mem\"]" out &&
	jq -e ".runs[0].methods[1].bytes_scanned >= 256 * 1048576" out
'
test_expect_success 'the secret never passed the console or the image' '
	s=$(jq -r ".runs[0].secret" out) &&
	! grep -aq "$s" keep/console.log && ! grep -aq "$s" keep/initrd.cpio &&
	! grep -aq "SEV-TOP-secret" keep/initrd.cpio
'
test_expect_success 'the text report: a verdict per method and the limits' '
	"$CVM" demo scrape --protection none >out &&
	test "$(grep -c "found ([0-9]*) *not found" out)" = 3 &&
	contains out "verdict: the host reads the secret" &&
	contains out "Limits of the claim"
'
test_expect_success 'a protected level this host cannot launch is an error' '
	test -e /dev/sev && exit 0;
	! "$CVM" demo scrape --protection sev-snp >out 2>err &&
	contains err "cannot launch it" && ! test -s out
'
test_expect_code 2 'a bad --protection is a usage error' '
	"$CVM" demo scrape --protection tdx
'
done_testing
