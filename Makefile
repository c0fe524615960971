# Thin wrapper over CMake.  On a fresh Debian machine:
#   make demo   -- install what is missing, build, run the main job
#   make test   -- the same, then every test (Check suites + golden CLI)
BUILD ?= build
JOBS  ?= $(shell nproc 2>/dev/null || echo 2)
SUDO  := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEB_PKGS := libglpk-dev libconfig-dev libcjson-dev check cmake pkg-config gcc make \
            libmicrohttpd-dev
# What `make test` needs beyond the build: serve's tests drive the server
# with curl and jq, and the page in headless Chromium.
TEST_PKGS := curl jq chromium

.PHONY: all deps test-deps build test demo bench fuzz fuzz-build sanitize valgrind clean

all: build

# Install the Debian packages that are missing (and only those).
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

# The same for the test tools.
test-deps:
	@missing=""; for p in $(TEST_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

test: build test-deps
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

demo: build
	./scripts/demo.sh $(BUILD)/ridgeline

bench: build
	@for b in $(BUILD)/bench_*; do [ -x "$$b" ] && "$$b"; done

# ASan + UBSan build and test run (separate build folder).
sanitize: deps test-deps
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
