#!/usr/bin/env bash
# Regenerates the committed Swift protobuf types from the .proto files under scripts/proto.
#
#   scripts/proto/onnx.proto                    copied from the PyPI `onnx` 1.23.2 wheel (onnx/onnx.proto)
#   scripts/proto/tensorflow-framework.desc     TensorFlow's GraphDef protos as a FileDescriptorSet,
#                                               extracted from the `tensorflow-cpu` 2.21.0 wheel by
#                                               scripts/extract-tf-descriptors.py (the wheel ships
#                                               compiled _pb2.py modules, not .proto text)
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

tf_out="$root/Sources/VigilTensorFlow/Generated"
mkdir -p "$tf_out"
framework=(graph node_def attr_value tensor tensor_shape types versions resource_handle function op_def full_type graph_debug_info)
protoc --plugin=protoc-gen-swift="$plugin" \
       --swift_opt=Visibility=Public --swift_opt=FileNaming=DropPath \
       --swift_out="$tf_out" \
       --descriptor_set_in="$root/scripts/proto/tensorflow-framework.desc" \
       $(printf "tensorflow/core/framework/%s.proto " "${framework[@]}")
echo "wrote $tf_out"
