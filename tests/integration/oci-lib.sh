# SPDX-License-Identifier: MIT
# Helpers for the cvm-oci scripts (t40NN-*.sh), sourced after lib.sh.
#
#   oci_need_vm          skip unless QEMU, a guest kernel and a static
#                        busybox are here (each container is a VM)
#   oci_rootfs DIR       a busybox rootfs from Debian's busybox-static
#   oci_bundle DIR JSON  a bundle: rootfs + config.json with process.args
#                        = JSON (an array), then the jq filters in $JQ
#   oci_image_tar FILE   the busybox rootfs as a tar for docker/podman import
: "${CVM_OCI:?run through meson test (CVM_OCI is not set)}"

oci_need_vm() {
	command -v qemu-system-x86_64 >/dev/null ||
		skip_all "no qemu-system-x86_64 (each container is a VM)"
	ls /boot/vmlinuz-* >/dev/null 2>&1 || [ -n "${CVM_LINUX_KERNEL:-}" ] ||
		skip_all "no guest kernel in /boot (linux-image-amd64)"
	[ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 ||
		skip_all "no static /bin/busybox (busybox-static)"
	command -v jq >/dev/null || skip_all "no jq"
}

oci_rootfs() {
	mkdir -p "$1/bin" "$1/proc" "$1/sys" "$1/dev" "$1/tmp" "$1/etc" \
		"$1/root"
	cp /bin/busybox "$1/bin/busybox"
	for a in $("$1/bin/busybox" --list); do
		[ "$a" = busybox ] || ln -sf busybox "$1/bin/$a"
	done
	echo "root:x:0:0:root:/root:/bin/sh" >"$1/etc/passwd"
}

oci_bundle() {
	[ -d "$1/rootfs" ] || oci_rootfs "$1/rootfs"
	jq -n --argjson args "$2" '{
		ociVersion: "1.0.2",
		process: {terminal: false, user: {uid: 0, gid: 0},
			args: $args, env: ["PATH=/bin", "TERM=xterm"], cwd: "/"},
		root: {path: "rootfs", readonly: false},
		hostname: "cvm-test",
		mounts: [
			{destination: "/proc", type: "proc", source: "proc"},
			{destination: "/dev", type: "tmpfs", source: "tmpfs",
			 options: ["nosuid", "strictatime", "mode=755", "size=65536k"]},
			{destination: "/dev/pts", type: "devpts", source: "devpts",
			 options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
			{destination: "/sys", type: "sysfs", source: "sysfs",
			 options: ["nosuid", "noexec", "nodev", "ro"]}],
		linux: {namespaces: [{type: "pid"}, {type: "mount"}]}
	}' | jq "${JQ:-.}" >"$1/config.json"
}

oci_image_tar() {
	oci_rootfs "$TMP/image-rootfs"
	tar -C "$TMP/image-rootfs" -cf "$1" .
}
