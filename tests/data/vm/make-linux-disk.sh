#!/bin/sh
# SPDX-License-Identifier: MIT
#
# make-linux-disk.sh OUT: a small bootable "cloud image" built from
# Debian's packages only (no network): a GPT disk whose EFI system
# partition holds GRUB (grub-mkstandalone from grub-efi-amd64-bin, with an
# embedded grub.cfg), Debian's kernel and a tiny busybox initramfs.  OVMF
# boots it from the disk like any cloud image (\EFI\BOOT\BOOTX64.EFI).
#
# The init mounts the NoCloud seed (the cdrom labelled cidata), prints a
# login-prompt-like line with the seed's local-hostname, and powers off
# when the ACPI power button is pressed (button.ko + evdev.ko: read one
# event from the "Power Button" input device, then poweroff -f).
#
# Needs: linux-image-amd64, busybox-static, cpio, grub-efi-amd64-bin,
# dosfstools, mtools, fdisk (sfdisk).  Exit 77 with the reason when one is
# missing.  $CVM_LINUX_KERNEL picks the kernel (default: the newest in /boot).
set -eu

out=${1:?usage: make-linux-disk.sh OUT}
need() { command -v "$1" >/dev/null 2>&1 || { echo "make-linux-disk: $1 is missing ($2)" >&2; exit 77; }; }
need busybox busybox-static
need cpio cpio
need grub-mkstandalone grub-efi-amd64-bin
need mkfs.vfat dosfstools
need mcopy mtools
need sfdisk fdisk
[ -d /usr/lib/grub/x86_64-efi ] || { echo "make-linux-disk: no /usr/lib/grub/x86_64-efi (grub-efi-amd64-bin)" >&2; exit 77; }
kernel=${CVM_LINUX_KERNEL:-$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)}
[ -r "$kernel" ] || { echo "make-linux-disk: no kernel in /boot (linux-image-amd64)" >&2; exit 77; }
release=${kernel##*/vmlinuz-}
mods=/lib/modules/$release/kernel
[ -d "$mods" ] || { echo "make-linux-disk: no modules for $release" >&2; exit 77; }

work=$(mktemp -d "${TMPDIR:-/tmp}/mkdisk.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root/bin" "$root/lib/modules" "$root/proc" "$root/sys" "$root/dev" "$root/seed"
cp "$(command -v busybox)" "$root/bin/busybox"

# the modules for the seed cdrom (virtio-scsi, sr, isofs) and the power
# button, in dependency order (modinfo -F depends)
for m in virtio/virtio_ring virtio/virtio virtio/virtio_pci_modern_dev \
	virtio/virtio_pci_legacy_dev virtio/virtio_pci scsi/scsi_common \
	scsi/scsi_mod scsi/virtio_scsi cdrom/cdrom scsi/sr_mod ../fs/isofs/isofs \
	acpi/button input/evdev; do
	cp "$mods/drivers/$m.ko" "$root/lib/modules/"
done

cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev \
	virtio_pci scsi_common scsi_mod virtio_scsi cdrom sr_mod isofs button evdev; do
	insmod /lib/modules/$m.ko
done
i=0
while [ ! -b /dev/sr0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
host=localhost
if mount -t iso9660 -o ro /dev/sr0 /seed 2>/dev/null; then
	# ISO 9660 primary volume descriptor (sector 16): volume id at 40
	label=$(dd if=/dev/sr0 bs=1 skip=32808 count=32 2>/dev/null | tr -d ' ')
	echo "cvm-linux: seed label '$label', files: $(ls /seed | tr '\n' ' ')"
	h=$(sed -n 's/^local-hostname: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' /seed/meta-data)
	[ -n "$h" ] && host=$h
else
	echo "cvm-linux: no seed"
fi
for ev in /sys/class/input/event*; do
	grep -q "Power Button" "$ev/device/name" 2>/dev/null || continue
	(dd if=/dev/input/${ev##*/} of=/dev/null bs=24 count=1 2>/dev/null &&
		echo "cvm-linux: power button pressed, powering off" &&
		poweroff -f) &
done
printf '\nDebian GNU/Linux 12 %s ttyS0\n\n%s login: \n' "$host" "$host"
while :; do sleep 3600; done
INIT
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) >"$work/initrd.img"

cat >"$work/grub.cfg" <<'GRUB'
set timeout=0
search --no-floppy --set=root --file /cvm-linux
linux /vmlinuz console=ttyS0 quiet panic=-1
initrd /initrd.img
boot
GRUB
grub-mkstandalone -O x86_64-efi --modules="part_gpt fat search linux" \
	--locales= --themes= --fonts= -o "$work/BOOTX64.EFI" \
	"boot/grub/grub.cfg=$work/grub.cfg"

# a 60 MiB FAT EFI system partition at 1 MiB of a 64 MiB GPT disk
mkfs.vfat -C -n CVMESP "$work/esp.img" 61440 >/dev/null
mmd -i "$work/esp.img" ::/EFI ::/EFI/BOOT
mcopy -i "$work/esp.img" "$work/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$work/esp.img" "$kernel" ::/vmlinuz
mcopy -i "$work/esp.img" "$work/initrd.img" ::/initrd.img
echo "$release" >"$work/cvm-linux"
mcopy -i "$work/esp.img" "$work/cvm-linux" ::/cvm-linux
truncate -s 64M "$work/disk.img"
printf 'label: gpt\nstart=2048, size=122880, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="ESP"\n' |
	sfdisk -q "$work/disk.img"
dd if="$work/esp.img" of="$work/disk.img" bs=1M seek=1 conv=notrunc status=none
mv "$work/disk.img" "$out"
