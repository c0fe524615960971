# Thin wrapper over CMake.  On a fresh Debian machine:
#   make demo   -- install what is missing, build, run the main job
#   make test   -- the same, then every test (Check suites + golden CLI)
BUILD ?= build
JOBS  ?= $(shell nproc 2>/dev/null || echo 2)
SUDO  := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEB_PKGS := libglpk-dev libconfig-dev libcjson-dev check cmake pkg-config gcc make \
            help2man libmicrohttpd-dev
# What only `make test` needs: a single-node Slurm for tests/slurm.sh, and
# curl, jq and headless Chromium for serve's API and page tests.
TEST_DEB_PKGS := slurmctld slurmd slurm-client munge curl jq chromium

.PHONY: all deps deps-test build test demo bench fuzz fuzz-build sanitize valgrind clean install

all: build

# Install the Debian packages of $(1) that are missing (and only those).
define install_missing
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    -o DPkg::Lock::Timeout=300 $$missing; \
	fi
endef

deps:
	$(call install_missing,$(DEB_PKGS))

# The same for the test-only packages (the Slurm daemons are not started:
# tests/slurm.sh runs its own private ones; munge's package may start a
# system munged, which the test does not use).
deps-test:
	$(call install_missing,$(TEST_DEB_PKGS))

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

test: build deps-test
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# make install PREFIX=/opt/ridgeline: bin/ridgeline, its catalog and data
# under share/ridgeline (found relative to the binary), lib/librl.a and
# include/ridgeline/*.h with lib/pkgconfig/ridgeline.pc, the man page and
# bash completion.
PREFIX ?= /usr/local
install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

demo: build
	./scripts/demo.sh $(BUILD)/ridgeline

bench: build
	@for b in $(BUILD)/bench_*; do [ -x "$$b" ] && "$$b"; done

# ASan + UBSan build and test run (separate build folder).
sanitize: deps deps-test
	cmake -S . -B build-asan -DRL_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j $(JOBS)

# Every Check suite and the CLI error cases under valgrind.
valgrind: build
	./scripts/valgrind.sh $(BUILD)

fuzz-build: deps
	@dpkg-query -W -f='$${Status}' clang 2>/dev/null | grep -q 'ok installed' || \
	  (DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq clang libclang-rt-dev)
	CC=clang cmake -S . -B build-fuzz -DRL_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
	cmake --build build-fuzz -j $(JOBS)

# Run each fuzzer for FUZZ_SECONDS, growing fuzz/corpus/<target>/.
FUZZ_SECONDS ?= 60
fuzz: fuzz-build
	./scripts/fuzz.sh build-fuzz $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) build-asan build-fuzz
