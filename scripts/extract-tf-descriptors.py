#!/usr/bin/env python3
"""Extracts TensorFlow's GraphDef protos from the `tensorflow` PyPI wheel as a FileDescriptorSet.

The wheel ships the framework protos compiled into `*_pb2.py` modules (each holds its
FileDescriptorProto, serialized, in an `AddSerializedFile(b'...')` call), not as `.proto` text.
protoc reads such descriptors with `--descriptor_set_in`, so scripts/generate-protos.sh makes the
Swift types from scripts/proto/tensorflow-framework.desc, which this script writes:

    pip download --no-deps tensorflow-cpu==2.21.0 -d /tmp/tf
    python3 scripts/extract-tf-descriptors.py /tmp/tf/tensorflow_cpu-2.21.0-*.whl

Only the standard library is used. The output is deterministic for a given wheel.
"""
import ast
import re
import sys
import zipfile

FILES = [
    "graph", "node_def", "attr_value", "tensor", "tensor_shape", "types", "versions",
    "resource_handle", "function", "op_def", "full_type", "graph_debug_info",
]


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def main():
    wheel = zipfile.ZipFile(sys.argv[1])
    out = sys.argv[2] if len(sys.argv) > 2 else "scripts/proto/tensorflow-framework.desc"
    descriptor_set = bytearray()
    for name in FILES:
        source = wheel.read(f"tensorflow/core/framework/{name}_pb2.py").decode()
        match = re.search(r"AddSerializedFile\((b'.*?')\)", source, re.S)
        if not match:
            sys.exit(f"{name}_pb2.py: no serialized descriptor found")
        data = ast.literal_eval(match.group(1))
        descriptor_set += b"\x0a" + varint(len(data)) + data   # FileDescriptorSet.file = 1
    with open(out, "wb") as f:
        f.write(descriptor_set)
    print(f"wrote {out}: {len(FILES)} files, {len(descriptor_set)} bytes")


if __name__ == "__main__":
    main()
