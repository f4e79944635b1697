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

# Until the service and the camera pipeline exist, the main job scores the demo model's sample
# images: one Custom Vision prediction document per line.
run: build
	$(RELEASE_BIN) predict demo/model demo/model/samples/*.jpg

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
