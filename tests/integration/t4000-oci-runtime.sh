#!/bin/sh
# t4000: cvm-oci without an engine, on bundles: runc's command line,
# runc-style errors for bad bundles (and nothing left behind), then real
# containers in VMs: output, stderr, stdin, exit status, the lifecycle
# (create/start/state/kill/delete), signals, hooks, the process's
# user/cwd/env/hostname and a read-only root, the reproducible initrd.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/oci-lib.sh"

O() { "$CVM_OCI" --root "$TMP/root" --log "$TMP/log.json" --log-format json "$@"; }

test_expect_success 'version, help, features' '
	"$CVM_OCI" --version >out && contains out "spec: 1.0.2" &&
	"$CVM_OCI" --help >out && contains out "io.cvm.protection" &&
	"$CVM_OCI" create --help >out && contains out "--console-socket" &&
	O features >out && jq -e ".hooks | index(\"poststop\")" out &&
	jq -e ".annotations[\"io.cvm.protection\"]" out
'
test_expect_code 2 'an unknown command is a usage error' 'O frobnicate'
test_expect_code 1 'exec is refused, saying why' '
	O exec --process p.json c1 2>err; s=$?;
	contains err "\"exec\" is not supported by cvm-oci" || exit 9; exit $s
'
test_expect_success 'delete --force of a missing container succeeds' '
	O delete --force nope && ! O delete nope 2>err &&
	contains err "container '\''nope'\'' does not exist"
'

oci_need_vm
mkdir -p "$TMP/bad-missing" "$TMP/bad-json" "$TMP/bad-rootfs" "$TMP/bad-dev"
oci_rootfs "$TMP/image"
echo '{"ociVersion": "1.0.2", "process": {' >"$TMP/bad-json/config.json"
oci_bundle "$TMP/bad-rootfs" '["true"]' && rm -rf "$TMP/bad-rootfs/rootfs"
JQ='.linux.devices = [{path: "/dev/fuse", type: "c", major: 10, minor: 229}]' \
	oci_bundle "$TMP/bad-dev" '["true"]'

for b in missing json rootfs dev; do
	test_expect_success "bad bundle ($b): runc-style error, no state left" '
		rm -f log.json &&
		! O create --bundle bad-'$b' --pid-file p c-'$b' 2>err &&
		jq -e "select(.level == \"error\") | .msg | length > 0" log.json &&
		jq -e ".time | test(\"^[0-9]{4}-[0-9]{2}-[0-9]{2}T\")" log.json &&
		grep -q "^cvm-oci: error: bundle" err &&
		! test -e root/c-'$b' && ! test -e p
	'
done
test_expect_success 'the bad bundles name the reason' '
	O create --bundle bad-missing x 2>&1 | grep -q "config.json: No such file" &&
	O create --bundle bad-json x 2>&1 | grep -q "not valid JSON" &&
	O create --bundle bad-rootfs x 2>&1 | grep -q "rootfs .*No such file" &&
	O create --bundle bad-dev x 2>&1 | grep -q "linux.devices"
'

oci_bundle "$TMP/b1" '["sh", "-c", "echo out; echo err >&2; read l; echo got:$l; exit 5"]'
test_expect_code 5 'run: stdout, stderr, stdin and the exit status' '
	echo hello | O run --bundle b1 r1 >out 2>err; s=$?;
	contains out "out" && contains out "got:hello" && contains err "err" &&
	! grep -q err out || exit 9; exit $s
'
test_expect_success 'run logged the protection decision' '
	jq -e "select(.msg | test(\"container r1: protection \"))" log.json
'

oci_bundle "$TMP/b2" '["sh", "-c", "echo up; while :; do sleep 1; done"]'
test_expect_success 'lifecycle: create, state, start, kill TERM, delete' '
	O create --bundle b2 --pid-file b2.pid k1 >k1.out 2>&1 &&
	O state k1 >st && jq -e ".status == \"created\" and .id == \"k1\"" st &&
	test "$(jq .pid st)" = "$(cat b2.pid)" &&
	jq -e ".cvm.protection | length > 0" st &&
	O start k1 && O state k1 | jq -e ".status == \"running\"" &&
	O ps --format json k1 | jq -e "length == 2" &&
	! O start k1 2>err && contains err "already running" &&
	! O delete k1 2>err && contains err "running (use --force)" &&
	for i in $(seq 100); do grep -q up k1.out && break; sleep 0.2; done &&
	O kill k1 TERM &&
	for i in $(seq 50); do O state k1 | jq -e ".status == \"stopped\"" >/dev/null && break; sleep 0.1; done &&
	O state k1 | jq -e ".status == \"stopped\"" &&
	! O kill k1 9 2>err && contains err "not running" &&
	O delete k1 && ! test -e root/k1 && O list -q >ids && ! test -s ids
'
test_expect_code 143 'a signal to run reaches the process in the VM (128+15)' '
	O run --bundle b2 k2 >k2.out & p=$!;
	for i in $(seq 100); do grep -q up k2.out && break; sleep 0.2; done;
	O kill k2 TERM; wait $p
'

JQ='.process.user = {uid: 1000, gid: 1000} | .process.cwd = "/tmp" |
	.process.env += ["FOO=bar baz"] | .root.readonly = true' \
	oci_bundle "$TMP/b3" '["sh", "-c", "id -u; id -g; pwd; echo $FOO; hostname; touch /x || echo ro-root; stat -c %u:%g /home/u/notes; cat /home/u/notes"]'
# a file of the image that only its owner (uid 1000) may read
mkdir -p "$TMP/b3/rootfs/home/u" && echo private-notes >"$TMP/b3/rootfs/home/u/notes" &&
	chmod 0600 "$TMP/b3/rootfs/home/u/notes" && chown -R 1000:1002 "$TMP/b3/rootfs/home/u"
test_expect_success 'user, cwd, env, hostname, read-only root, file owners' '
	O run --bundle b3 r3 >out 2>err &&
	test "$(sed -n 1p out)" = 1000 && test "$(sed -n 2p out)" = 1000 &&
	test "$(sed -n 3p out)" = /tmp && test "$(sed -n 4p out)" = "bar baz" &&
	test "$(sed -n 5p out)" = cvm-test && contains out ro-root &&
	test "$(sed -n 7p out)" = 1000:1002 && test "$(sed -n 8p out)" = private-notes
'

cat >"$TMP/hook.sh" <<'HOOK'
#!/bin/sh
cat >"$(dirname "$0")/hook-$1.json"
HOOK
chmod +x "$TMP/hook.sh"
JQ='.hooks = {prestart: [{path: "'"$TMP"'/hook.sh", args: ["hook.sh", "prestart"]}],
	poststart: [{path: "'"$TMP"'/hook.sh", args: ["hook.sh", "poststart"]}],
	poststop: [{path: "'"$TMP"'/hook.sh", args: ["hook.sh", "poststop"]}]}' \
	oci_bundle "$TMP/b4" '["true"]'
test_expect_success 'hooks run on the host with the state on stdin' '
	O run --bundle b4 h1 &&
	jq -e ".id == \"h1\" and .status == \"creating\" and .pid > 0" hook-prestart.json &&
	jq -e ".status == \"running\"" hook-poststart.json &&
	jq -e ".status == \"stopped\" and .bundle == \"$TMP/b4\"" hook-poststop.json
'
JQ='.hooks = {createRuntime: [{path: "/bin/sh", args: ["sh", "-c", "echo no >&2; exit 3"]}]}' \
	oci_bundle "$TMP/b5" '["true"]'
test_expect_success 'a failing createRuntime hook fails create, leaves nothing' '
	! O create --bundle b5 h2 2>err && contains err "createRuntime hook" &&
	contains err "exit status 3): no" && ! test -e root/h2 &&
	! pgrep -f "$TMP/root.* create --bundle b5 h2"
'

test_expect_success 'the initrd is reproducible and covers the process' '
	O initrd --bundle b1 -o i1.cpio >out && contains out "cvm measure --mode snp" &&
	O initrd --bundle b1 -o i2.cpio --json >j && cmp i1.cpio i2.cpio &&
	jq -e ".sha256 | length == 64" j &&
	O initrd --bundle b3 -o i3.cpio && ! cmp -s i1.cpio i3.cpio
'
# shellcheck disable=SC2034 # used in the eval of the tests below
FW=$CVM_SHARED/testdata/measure/ovmf_AmdSev_suffix.bin
test_expect_success 'the SNP launch digest: cvm-oci measure = cvm measure' '
	test -r "$FW" || exit 0;
	O measure --bundle b1 --ovmf "$FW" >d1 &&
	O initrd --bundle b1 -o m.cpio --json >j &&
	"$CVM" measure --mode snp --vcpus 1 --vcpu-type EPYC-v4 --ovmf "$FW" \
		--kernel "$(jq -r .kernel j)" --initrd m.cpio \
		--append "$(jq -r .append j)" >d2 &&
	cmp d1 d2 && test "$(wc -c <d1)" = 97 &&
	O measure --bundle b3 --ovmf "$FW" >d3 && ! cmp -s d1 d3
'
test_expect_success 'annotation io.cvm.protection=sev-snp is never faked' '
	test -e /dev/sev && exit 0;
	JQ=".annotations = {\"io.cvm.protection\": \"sev-snp\"}" oci_bundle b6 "[\"true\"]" &&
	! O create --bundle b6 s1 2>err &&
	contains err "cannot launch SEV-SNP guests" && ! test -e root/s1
'
done_testing
