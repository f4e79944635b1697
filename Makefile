# Vigil: two commands on a fresh Debian 12 machine with Swift 6.3 —
#   make run    install system packages, build release, run the main job on its embedded default
#   make test   install what the tests need, run every test
SWIFT ?= swift
RELEASE_BIN := .build/release/vigil

.PHONY: run test build deps test-deps bench demo-model protos clean

deps:
	@scripts/install-deps.sh build

test-deps:
	@scripts/install-deps.sh test

build: deps
	$(SWIFT) build -c release --product vigil

# The main job: the prediction server on the bundled demo model at http://127.0.0.1:8080
# (test page at /ui). Ctrl-C or SIGTERM stops it cleanly.
run: build
	$(RELEASE_BIN) serve --model demo=demo/model --host 127.0.0.1 --port 8080

# Tests run optimised: the model tests push real networks through the engine.
test: test-deps
	$(SWIFT) test -c release -Xswiftc -enable-testing

bench: build
	Benchmarks/compare.sh

demo-model: build
	$(RELEASE_BIN) demo-model --out demo/model

protos:
	scripts/generate-protos.sh

clean:
	rm -rf .build
