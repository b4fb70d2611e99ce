# SPDX-License-Identifier: MIT
# The front door.  The build is Meson + ninja; this file only names the
# jobs.  Every target first runs scripts/install-deps (idempotent).
#
#   make            build (build/)
#   make run        the main job
#   make check      every test: gcc -Werror build + ASan/UBSan unit tests
#   make check-hw   the hardware suite (real SEV host; skips elsewhere)
#   make bench      the benchmarks in bench/
#   make fuzz       libFuzzer harnesses for a bounded time
#   make install    install cvm and cvm-oci (PREFIX=/usr/local)

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
PREFIX     ?= /usr/local
MESON_OPTS ?=

.PHONY: all deps configure asan build run check check-unit check-hw check-valgrind bench fuzz install clean format

all: build

deps:
	@scripts/install-deps

# (re)configure every time: new source files are found at configure time
configure: deps
	@scripts/meson-setup $(BUILD) -Dwerror=true $(MESON_OPTS)

build: configure
	@ninja --quiet -C $(BUILD)

run: build
	@$(BUILD)/cli/cvm host check

asan: deps
	@CC=clang scripts/meson-setup $(ASAN_BUILD) -Dwerror=true -Dguest=false \
		-Db_sanitize=address,undefined -Db_lundef=false
	@ninja --quiet -C $(ASAN_BUILD)

check: build asan
	@status=0; \
	meson test -C $(BUILD) --no-rebuild --print-errorlogs --num-processes 2 \
		--no-suite hw >$(BUILD)/check.log 2>&1 || status=1; \
	meson test -C $(ASAN_BUILD) --no-rebuild --print-errorlogs \
		--suite unit >$(ASAN_BUILD)/check.log 2>&1 || status=1; \
	meson test -C $(BUILD) --no-rebuild --suite hw \
		>$(BUILD)/check-hw.log 2>&1 || status=1; \
	scripts/test-summary $(BUILD) $(ASAN_BUILD) || status=1; \
	exit $$status

check-hw: build
	@meson test -C $(BUILD) --no-rebuild --suite hw --print-errorlogs; \
	status=$$?; scripts/test-summary --hw $(BUILD); exit $$status

check-valgrind: build
	@meson test -C $(BUILD) --no-rebuild --suite unit \
		--wrap='valgrind --error-exitcode=1 --leak-check=full -q' \
		--print-errorlogs

bench: build
	@for b in bench/*; do [ -x "$$b" ] && [ -f "$$b" ] && "$$b" $(BUILD) || true; done

install: build
	@meson install -C $(BUILD) --destdir "$(DESTDIR)" >/dev/null
	@echo "installed into $(DESTDIR)$(PREFIX)"

format:
	@git ls-files '*.c' '*.h' | grep -v '^guest/third' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
