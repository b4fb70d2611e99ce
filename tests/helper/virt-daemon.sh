# SPDX-License-Identifier: MIT
# A private libvirt daemon for the t11xx integration scripts (sourced).
#
#   . "$CVM_SRC/tests/helper/virt-daemon.sh"
#   virt_enter_namespace "$@"      # first: re-runs the script (see below)
#   . "$(dirname "$0")/lib.sh"
#   virt_daemon_start || skip_all "$VIRT_WHY"
#
# The script re-runs itself as root in a private mount namespace
# (unshare -m) where /run, /etc/libvirt, /var/lib/libvirt,
# /var/cache/libvirt and /var/log/libvirt are folders under $TMP.  There
# libvirtd runs as CI runs it on Debian 12 (started by hand, as root,
# qemu:///system; launch-and-host.md section 4.3), plus a TCP listener on
# 127.0.0.1 only, auth none.  Nothing of the host's libvirt is touched
# and nothing is left behind: the trap set here destroys the domains,
# stops the daemon, kills any QEMU it left, then removes $TMP.
#
# The daemon's configuration suits a test sandbox, not a production SEV
# host: QEMU runs as root without cgroups, private /dev or a security
# driver, and logs to files instead of virtlogd.

# lib.sh's skip_all, for before lib.sh is sourced (meson's TAP protocol
# counts "1..0 # SKIP" with status 0 as a skip)
virt_skip() {
	echo "1..0 # SKIP $*"
	exit 0
}

virt_enter_namespace() {
	[ -n "${CVM_VIRT_NS:-}" ] && return 0
	[ "$(id -u)" = 0 ] || virt_skip "needs root to start its own libvirtd"
	for p in libvirtd unshare virsh; do
		command -v "$p" >/dev/null 2>&1 ||
			virt_skip "$p is missing (install libvirt-daemon-system and libvirt-clients)"
	done
	for d in /etc/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt; do
		[ -d "$d" ] || virt_skip "$d is missing (install libvirt-daemon-system)"
	done
	unshare -m --propagation private true 2>/dev/null ||
		virt_skip "cannot create a private mount namespace (unshare -m)"
	CVM_VIRT_NS=1 exec unshare -m --propagation private sh "$0" "$@"
}

# A TCP port nobody listens on (state 0A = LISTEN in /proc/net/tcp*);
# $1 varies the first guess between tries.
virt_free_port() {
	p=$((20000 + ($$ * 7 + ${1:-0} * 997) % 20000))
	while awk -v p="$(printf ':%04X' "$p")" \
		'substr($2, length($2) - 4) == p && $4 == "0A" { f = 1 } END { exit !f }' \
		/proc/net/tcp /proc/net/tcp6 2>/dev/null; do
		p=$((p + 1))
	done
	echo "$p"
}

virt_write_config() {
	cat >"$VIRT_DIR/etc/libvirtd.conf" <<EOF
listen_tls = 0
listen_tcp = 1
listen_addr = "127.0.0.1"
tcp_port = "$VIRT_TCP_PORT"
auth_tcp = "none"
auth_unix_rw = "none"
unix_sock_rw_perms = "0700"
log_outputs = "3:file:$VIRT_DIR/libvirtd.log"
EOF
	cat >"$VIRT_DIR/etc/qemu.conf" <<EOF
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
cgroup_controllers = [ ]
namespaces = [ ]
stdio_handler = "file"
EOF
}

# Start libvirtd; 0 when it answers.  1 with $VIRT_WHY otherwise, or 2
# when its TCP port was taken meanwhile (the caller tries another).
virt_daemon_try() {
	VIRT_URI_TCP="qemu+tcp://127.0.0.1:$VIRT_TCP_PORT/system"
	virt_write_config
	libvirtd --listen -f /etc/libvirt/libvirtd.conf \
		-p "$VIRT_DIR/libvirtd.pid" >"$VIRT_DIR/libvirtd.out" 2>&1 &
	VIRT_PID=$!
	i=0
	while [ $i -lt 60 ]; do
		if ! kill -0 "$VIRT_PID" 2>/dev/null; then
			wait "$VIRT_PID" 2>/dev/null
			VIRT_PID=
			cat "$VIRT_DIR/libvirtd.log" "$VIRT_DIR/libvirtd.out" 2>/dev/null |
				grep -q "Address already in use" && return 2
			VIRT_WHY="libvirtd exited: $(tail -n 3 "$VIRT_DIR/libvirtd.out" | tr '\n' ' ')"
			return 1
		fi
		s=0
		"$TOOL" -c "$VIRT_URI_LOCAL" version >/dev/null \
			2>"$VIRT_DIR/tool.err" || s=$?
		[ $s = 0 ] && return 0
		# a client that crashes is a bug in cvm, not a missing daemon
		if [ $s -ge 128 ] || grep -q Sanitizer "$VIRT_DIR/tool.err"; then
			VIRT_WHY="cvm-virt-tool crashed (exit $s): $(grep -m 3 -e ERROR -e '#[0-9]' "$VIRT_DIR/tool.err" | tr '\n' ' ')"
			return 3
		fi
		sleep 0.5
		i=$((i + 1))
	done
	VIRT_WHY="libvirtd did not answer within 30 s ($(tail -n 1 "$VIRT_DIR/tool.err"))"
	return 1
}

virt_daemon_start() {
	VIRT_DIR="$TMP/virt"
	VIRT_URI_LOCAL="qemu:///system"
	TOOL="$CVM_HELPERS/cvm-virt-tool"
	export LIBVIRT_DEFAULT_URI="$VIRT_URI_LOCAL"
	trap 'virt_daemon_stop; rm -rf "$TMP"' EXIT
	trap 'exit 143' TERM INT HUP
	# run/lock: /var/lock, where libvirt locks the console's pty
	for d in run/lock etc lib cache log; do
		mkdir -p "$VIRT_DIR/$d" || return 1
	done
	mount --bind "$VIRT_DIR/run" /run &&
		mount --bind "$VIRT_DIR/etc" /etc/libvirt &&
		mount --bind "$VIRT_DIR/lib" /var/lib/libvirt &&
		mount --bind "$VIRT_DIR/cache" /var/cache/libvirt &&
		mount --bind "$VIRT_DIR/log" /var/log/libvirt || {
		VIRT_WHY="bind mounts in the private namespace failed"
		return 1
	}
	for attempt in 1 2 3; do
		VIRT_TCP_PORT=$(virt_free_port "$attempt")
		virt_daemon_try
		r=$?
		[ $r = 2 ] || return $r
	done
	VIRT_WHY="no free TCP port for libvirtd after 3 tries"
	return 1
}

virt_daemon_stop() {
	if [ -n "${VIRT_PID:-}" ] && kill -0 "$VIRT_PID" 2>/dev/null; then
		for d in $(virsh -q -c "$VIRT_URI_LOCAL" list --name 2>/dev/null); do
			virsh -q -c "$VIRT_URI_LOCAL" destroy "$d" >/dev/null 2>&1
		done
		kill "$VIRT_PID" 2>/dev/null
		i=0
		while kill -0 "$VIRT_PID" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.2
			i=$((i + 1))
		done
		kill -9 "$VIRT_PID" 2>/dev/null
		wait "$VIRT_PID" 2>/dev/null
	fi
	# a QEMU the daemon left running (its pid file is ours)
	for f in /run/libvirt/qemu/*.pid; do
		[ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
	done
	return 0
}

# The guest to boot: the unikernel's EFI image when it is built (it runs
# `workload=W`, prints CVM1 lines and exits through isa-debug-exit),
# otherwise Debian's kernel with a tiny busybox initramfs.
# Sets GUEST_KIND and GUEST_ARGS (cvm-virt-tool spec options).
virt_pick_guest() {
	workload=$1
	fw="--firmware /usr/share/OVMF/OVMF_CODE_4M.fd --vars /usr/share/OVMF/OVMF_VARS_4M.fd"
	efi=${CVM_UNIKERNEL_EFI:-$CVM_BUILD/guest/cvm-unikernel.efi}
	if [ -f "$efi" ]; then
		cp "$efi" "$TMP/guest.efi"
		GUEST_KIND=unikernel
		GUEST_ARGS="$fw --kernel $TMP/guest.efi --append workload=$workload --debug-exit"
		return 0
	fi
	k=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
	bb=$(command -v busybox)
	[ -n "$k" ] && [ -n "$bb" ] && command -v cpio >/dev/null || return 1
	mkdir -p "$TMP/initramfs/bin"
	cp "$bb" "$TMP/initramfs/bin/busybox"
	# the same CVM1 lines as the unikernel's hello (or a hang)
	if [ "$workload" = hang ]; then
		end='while :; do /bin/busybox sleep 1; done'
	else
		end='/bin/busybox echo "CVM1 exit 0"; /bin/busybox poweroff -f'
	fi
	printf '#!/bin/busybox sh\n/bin/busybox echo "CVM1 boot workload_start 0"\n%s\n' \
		"$end" >"$TMP/initramfs/init"
	chmod 755 "$TMP/initramfs/init"
	(cd "$TMP/initramfs" && find . | cpio -o -H newc 2>/dev/null) >"$TMP/initrd.img"
	cp "$k" "$TMP/vmlinuz"
	GUEST_KIND=linux
	GUEST_ARGS="$fw --kernel $TMP/vmlinuz --initrd $TMP/initrd.img --append console=ttyS0"
}

# virt_daemon_start, or skip the whole script where libvirtd cannot run
# here; a crash of cvm's own client fails the script instead (TAP
# "Bail out!"), so a broken build is never reported as a skip.
virt_daemon_start_or_skip() {
	virt_daemon_start
	case $? in
	0) ;;
	3)
		echo "Bail out! $VIRT_WHY"
		exit 1
		;;
	*) skip_all "$VIRT_WHY" ;;
	esac
}
