#!/bin/sh
# t0001: scripts/install-deps is idempotent, and without root it prints
# the single apt-get line to run and exits 2 (never installs anything).
. "$(dirname "$0")/lib.sh"

DEPS="$CVM_SRC/scripts/install-deps"

# as_user CMD...: run CMD as a user who is not root (nobody when we are
# root; ourselves otherwise), from /, so nothing here can apt-get install
as_user() {
	if [ "$(id -u)" = 0 ]; then
		command -v runuser >/dev/null || { echo "no runuser"; return 1; }
		(cd / && runuser -u nobody -- "$@")
	else
		(cd / && "$@")
	fi
}
[ -r "$DEPS" ] || skip_all "$DEPS is not readable"
if [ "$(id -u)" = 0 ] && ! runuser -u nobody -- sh -c "test -r '$DEPS'"; then
	skip_all "user nobody cannot read $DEPS"
fi

# make check runs install-deps first, so everything is installed there:
# exit 0 and silent; elsewhere a missing package gives the one line
test_expect_success 'the real list: the same answer twice, 0 and silent or 2' '
	for i in 1 2; do
		s=0 && as_user sh "$DEPS" >out$i 2>err$i || s=$?
		echo $s >st$i && test ! -s out$i &&
		case $s in
		0) test ! -s err$i ;;
		2) test $(wc -l <err$i) = 1 && contains err$i "apt-get install" ;;
		*) false ;;
		esac
	done &&
	cmp st1 st2 && cmp err1 err2
'
test_expect_code 2 'a missing package without root exits 2' '
	as_user env CVM_DEPS_PACKAGES="dpkg cvm-no-such-package" sh "$DEPS"
'
test_expect_success 'it prints one line: the apt-get command for the missing' '
	! as_user env CVM_DEPS_PACKAGES="dpkg cvm-no-such-package cvm-nor-this" \
		sh "$DEPS" >out 2>err &&
	test ! -s out && test $(wc -l <err) = 1 &&
	contains err "apt-get install -y --no-install-recommends cvm-no-such-package cvm-nor-this" &&
	! grep -q "dpkg" err
'
test_expect_success 'every package is named once, in install-deps only' '
	sed -n "/^PACKAGES=\"/,/^\"/p" "$DEPS" | grep -v "\"" | tr -s " \t" "\n\n" |
		grep . | sort | uniq -d >dups &&
	test ! -s dups &&
	! grep -n "apt-get install" "$CVM_SRC/Makefile" "$CVM_SRC/.ci/run"
'
done_testing
