# Wraps CMake. `make demo` and `make test` work on a fresh Debian 12 machine: both install what
# is missing first (scripts/setup.sh).
BUILD ?= build
SIMD ?= auto
JOBS ?= $(shell nproc)

.PHONY: all setup configure build test test-simd bench demo clean

all: build

setup:
	@scripts/setup.sh

configure: setup
	@mkdir -p $(BUILD)
	@cmake -S . -B $(BUILD) -DTENSORSTARK_SIMD=$(SIMD) > $(BUILD)/configure.log 2>&1 \
	  || { cat $(BUILD)/configure.log; exit 1; }

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The same suite built for the other SIMD levels, so every kernel's fallback stays tested.
test-simd:
	@for level in avx2 portable; do \
	  echo "== SIMD level $$level"; \
	  $(MAKE) --no-print-directory SIMD=$$level BUILD=$(BUILD)-$$level test || exit 1; \
	done

bench: build
	@scripts/run_benchmarks.sh $(BUILD)

demo: build
	@$(BUILD)/tensorstark selfcheck

clean:
	rm -rf $(BUILD) $(BUILD)-avx2 $(BUILD)-portable
