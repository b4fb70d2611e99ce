#!/bin/sh
# t4001: docker 20.10 (Debian's docker.io) with cvm-oci as a runtime, on a
# dockerd of our own (--iptables=false --bridge=none, vfs, everything
# under $TMP, reached through DOCKER_HOST) and a busybox image imported
# from busybox-static: output, exit status 5, -t, -d then stop (143),
# logs, rm, exec refused.  Stops the daemon it started.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/oci-lib.sh"

command -v dockerd >/dev/null || skip_all "no dockerd (docker.io)"
command -v docker >/dev/null || skip_all "no docker CLI"
[ "$(id -u)" = 0 ] || skip_all "dockerd needs root"
oci_need_vm

D=$TMP/d
export DOCKER_HOST="unix://$D/docker.sock"
cleanup() {
	if [ -f "$D/dockerd.pid" ]; then
		docker ps -aq 2>/dev/null | xargs -r docker rm -f >/dev/null 2>&1
		pid=$(cat "$D/dockerd.pid")
		kill "$pid" 2>/dev/null
		for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
mkdir -p "$D"
dockerd --iptables=false --bridge=none --storage-driver=vfs \
	--data-root "$D/data" --exec-root "$D/exec" -H "$DOCKER_HOST" \
	--pidfile "$D/dockerd.pid" --add-runtime "cvm=$CVM_OCI" \
	>"$D/dockerd.log" 2>&1 &
for _ in $(seq 150); do docker version >/dev/null 2>&1 && break; sleep 0.2; done
docker version >/dev/null 2>&1 ||
	skip_all "dockerd did not start: $(tail -n 1 "$D/dockerd.log")"
oci_image_tar "$TMP/bb.tar"
docker import -c 'CMD ["/bin/sh"]' -c 'ENV PATH=/bin' "$TMP/bb.tar" local/bb:1 \
	>/dev/null || skip_all "docker import failed"
# shellcheck disable=SC2034 # used in the eval of the tests below
R="--runtime cvm --network none"

test_expect_code 5 'docker run: output and exit status 5' '
	docker run --rm $R local/bb:1 sh -c "echo hello-from-a-VM; uname -r; echo e >&2; exit 5" >out 2>err;
	s=$?; contains out hello-from-a-VM && contains err e &&
	test "$(sed -n 2p out)" != "$(uname -r)" || exit 9; exit $s
'
test_expect_success 'docker run -t: a terminal in the VM' '
	script -qec "docker run --rm -t $R local/bb:1 sh -c \"tty; echo tty-ok\"" /dev/null >out &&
	contains out /dev/pts/ && contains out tty-ok
'
test_expect_success 'docker run -d, logs, stop: exit 143, rm' '
	docker run -d --name v1 $R local/bb:1 sh -c "echo up; while :; do sleep 1; done" >id &&
	for i in $(seq 100); do docker logs v1 2>/dev/null | grep -q up && break; sleep 0.2; done &&
	docker logs v1 | grep -q up &&
	docker ps --format "{{.Names}}" | grep -qx v1 &&
	docker top v1 >top && contains top qemu-system &&
	docker stop -t 5 v1 >/dev/null &&
	test "$(docker inspect -f "{{.State.ExitCode}}" v1)" = 143 &&
	docker rm v1 >/dev/null && ! docker ps -a --format "{{.Names}}" | grep -qx v1
'
test_expect_success 'docker exec is refused with the reason' '
	docker run -d --name v2 $R local/bb:1 sleep 60 >id &&
	! docker exec v2 true >err 2>&1;
	docker rm -f v2 >/dev/null &&
	contains err "\"exec\" is not supported by cvm-oci"
'
test_expect_success 'no container is left' '
	test -z "$(docker ps -aq)"
'
done_testing
