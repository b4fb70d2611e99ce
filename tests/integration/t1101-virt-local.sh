#!/bin/sh
# t1101: the libvirt back end against its own libvirtd over qemu:///system:
# define a TCG domain with OVMF and the unikernel's EFI image, start it
# paused, read its console through virDomainOpenConsole, let it finish,
# undefine it with its NVRAM; an SEV domain is refused with cvm's
# explanation and leaves nothing defined; cvm's golden XML for libvirt 9.0
# is accepted (or, for SEV, refused for the right reason) by the real
# daemon.  Needs root; skips where libvirtd cannot start.
. "$CVM_SRC/tests/helper/virt-daemon.sh"
virt_enter_namespace "$@"
. "$(dirname "$0")/lib.sh"

virt_daemon_start_or_skip
virt_pick_guest hello || skip_all "no guest to boot (build the unikernel or install linux-image-amd64 and busybox-static)"
U=$VIRT_URI_LOCAL
NVRAM=/var/lib/libvirt/qemu/nvram/t1101_VARS.fd
LOG=$TMP/t1101-serial.log

test_expect_success 'the private daemon answers on qemu:///system' '
	"$TOOL" -c "$U" version >out &&
	contains out "libvirt 9." && contains out "hypervisor 7."
'
test_expect_success 'create defines the domain, with cvm metadata, not started' '
	"$TOOL" -c "$U" create --name t1101 $GUEST_ARGS --serial-log "$LOG" &&
	"$TOOL" -c "$U" inspect t1101 >out &&
	contains out "state: shutoff" && contains out "cvm: yes" &&
	contains out "protection: none" && contains out "type: qemu" &&
	test ! -e "$NVRAM"
'
test_expect_success 'creating the same name again is refused' '
	s=0; "$TOOL" -c "$U" create --name t1101 $GUEST_ARGS 2>err || s=$?
	test $s = 1 && contains err "already exists"
'
test_expect_success "the $GUEST_KIND guest boots; its console is read until it exits" '
	"$TOOL" -c "$U" start t1101 --paused &&
	"$TOOL" -c "$U" inspect t1101 >out && contains out "state: paused" &&
	{ "$TOOL" -c "$U" console t1101 --resume --timeout 240 >console 2>end ||
		{ cat end; false; }; } &&
	contains end "console ended: eof" && test -s console
'
# A guest that exits right after printing (the unikernel) can lose the
# tail of its output on a pty console: the kernel discards what libvirtd
# had not yet read when QEMU closes the pty.  QEMU's own serial log keeps
# everything; the console must have shown the same bytes, as far as it got.
test_expect_success 'the serial log has the whole run; the console the same bytes' '
	contains "$LOG" "CVM1 boot workload_start" && contains "$LOG" "CVM1 exit 0" &&
	cmp -n "$(wc -c <console)" console "$LOG"
'
test_expect_success 'libvirt made the per-VM NVRAM from the template at first start' '
	test -s "$NVRAM"
'
# The console ends when QEMU closes the pty; libvirtd notices the QEMU
# process is gone a moment later (longer on a loaded machine).
test_expect_success 'the finished guest is shut off; stop has nothing to do' '
	i=0
	while "$TOOL" -c "$U" inspect t1101 >out &&
		! grep -qF "state: shutoff" out && [ $i -lt 50 ]; do
		sleep 0.2; i=$((i + 1))
	done
	contains out "state: shutoff" &&
	contains out "id: -1" &&
	"$TOOL" -c "$U" stop t1101 --timeout 1 >out && contains out stopped
'
test_expect_success 'kill of a stopped domain says it is not running' '
	s=0; "$TOOL" -c "$U" kill t1101 2>err || s=$?
	test $s = 1 && contains err "is not running"
'
test_expect_success 'delete undefines it together with its NVRAM file' '
	"$TOOL" -c "$U" delete t1101 &&
	test ! -e "$NVRAM" &&
	! "$TOOL" -c "$U" inspect t1101 2>err &&
	contains err "no domain named '"'"'t1101'"'"'"
'
test_expect_success 'an SEV domain is refused at define time with the explanation' '
	s=0
	"$TOOL" -c "$U" create --name t1101sev --protection sev --policy 0x3 \
		$GUEST_ARGS 2>err || s=$?
	test $s = 1 &&
	contains err "SEV launch security is not supported with this QEMU binary" &&
	contains err "libvirt error 67" && contains err "cvm host check"
'
test_expect_success '... and leaves nothing defined' '
	"$TOOL" list -c "$U" >out && ! grep t1101sev out
'
test_expect_success 'SEV-SNP XML (libvirt 10.5) is explained by libvirt 9.0' '
	s=0
	"$TOOL" -c "$U" define-xml "$CVM_SRC/tests/data/virt/sev-snp-kernel-10.5.xml" \
		2>err || s=$?
	test $s = 1 && contains err "sev-snp" && contains err "10.5"
'
test_expect_success 'cvm refuses SEV-SNP for libvirt 9.0 before asking it' '
	! "$TOOL" -c "$U" create --name t1101snp --protection sev-snp \
		--policy 0x30000 $GUEST_ARGS 2>err &&
	contains err "libvirt 9.0.0 cannot describe SEV-SNP guests"
'
test_expect_success 'the golden XML for libvirt 9.0 defines (none) or is refused for lack of SEV' '
	for f in "$CVM_SRC"/tests/data/virt/*-9.0.xml; do
		if "$TOOL" -c "$U" define-xml "$f" >out 2>err; then
			case $f in */none-*) ;; *) echo "$f defined"; exit 1 ;; esac
			"$TOOL" -c "$U" delete "$(sed -n "s/^defined //p" out)"
		else
			case $f in */none-*) cat err; exit 1 ;; esac
			contains err "libvirt error 67"
		fi
	done &&
	"$TOOL" list -c "$U" >out && test ! -s out
'
test_expect_success 'node SEV info and domain capabilities say: no SEV here' '
	"$TOOL" -c "$U" sevinfo >out && contains out "sev: no" &&
	contains out "QEMU does not support SEV guest" &&
	"$TOOL" -c "$U" domcaps >out && contains out "sev: no"
'
done_testing
