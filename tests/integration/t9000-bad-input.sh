#!/bin/sh
# t9000: the bad-input matrix (issue 11).  For each command of cvm and
# cvm-oci, malformed arguments and files: empty, truncated, huge, of the
# wrong type, a directory, a FIFO, a device, a symlink loop, missing,
# names with '/', '..', a newline or shell metacharacters, over-long
# arguments, and output paths that cannot be written.  Every case must
# give
#
#   - the documented exit status (2 usage error, 1 failure; docs/security.md),
#   - exactly one error line on stderr, the last ("cvm: error: ...",
#     "cvm-oci: error: ..." or getopt's "cvm CMD: unrecognized option
#     ..."; a "(see 'cvm CMD --help')" hint may follow a usage error, and
#     cvm eval's progress lines may come first), no control characters,
#   - nothing on stdout,
#   - nothing written: the scratch folder (cwd), the temporary folder and
#     the XDG folders are unchanged, and no metacharacter ran a command,
#
# all within 20 seconds (a FIFO must not block a reader).
. "$(dirname "$0")/lib.sh"

S="$CVM_SHARED/testdata"
[ -d "$S/snp" ] && [ -d "$S/measure" ] || skip_all "no reference data in $S"

export TMPDIR="$TMP/tmp" XDG_CACHE_HOME="$TMP/cache" XDG_CONFIG_HOME="$TMP/config" \
	XDG_RUNTIME_DIR="$TMP/run" HOME="$TMP/home"
CAP="$TMP/cap"
IN="$TMP/in"
mkdir -p "$TMPDIR" "$CAP" "$IN" "$HOME" "$TMP/work"

# the inputs
REPORT="$S/snp/milan-v2-gsg/report.bin"
VCEK="$S/snp/milan-v2-gsg/vcek.der"
OVMF="$S/measure/OVMF.fd"
FACTS="$CVM_SRC/tests/data/host/genoa-snp-ready.json"
: >"$IN/empty"
head -c 600 "$REPORT" >"$IN/trunc.bin"
head -c 3000 "$OVMF" >"$IN/trunc.fd"
head -c 700 "$VCEK" >"$IN/trunc.der"
head -c 2000 "$FACTS" >"$IN/trunc.json"
truncate -s 3G "$IN/huge" # sparse: costs nothing
head -c 1184 /dev/zero >"$IN/zeros.bin"
cp "$S/snp/amd-certs/ask_ark_milan.pem" "$IN/certs.pem"
echo '{"not": "a facts file"}' >"$IN/other.json"
printf 'MZ\220\0garbage' >"$IN/garbage"
mkdir "$IN/dir"
ln -s loop "$IN/loop"
ln -s "$IN/nowhere" "$IN/dangling"
mkfifo "$IN/fifo"
NL="$IN/a
b"
LONG=$(head -c 100000 /dev/zero | tr '\0' 7)
META1='$(touch pwned)'
META2='`touch pwned`'
META3='x; touch pwned'
META4='x | touch pwned'
META5='x && touch pwned > pwned2'

# The state of $TMP (captures and lib.sh's own file aside).
state() {
	find "$TMP" -path "$CAP" -prune -o -path "$TMP/.out" -prune -o \
		-printf '%P %y %s %m\n' | sort
}
BEFORE=$(state)
n=0

# bad CODE ARGS...: run `cvm ARGS` in $TMP/work and check the rules above
# (BIN=cvm-oci: the OCI runtime instead).
bad() {
	want=$1
	shift
	n=$((n + 1))
	test_count=$((test_count + 1)) # lib.sh's TAP numbering
	desc=$(printf '%s ' "$@" | tr '\n\t' '??' | cut -c1-110)
	prog=cvm
	[ -z "${BIN:-}" ] || prog=cvm-oci
	code=0
	(cd "$TMP/work" && timeout 20 "${BIN:-$CVM}" "$@" </dev/null \
		>"$CAP/out" 2>"$CAP/err") || code=$?
	why=""
	if [ "$code" != "$want" ]; then
		why="exit $code, expected $want"
	elif [ -s "$CAP/out" ]; then
		why="wrote to stdout"
	elif ! grep -v "^(see 'cvm .*--help')\$" "$CAP/err" | tail -n 1 |
		grep -q '^cvm\(-oci\)\?[: ]'; then
		why="the last stderr line is not cvm's error"
	elif [ "$(grep -v "^(see 'cvm .*--help')\$" "$CAP/err" |
		grep -cv '^cvm eval: ')" != 1 ]; then
		# (cvm eval reports its progress as "cvm eval: ..." lines)
		why="not exactly one error line"
	elif LC_ALL=C grep -q '[[:cntrl:]]' "$CAP/err"; then
		why="control characters in the error"
	elif [ "$(state)" != "$BEFORE" ]; then
		why="something was written"
	fi
	if [ -z "$why" ]; then
		echo "ok $test_count - $want: $prog $desc"
	else
		echo "not ok $test_count - $want: $prog $desc ($why)"
		sed 's/^/# err: /' "$CAP/err" | cat -v | head -5
		sed 's/^/# out: /' "$CAP/out" | head -3
		echo "$BEFORE" >"$CAP/before" && state >"$CAP/after" &&
			diff "$CAP/before" "$CAP/after" | sed 's/^/# /' | head
		test_failed=$((test_failed + 1))
	fi
	# undo what a failing case wrote, so the next case starts clean
	rm -f "$TMP/work/pwned" "$TMP/work/pwned2"
}

# Every kind of bad input FILE for an option or operand: `files CODE
# PREFIX...` runs `cvm PREFIX... FILE` for each.
files() {
	want=$1
	shift
	for f in "$IN/empty" "$IN/huge" "$IN/dir" "$IN/loop" "$IN/dangling" \
		"$IN/fifo" /dev/zero "$IN/missing" "$NL" "$IN/dir/../missing" \
		"$META1" "$META3" ""; do
		bad "$want" "$@" "$f"
	done
}

# ---- top level, help, version ----
bad 2
bad 2 bogus
bad 2 "$META1"
bad 2 "$NL"
bad 2 "$LONG"
bad 2 help bogus
bad 2 version --bogus
bad 2 version extra

# ---- attest ----
bad 2 attest bogus
bad 2 attest verify
bad 2 attest verify --bogus "$REPORT"
bad 2 attest verify "$REPORT" "$REPORT"
files 1 attest verify
for f in trunc.bin trunc.der certs.pem other.json garbage; do
	bad 1 attest verify "$IN/$f"
done
bad 1 attest verify --vcek "$IN/trunc.der" "$REPORT"
bad 1 attest verify --vcek "$IN/empty" "$REPORT"
bad 2 attest verify --vcek "$IN/certs.pem" "$REPORT" # a bundle: use --certs
bad 1 attest verify --vcek "$IN/fifo" "$REPORT"
bad 1 attest verify --vcek "$IN/loop"
bad 1 attest verify --certs "$IN/loop" "$REPORT"
bad 1 attest verify --certs "$IN/fifo" "$REPORT"
bad 1 attest verify --ask "$IN/garbage" --vcek "$VCEK" "$REPORT"
bad 1 attest verify --ark "$IN/dir" --vcek "$VCEK" "$REPORT"
bad 2 attest verify --measurement zz "$REPORT"
bad 2 attest verify --measurement "$LONG" "$REPORT"
bad 2 attest verify --nonce "" "$REPORT"
bad 2 attest verify --nonce "$NL" "$REPORT"
bad 2 attest verify --vmpl 9 "$REPORT"
bad 2 attest verify --vmpl -1 "$REPORT"
bad 2 attest verify --at never "$REPORT"
bad 2 attest verify --at "$META1" "$REPORT"
bad 2 attest verify --min-tcb 'bl=;' "$REPORT"
bad 2 attest verify --min-tcb "$LONG" "$REPORT"
bad 2 attest verify --policy 0xzz "$REPORT"
bad 2 attest verify --chip-id zz "$REPORT"
bad 2 attest kds-url
bad 2 attest kds-url --product "$META3" "$REPORT"
files 1 attest kds-url
bad 1 attest kds-url "$IN/zeros.bin"
bad 2 attest report --nonce zz
bad 2 attest report --vmpl 4
bad 2 attest report --method "$META2"
bad 1 attest report --device "$IN/missing" --method ioctl -o "$TMP/work/r.bin"
bad 1 attest report --configfs "$IN/dir" --method tsm -o "$TMP/work/r.bin"

# ---- firmware ----
bad 2 firmware
bad 2 firmware bogus
bad 2 firmware inspect
bad 2 firmware inspect "$OVMF" "$OVMF"
files 1 firmware inspect
for f in trunc.fd trunc.bin certs.pem garbage; do
	bad 1 firmware inspect "$IN/$f"
done

# ---- host ----
bad 2 host check --memory 1Q
bad 2 host check --memory "$LONG"
bad 2 host check --require bogus
bad 2 host check extra
files 1 host check --facts
for f in trunc.json other.json certs.pem trunc.bin; do
	bad 1 host check --facts "$IN/$f"
done
bad 2 host facts --memory -1
bad 1 host facts --no-libvirt -o "$IN/dir"
bad 1 host facts --no-libvirt -o "$IN/missing/facts.json"
bad 1 host facts --no-libvirt -o "$IN/fifo/x"

# ---- policy ----
bad 2 policy explain
bad 2 policy explain zz
bad 2 policy explain "$LONG"
bad 2 policy explain "$NL"
bad 2 policy explain "$META1"
bad 2 policy explain "$META4"
bad 1 firmware inspect "$META5"
bad 1 attest verify "$META2"
bad 2 policy explain 0x3 0x4
bad 2 policy explain --sev 0x100000000
files 1 policy explain 0x30000 --facts
bad 1 policy explain 0x30000 --facts "$IN/other.json"
bad 2 policy make
bad 2 policy make --level bogus
bad 2 policy make --level sev --no-smt
bad 2 policy make --level sev-snp --min-firmware x.y

# ---- measure ----
M="measure --mode snp --vcpus 1 --vcpu-type EPYC-v4"
bad 2 measure
bad 2 measure --mode bogus --ovmf "$OVMF"
bad 2 measure --mode snp --ovmf "$OVMF" --vcpus 99999999999999999999 --vcpu-type EPYC
bad 2 $M --ovmf "$OVMF" --vcpu-type "$META3"
bad 2 $M --ovmf "$OVMF" --guest-features zz
files 1 $M --ovmf
for f in trunc.fd certs.pem garbage; do
	bad 1 $M --ovmf "$IN/$f"
done
# (any regular file is a kernel to hash, empty or huge: as sev-snp-measure)
for f in "$IN/dir" "$IN/loop" "$IN/fifo" /dev/zero "$IN/missing" "$NL" "$META1"; do
	bad 1 measure --mode sev --ovmf "$S/measure/ovmf_AmdSev_suffix.bin" --kernel "$f"
done
bad 1 $M --ovmf "$OVMF" --id-key "$IN/certs.pem" --id-block-out "$TMP/work/b" \
	--id-auth-out "$TMP/work/a"
bad 1 $M --ovmf "$OVMF" --id-key "$IN/fifo" --id-block-out "$TMP/work/b" \
	--id-auth-out "$TMP/work/a"
bad 1 $M --ovmf "$OVMF" --id-key "$IN/empty" --id-block-out "$TMP/work/b" \
	--id-auth-out "$TMP/work/a"

# ---- run ----
bad 2 run
bad 2 run --workload "$META1"
bad 2 run --workload hello --class Q
bad 2 run --workload hello --memory 1Q
bad 2 run --workload hello --timeout 0
bad 2 run --workload hello --vcpus "$LONG"
bad 2 run --workload hello --boot "$NL"
bad 2 run --workload hello --accel bogus
files 1 run --workload hello --accel tcg --image
files 1 run --workload hello --accel tcg --boot efi --firmware
bad 1 run --workload hello --accel tcg --qemu "$IN/dir"
bad 1 run --workload hello --accel tcg --qemu "$META3"

# ---- vm ----
LONGNAME=$(head -c 64 /dev/zero | tr '\0' v)
bad 2 vm
bad 2 vm create
for name in a/b .. ../x "$NL" "$META1" "$META3" "$LONGNAME" -x .hidden ""; do
	bad 2 vm create "$name" --guest unikernel --protection none
	bad 2 vm inspect "$name"
done
bad 2 vm create v --guest unikernel --memory 1Q
bad 2 vm create v --guest unikernel --vcpus 0
bad 2 vm create v --guest unikernel --protection bogus
bad 2 vm create v --kernel "$IN/garbage" --guest unikernel
# (a huge file is a kernel or image to copy like any other: not here)
for f in "$IN/empty" "$IN/dir" "$IN/loop" "$IN/dangling" "$IN/fifo" /dev/zero \
	"$IN/missing" "$NL" "$META1" ""; do
	bad 1 vm create v --protection none --kernel "$f"
	bad 1 vm create v --protection none --cloud-image "$f"
done
bad 1 vm create v --protection none --guest unikernel --image "$IN/fifo"
for verb in start stop kill delete inspect; do
	bad 1 vm $verb nosuchvm
done
bad 1 vm console nosuchvm --timeout 1

# ---- eval ----
bad 2 eval --workloads "$META1"
bad 2 eval --repeat 0
bad 2 eval --class Q
bad 2 eval --protection bogus
bad 2 eval --pin "$NL"
bad 1 eval --report-only --out "$IN/missing"
bad 1 eval --report-only --out "$IN/dir"
E="eval --guests unikernel --workloads hello --protection none --repeat 1 --warmup 0 --accel tcg"
bad 1 $E --out "$IN/empty"
bad 1 $E --out "$IN/fifo"
bad 1 $E --out "$IN/loop"
bad 2 eval compare
bad 1 eval compare "$IN/missing" "$IN/dir"
bad 1 eval compare "$IN/dir" "$IN/empty"

# ---- cvm-oci ----
BIN=$CVM_OCI
export BIN
bad 2 bogus
for id in a/b .. "$NL" "$META1" "$META3" ""; do
	bad 2 create --bundle "$IN/dir" "$id"
	bad 2 state "$id"
done
for b in "$IN/missing" "$IN/dir" "$IN/fifo" "$IN/empty" "$IN/loop"; do
	bad 1 create --bundle "$b" c1
done
for verb in start state delete; do
	bad 1 $verb nosuch
done
bad 1 kill nosuch KILL
bad 2 kill nosuch BOGUS
# a state root or log that is not a folder or file: an error, never a
# hang (a FIFO nobody reads) or an empty listing
for r in "$IN/fifo" "$IN/empty" "$IN/loop"; do
	bad 1 --root "$r" list
	bad 1 --root "$r" state c1
done
bad 1 --log "$IN/fifo" state nosuch
bad 2 --root
bad 2 --log-format xml list
bad 2 --log-format "$NL" list
bad 2 list --format xml
bad 2 ps --format xml c1
unset BIN

test_expect_success "at least 150 bad inputs were tried ($n)" "test $n -ge 150"
# An output path that is a symlink is replaced (the atomic rename), never
# followed: a link planted at the output path cannot redirect the write.
test_expect_success 'host facts -o LINK replaces the link, leaves its target' '
	echo precious >"$CAP/target" && ln -s "$CAP/target" "$CAP/link" &&
	"$CVM" host facts --no-libvirt -o "$CAP/link" &&
	test ! -L "$CAP/link" && test "$(cat "$CAP/target")" = precious &&
	grep -q "\"format\"" "$CAP/link"
'
test_expect_success 'no metacharacter ran a command anywhere' '
	test -z "$(find "$TMP" / -maxdepth 1 -name "pwned*" 2>/dev/null)"
'
done_testing
