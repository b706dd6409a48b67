# The two commands of the README. Everything else is CMake and CTest.
#   make run   install what is missing, build, fetch the Linux guest
#              (scripts/fetch-linux-guest.sh), boot it to a shell
#   make test  install, build the normal and the sanitizer configuration,
#              run every test in both (the sanitizer pass leaves out the
#              tests that only run QEMU as an oracle: label "oracle")
JOBS ?= $(shell nproc)
BUILD := build
BUILD_SAN := build-asan

.PHONY: all run test setup guest build build-san clean

all: build

setup:
	@sh scripts/setup.sh

build: setup
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

build-san: setup
	@cmake -S . -B $(BUILD_SAN) -DCMAKE_BUILD_TYPE=Sanitize >/dev/null
	@cmake --build $(BUILD_SAN) -j $(JOBS)

guest: setup
	@sh scripts/fetch-linux-guest.sh

run: build guest
	@sh scripts/run-default-guest.sh $(BUILD)

test: build build-san guest
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	cd $(BUILD_SAN) && ctest --output-on-failure -j $(JOBS) -LE oracle

clean:
	rm -rf $(BUILD) $(BUILD_SAN)
