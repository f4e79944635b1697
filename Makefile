# Vigil: two commands on a fresh Debian 12 machine with Swift 6.3 —
#   make run    install system packages, build release, run the main job on its embedded default
#   make test   install what the tests need, run every test
SWIFT ?= swift
RELEASE_BIN := .build/release/vigil

.PHONY: run test build deps test-deps dist dist-deps bench bench-cameras demo-model demo-video protos clean

deps:
	@scripts/install-deps.sh build

test-deps:
	@scripts/install-deps.sh test

build: deps
	$(SWIFT) build -c release --product vigil

# The main job: `vigil run` on its embedded default — the demo camera (demo/video.mp4) scored by
# the demo model, dashboard at http://127.0.0.1:8080/dashboard. Ctrl-C or SIGTERM stops it cleanly.
run: build
	$(RELEASE_BIN) run

# Tests run optimised: the model tests push real networks through the engine.
test: test-deps
	$(SWIFT) test -c release -Xswiftc -enable-testing

dist-deps:
	@scripts/install-deps.sh dist

# The release package: dist/vigil-<version>-linux-<arch>.tar.gz (this machine's architecture;
# arm64 is built the same way on an arm64 machine, see packaging/README.md). Built with the flags
# of `make test` so the two share .build/release.
dist: dist-deps
	$(SWIFT) build -c release --product vigil -Xswiftc -enable-testing
	scripts/make-dist.sh --binary $(RELEASE_BIN) --out dist

bench: build
	Benchmarks/compare.sh

bench-cameras: build
	Benchmarks/cameras.py

demo-model: build
	$(RELEASE_BIN) demo-model --out demo/model

demo-video: build
	scripts/make-demo-video.sh

protos:
	scripts/generate-protos.sh

clean:
	rm -rf .build
