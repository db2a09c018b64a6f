# The two commands of the README:
#   make run    installs missing Debian packages, builds in build/ and runs the default simulation
#   make test   installs missing Debian packages, builds and runs every test, then a fast subset
#               under ASan+UBSan (build-asan/), the parallel kernel under TSan (build-tsan/),
#               and a clang++ build with its unit tests (build-clang/)
# WERROR=1 turns warnings into errors (CI sets it). JOBS defaults to 2.

JOBS ?= 2
WERROR ?= 0
RUN_ARGS ?=
PACKAGES := cmake make g++ clang ccache python3 libboost-dev libboost-filesystem-dev libtbb-dev \
            libfmt-dev catch2 libcli11-dev nlohmann-json3-dev libtomlplusplus-dev
DEV := $(if $(filter 1,$(WERROR)),-DSPINDLE_DEVELOPER_MODE=ON,-DSPINDLE_DEVELOPER_MODE=OFF)
CTEST := ctest --output-on-failure -j $(JOBS)

.PHONY: run test deps build build-tests asan tsan clang clean

deps:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release $(DEV) -DSPINDLE_BUILD_TESTS=ON
	cmake --build build -j $(JOBS) --target spindle

run: build
	./build/bin/spindle run $(RUN_ARGS)

build-tests: deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release $(DEV) -DSPINDLE_BUILD_TESTS=ON
	cmake --build build -j $(JOBS)

asan: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" $(DEV) \
	  -DSPINDLE_SANITIZE=address,undefined -DSPINDLE_BUILD_APPS=OFF -DSPINDLE_BUILD_EXAMPLES=OFF
	cmake --build build-asan -j $(JOBS)
	cd build-asan && $(CTEST) -L unit

tsan: deps
	cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" $(DEV) \
	  -DSPINDLE_SANITIZE=thread -DSPINDLE_BUILD_APPS=OFF -DSPINDLE_BUILD_EXAMPLES=OFF
	cmake --build build-tsan -j $(JOBS) --target spindle_unit_framework
	cd build-tsan && $(CTEST) -R "Kernel:|Lazy stimuli:"

# The same code must also build cleanly with clang++ 14; its unit tests run there too.
clang: deps
	CXX=clang++ cmake -S . -B build-clang -DCMAKE_BUILD_TYPE=Release $(DEV) -DSPINDLE_BUILD_TESTS=ON
	cmake --build build-clang -j $(JOBS)
	cd build-clang && $(CTEST) -L unit

test: build-tests
	cd build && $(CTEST)
	$(MAKE) --no-print-directory asan tsan clang

clean:
	rm -rf build build-asan build-tsan build-clang
