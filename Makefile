# The two commands a newcomer needs: `make demo` and `make test`.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all bootstrap build test demo unit sanitize fuzz bench linearity clean

all: build

bootstrap:
	@bash scripts/bootstrap.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

build: bootstrap $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600

demo: build
	@bash scripts/demo.sh $(BUILD)

# Unit tests under AddressSanitizer + UndefinedBehaviorSanitizer.
sanitize: bootstrap
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFNGUARD_SANITIZE=ON
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -L unit -j $(JOBS)

# libFuzzer targets (clang); run each for FUZZ_SECONDS.
FUZZ_SECONDS ?= 60
fuzz: bootstrap
	CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFNGUARD_BUILD_FUZZ=ON -DFNGUARD_BUILD_TESTS=OFF -DFNGUARD_BUILD_EXAMPLES=OFF
	cmake --build build-fuzz -j $(JOBS)
	bash scripts/run-fuzzers.sh build-fuzz $(FUZZ_SECONDS)

# Long values of repeated units (line breaks, tags, braces, entities...) at
# two sizes: fails when the larger takes super-linearly longer. Each unit is
# probed on its own and after a short text holding every punctuation byte
# (--gates), which opens the scans a value without them skips.
LINEARITY_SHAPES ?= text,json,query
linearity: build
	python3 scripts/linearity-probe.py --fnguard $(BUILD)/fnguard --shapes $(LINEARITY_SHAPES)
	python3 scripts/linearity-probe.py --fnguard $(BUILD)/fnguard --shapes $(LINEARITY_SHAPES) --gates

bench: bootstrap
	cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DFNGUARD_BUILD_BENCH=ON -DFNGUARD_BUILD_TESTS=OFF
	cmake --build build-bench -j $(JOBS)
	./build-bench/tests/bench/fnguard_bench

clean:
	rm -rf $(BUILD) build-asan build-fuzz build-bench
