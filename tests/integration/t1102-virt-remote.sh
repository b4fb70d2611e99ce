#!/bin/sh
# t1102: the libvirt back end over a second connection URI, a TCP
# listener on 127.0.0.1 (qemu+tcp://127.0.0.1:PORT/system, auth none),
# the remote path that qemu+ssh://HOST/system also takes: define a TCG
# domain with OVMF and the unikernel, boot it, read its console, stop it
# (ACPI shutdown, then destroy after the timeout: the guest spins),
# undefine it with its NVRAM; list several URIs at once, one of them
# unreachable; an SEV domain is refused remotely too, leaving nothing.
# Needs root; skips where libvirtd cannot start.
. "$CVM_SRC/tests/helper/virt-daemon.sh"
virt_enter_namespace "$@"
. "$(dirname "$0")/lib.sh"

virt_daemon_start_or_skip
virt_pick_guest hang || skip_all "no guest to boot (build the unikernel or install linux-image-amd64 and busybox-static)"
R=$VIRT_URI_TCP
DEAD=qemu+tcp://127.0.0.1:1/system
NVRAM=/var/lib/libvirt/qemu/nvram/t1102_VARS.fd

test_expect_success 'the daemon listens on 127.0.0.1 only' '
	port=$(printf "%04X" "$VIRT_TCP_PORT") &&
	grep -q "0100007F:$port 00000000:0000 0A" /proc/net/tcp &&
	! grep -q "00000000:$port 00000000:0000 0A" /proc/net/tcp
'
test_expect_success 'the TCP URI reaches it' '
	"$TOOL" -c "$R" version >out && contains out "libvirt 9."
'
test_expect_success 'create over TCP' '
	"$TOOL" -c "$R" create --name t1102 $GUEST_ARGS &&
	"$TOOL" -c "$R" inspect t1102 >out &&
	contains out "uri: $R" && contains out "state: shutoff"
'
test_expect_success 'list over two URIs, one of them down, shows each host' '
	"$TOOL" list -c "$VIRT_URI_LOCAL" -c "$R" -c "$DEAD" >out &&
	contains out "$VIRT_URI_LOCAL t1102 shutoff none" &&
	contains out "$R t1102 shutoff none" &&
	contains out "$DEAD - error: connect to" &&
	contains out "Connection refused"
'
test_expect_code 1 'list fails when no host answers' '
	"$TOOL" list -c "$DEAD"
'
test_expect_success "the $GUEST_KIND guest boots; its console is read over TCP" '
	"$TOOL" -c "$R" start t1102 --paused &&
	{ "$TOOL" -c "$R" console t1102 --resume --timeout 240 \
		--expect "CVM1 boot workload_start" >console 2>end ||
		{ cat end; false; }; } &&
	contains end "expected text seen" &&
	"$TOOL" -c "$R" inspect t1102 >out && contains out "state: running" &&
	test -s "$NVRAM"
'
test_expect_success 'stop asks, waits, then destroys the spinning guest' '
	"$TOOL" -c "$R" stop t1102 --timeout 2 >out && contains out destroyed &&
	"$TOOL" -c "$R" inspect t1102 >out && contains out "state: shutoff" &&
	contains out "reason: destroyed"
'
test_expect_success 'kill ends a running guest at once' '
	"$TOOL" -c "$R" start t1102 &&
	"$TOOL" -c "$R" kill t1102 &&
	"$TOOL" -c "$R" inspect t1102 >out && contains out "state: shutoff"
'
test_expect_success 'delete over TCP undefines it with its NVRAM' '
	"$TOOL" -c "$R" delete t1102 &&
	test ! -e "$NVRAM" &&
	"$TOOL" list -c "$R" >out && test ! -s out
'
test_expect_success 'an SEV-ES domain is refused remotely and leaves nothing' '
	s=0
	"$TOOL" -c "$R" create --name t1102es --protection sev-es --policy 0x7 \
		$GUEST_ARGS 2>err || s=$?
	test $s = 1 && contains err "on '"'"'$R'"'"'" &&
	contains err "cvm host check" &&
	"$TOOL" list -c "$R" >out && test ! -s out
'
done_testing
