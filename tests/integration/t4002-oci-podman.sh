#!/bin/sh
# t4002: podman 4.3 with cvm-oci by path (podman --runtime), storage and
# state under $TMP, a private containers.conf whose ulimits fit this
# machine (docker-sev.md §2.3), a busybox image imported from
# busybox-static: output, exit status 4, -t, -d then stop (143), rm,
# and the io.cvm.protection annotation (none runs; a level this host
# cannot launch is refused with the reason).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/oci-lib.sh"

command -v podman >/dev/null || skip_all "no podman"
[ "$(id -u)" = 0 ] || skip_all "podman with cgroupfs and vfs needs root here"
oci_need_vm

cat >"$TMP/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
CONF
export CONTAINERS_CONF="$TMP/containers.conf"
P() {
	podman --root "$TMP/storage" --runroot "$TMP/run" --tmpdir "$TMP/tmp" \
		--storage-driver vfs --cgroup-manager cgroupfs \
		--events-backend file --runtime "$CVM_OCI" "$@"
}
cleanup() {
	P rm -af -t 0 >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT
oci_image_tar "$TMP/bb.tar"
P import --change 'CMD ["/bin/sh"]' --change 'ENV PATH=/bin' "$TMP/bb.tar" \
	localhost/bb:1 >/dev/null 2>&1 || skip_all "podman import failed"
# shellcheck disable=SC2034 # used in the eval of the tests below
R="--network none"

test_expect_code 4 'podman run: output and exit status 4' '
	P run --rm $R localhost/bb:1 sh -c "echo hello-from-podman-vm; echo e >&2; exit 4" >out 2>err;
	s=$?; contains out hello-from-podman-vm && contains err e || exit 9; exit $s
'
test_expect_success 'podman run -t: a terminal in the VM' '
	script -qec "podman --root $TMP/storage --runroot $TMP/run --tmpdir $TMP/tmp --storage-driver vfs --cgroup-manager cgroupfs --events-backend file --runtime $CVM_OCI run --rm -t $R localhost/bb:1 sh -c \"tty; echo tty-ok\"" /dev/null >out &&
	contains out /dev/pts/ && contains out tty-ok
'
test_expect_success 'podman run -d, logs, stop: exit 143, rm' '
	P run -d --name p1 $R localhost/bb:1 sh -c "echo up; while :; do sleep 1; done" >id &&
	for i in $(seq 100); do P logs p1 2>/dev/null | grep -q up && break; sleep 0.2; done &&
	P logs p1 | grep -q up &&
	P stop -t 5 p1 >/dev/null &&
	test "$(P inspect -f "{{.State.ExitCode}}" p1)" = 143 &&
	P rm p1 >/dev/null && test -z "$(P ps -aq)"
'
test_expect_success 'annotation io.cvm.protection=none runs' '
	P run --rm $R --annotation io.cvm.protection=none localhost/bb:1 echo plain-ok >out &&
	contains out plain-ok
'
test_expect_success 'a level the host cannot launch is refused, not faked' '
	test -e /dev/sev && exit 0;
	! P run --rm $R --annotation io.cvm.protection=sev-snp localhost/bb:1 true 2>err &&
	contains err "cannot launch SEV-SNP guests" && test -z "$(P ps -aq)"
'
done_testing
