#!/bin/sh
# t1200: golden QEMU command lines of `cvm vm create --dry-run` and
# `cvm vm start --dry-run`, for every protection level (none, sev, sev-es,
# sev-snp) x QEMU release (7.2, 8.2, 9.1, 10.1: --qemu-version) x guest
# (cloud image, kernel, unikernel), on a simulated Genoa host
# ($CVM_HOST_FACTS = tests/data/host/genoa-snp-ready.json).  The files are
# tests/data/vm/<protection>-<qemu>-<guest>.args: one argument per line,
# or "error: <message>" where cvm refuses (SEV-SNP before QEMU 9.1).
# CVM_TEST_REGENERATE=1 rewrites them; review the diff against
# launch-and-host.md §3.
. "$(dirname "$0")/lib.sh"

command -v qemu-img >/dev/null || skip_all "no qemu-img (qemu-utils)"
command -v jq >/dev/null || skip_all "no jq"
GOLD=$CVM_SRC/tests/data/vm
export CVM_HOST_FACTS=$CVM_SRC/tests/data/host/genoa-snp-ready.json
truncate -s 64M "$TMP/cloud.img"
printf 'not really a kernel\n' >"$TMP/vmlinuz"
printf 'not really an initrd\n' >"$TMP/initrd"
printf 'not really a unikernel\n' >"$TMP/uk.efi"

guest_opts() {
	case $1 in
	disk) echo "--cloud-image $TMP/cloud.img --vcpus 2 --memory 2G" ;;
	kernel) echo "--kernel $TMP/vmlinuz --initrd $TMP/initrd --append console=ttyS0" ;;
	unikernel) echo "--guest unikernel --workload stream --image $TMP/uk.efi --boot efi" ;;
	esac
}

# compare (or regenerate) one golden file from the output of a dry run
check_golden() {
	f=$GOLD/$1.args
	if [ -n "${CVM_TEST_REGENERATE:-}" ]; then
		cp "$2" "$f"
		return 0
	fi
	diff -u "$f" "$2"
}

# the argv of a dry run, or "error: ..." when cvm refuses
dry_argv() {
	if "$CVM" "$@" --json >"$TMP/j" 2>"$TMP/e"; then
		jq -r '.launch.argv[]' "$TMP/j"
	else
		sed -n 's/^cvm: error: /error: /p' "$TMP/e"
	fi
}

for v in 7.2 8.2 9.1 10.1; do
	for p in none sev sev-es sev-snp; do
		for g in disk kernel unikernel; do
			test_expect_success "create --dry-run: $p, QEMU $v, $g" "
				dry_argv vm create vm0 $(guest_opts $g) --protection $p \
					--dry-run --qemu-version $v >got &&
				check_golden $p-$v-$g got
			"
		done
	done
done

test_expect_success 'SNP launch options: ID block, ID auth (author key), host data' '
	head -c 96 /dev/zero | base64 -w0 >idblock &&
	head -c 4096 /dev/zero | base64 -w0 >idauth &&
	hd=$(head -c 32 /dev/zero | tr "\\0" "h" | base64 -w0) &&
	dry_argv vm create vm0 $(guest_opts kernel) --protection sev-snp \
		--id-block idblock --id-auth idauth --author-key --host-data "$hd" \
		--dry-run --qemu-version 10.1 >got &&
	check_golden variant-snp-idblock-10.1-kernel got
'
test_expect_success 'SEV launch session files (sevctl session) are copied into the VM' '
	printf "R09ESA==\n" >godh.b64 && printf "U0VTU0lPTg==\n" >session.b64 &&
	dry_argv vm create vm0 $(guest_opts disk) --protection sev \
		--dh-cert godh.b64 --session session.b64 --dry-run --qemu-version 9.1 >got &&
	check_golden variant-sev-session-9.1-disk got &&
	"$CVM" vm create ses $(guest_opts disk) --protection sev \
		--dh-cert godh.b64 --session session.b64 >/dev/null &&
	cmp godh.b64 "$XDG_DATA_HOME/cvm/vms/ses/godh.b64" &&
	cmp session.b64 "$XDG_DATA_HOME/cvm/vms/ses/session.b64" &&
	"$CVM" vm delete ses >/dev/null &&
	dry_argv vm create vm0 $(guest_opts disk) --protection sev-snp \
		--session session.b64 --dry-run >got &&
	grep -x "error: --dh-cert and --session are SEV and SEV-ES options (from '"'"'sevctl session'"'"')" got
'
test_expect_success 'SNP options on an SEV VM are refused' '
	dry_argv vm create vm0 $(guest_opts kernel) --protection sev \
		--id-block idblock --dry-run >got &&
	grep -x "error: --id-block, --id-auth, --host-data and --author-key are SEV-SNP options" got
'
test_expect_success 'a dry run writes nothing' '
	test ! -e "$XDG_DATA_HOME/cvm/vms/vm0"
'
test_expect_success 'the SNP refusal before 9.1 names the reason' '
	grep -x "error: SEV-SNP needs QEMU 9.1 or newer (the sev-snp-guest object); this QEMU is 8.2" \
		"$GOLD/sev-snp-8.2-disk.args"
'
for p in none sev sev-es sev-snp; do
	test_expect_success "start --dry-run of a created $p VM (QEMU 10.1) is its create --dry-run" "
		\"\$CVM\" vm create s-$p $(guest_opts disk) --protection $p >/dev/null &&
		\"\$CVM\" vm start s-$p --dry-run --qemu-version 10.1 --json >j &&
		jq -r '.argv[]' j | sed 's/guest=s-$p/guest=vm0/' >got &&
		check_golden $p-10.1-disk got &&
		\"\$CVM\" vm list --json >l &&
		jq -e '.[] | select(.name == \"s-$p\") | .state == \"stopped\"' l
	"
done
test_expect_success 'the text form: one shell line that runs in the VM folder' '
	"$CVM" vm start s-sev --dry-run --qemu-version 9.1 >out &&
	grep -q "^cd $XDG_DATA_HOME/cvm/vms/s-sev && qemu-system-x86_64 " out &&
	contains out "-object sev-guest,id=sev0,cbitpos=51,reduced-phys-bits=1,policy=0x3"
'
done_testing
