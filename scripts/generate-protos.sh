#!/usr/bin/env bash
# Regenerates the committed Swift protobuf types from the .proto files under scripts/proto.
#
#   scripts/proto/onnx.proto   copied from the PyPI `onnx` 1.23.2 wheel (onnx/onnx.proto)
#
# Needs Debian's protoc (apt protobuf-compiler) and protoc-gen-swift built from the mirrored
# swift-protobuf 1.39.0 (the same version as the runtime in Package.swift); this script builds it
# into .build-protoc-gen-swift when it is not on PATH. Run from anywhere; the output is deterministic.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

plugin="$(command -v protoc-gen-swift || true)"
if [ -z "$plugin" ]; then
    src="$root/.build-protoc-gen-swift/swift-protobuf"
    if [ ! -d "$src" ]; then
        git clone -q --branch 1.39.0 https://github.com/apple/swift-protobuf "$src"
    fi
    (cd "$src" && swift build -c release --product protoc-gen-swift)
    plugin="$src/.build/release/protoc-gen-swift"
fi

out="$root/Sources/VigilONNX/Generated"
mkdir -p "$out"
protoc --plugin=protoc-gen-swift="$plugin" \
       --swift_opt=Visibility=Public \
       --swift_out="$out" \
       -I "$root/scripts/proto" onnx.proto
echo "wrote $out/onnx.pb.swift"
