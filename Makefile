# SPDX-License-Identifier: MIT
# The front door.  The build is Meson + ninja; this file only names the
# jobs.  Every target first runs scripts/install-deps (idempotent).
#
#   make            build (build/)
#   make run        the main job: cvm eval --quick into results/
#   make check      every test: gcc -Werror build; the unit and integration
#                   tests again under ASan+UBSan (clang); a short libFuzzer
#                   pass over every harness (FUZZ_CI_SECONDS each)
#   make check-hw   the hardware suite (real SEV host; skips elsewhere)
#   make check-valgrind  valgrind memcheck over the unit tests
#   make bench      the benchmarks in bench/
#   make fuzz       libFuzzer harnesses, FUZZ_SECONDS each (FUZZERS=names)
#   make install    install cvm and cvm-oci (PREFIX=/usr/local)

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
PREFIX     ?= /usr/local
MESON_OPTS ?=
# suites run in the ASan build by `make check` (the guest itself is
# built without sanitizers; cvm, cvm-oci and the tests are)
ASAN_SUITES ?= unit integration
# libFuzzer: seconds per harness for `make fuzz` and for the pass in
# `make check`, parallel jobs, and which harnesses (default: all)
FUZZ_SECONDS    ?= 60
FUZZ_CI_SECONDS ?= 3
FUZZ_JOBS       ?= $(shell nproc)
FUZZERS         ?=
# unit tests too slow under valgrind (each flips every bit of every
# report or certificate: an hour under memcheck); run them under ASan
VALGRIND_SKIP ?= unit-attest-tamper unit-attest-tamper-certs
VALGRIND ?= valgrind --error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite --track-origins=yes -q

.PHONY: all deps configure asan build run check check-unit check-hw check-valgrind bench fuzz fuzz-build install clean format

all: build

deps:
	@scripts/install-deps

# (re)configure every time: new source files are found at configure time
configure: deps
	@scripts/meson-setup $(BUILD) -Dwerror=true $(MESON_OPTS)

build: configure
	@ninja --quiet -C $(BUILD)

# the evaluation, quick: both guests, every protection level (those the
# host cannot run are skipped with the reason), a few class S workloads;
# the report goes to results/ (run again to continue an interrupted one;
# an earlier, different evaluation there moves to results/earlier-N)
run: build
	@$(BUILD)/cli/cvm eval --quick --out results --replace

asan: deps
	@CC=clang scripts/meson-setup $(ASAN_BUILD) -Dwerror=true -Dguest=true \
		-Db_sanitize=address,undefined -Db_lundef=false
	@ninja --quiet -C $(ASAN_BUILD)

# the libFuzzer build: clang, ASan+UBSan, coverage everywhere (no guest,
# no unit tests: only libcvm, the front ends and tests/fuzz)
fuzz-build: deps
	@CC=clang scripts/meson-setup $(FUZZ_BUILD) -Dwerror=true -Dfuzz=true \
		-Dguest=false -Dtests=false \
		-Db_sanitize=address,undefined -Db_lundef=false
	@ninja --quiet -C $(FUZZ_BUILD)

check: build asan fuzz-build
	@status=0; \
	meson test -C $(BUILD) --no-rebuild --print-errorlogs --num-processes 2 \
		--no-suite hw >$(BUILD)/check.log 2>&1 || status=1; \
	meson test -C $(ASAN_BUILD) --no-rebuild --print-errorlogs \
		--num-processes 2 $(addprefix --suite ,$(ASAN_SUITES)) \
		>$(ASAN_BUILD)/check.log 2>&1 || status=1; \
	FUZZ_CI_SECONDS=$(FUZZ_CI_SECONDS) meson test -C $(FUZZ_BUILD) \
		--no-rebuild --print-errorlogs --num-processes 2 --suite fuzz \
		>$(FUZZ_BUILD)/check.log 2>&1 || status=1; \
	meson test -C $(BUILD) --no-rebuild --suite hw --logbase testlog-hw \
		>$(BUILD)/check-hw.log 2>&1 || status=1; \
	scripts/test-summary $(BUILD) $(BUILD)/meson-logs/testlog-hw.json \
		$(ASAN_BUILD) $(FUZZ_BUILD) || status=1; \
	exit $$status

check-hw: build
	@meson test -C $(BUILD) --no-rebuild --suite hw --print-errorlogs; \
	status=$$?; scripts/test-summary --hw $(BUILD); exit $$status

# every unit test program (not the shell-script checks of the unit
# suite) but $(VALGRIND_SKIP), under memcheck: any error or definite
# leak fails the test
check-valgrind: build
	@tests=$$(meson test -C $(BUILD) --list --suite unit 2>/dev/null | \
		sed -n 's|^cvm:unit / \(unit-.*\)|\1|p' | \
		grep -vxF -e @none@ $(addprefix -e ,$(VALGRIND_SKIP))); \
	meson test -C $(BUILD) --no-rebuild --num-processes 2 \
		--timeout-multiplier 20 --print-errorlogs --wrap='$(VALGRIND)' \
		--logbase testlog-valgrind \
		$$tests >$(BUILD)/check-valgrind.log 2>&1; \
	status=$$?; \
	scripts/test-summary $(BUILD)/meson-logs/testlog-valgrind.json || status=1; \
	echo "skipped under valgrind: $(VALGRIND_SKIP)"; \
	[ $$status = 0 ] || echo "valgrind's reports: $(BUILD)/check-valgrind.log"; \
	exit $$status

fuzz: fuzz-build
	@tests/fuzz/run-fuzz long $(FUZZ_BUILD) --seconds $(FUZZ_SECONDS) \
		--jobs $(FUZZ_JOBS) $(FUZZERS)

bench: build
	@for b in bench/*; do [ -x "$$b" ] && [ -f "$$b" ] && "$$b" $(BUILD) || true; done

install: build
	@meson install -C $(BUILD) --destdir "$(DESTDIR)" >/dev/null
	@echo "installed into $(DESTDIR)$(PREFIX)"

format:
	@git ls-files '*.c' '*.h' | grep -v '^guest/third' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
