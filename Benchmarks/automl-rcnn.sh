#!/usr/bin/env bash
# Azure ML AutoML's R-CNN detectors at their real size, Vigil against ONNX Runtime in one run.
#
#   Benchmarks/automl-rcnn.sh
#
# Makes torchvision's Faster R-CNN and RetinaNet (ResNet-50 FPN, 600×800, seeded random weights)
# the way AutoML exports them (Benchmarks/automl_rcnn.py; torch, torchvision and ONNX Runtime from
# PyPI in a throwaway venv, TORCH_VENV, default /tmp/vigil-torch-venv: about 5 GB), times them with
# Benchmarks/compare.sh (RUNS, default 5, after WARMUP, default 2) and prints how far Vigil's outputs and PyTorch's are from
# ONNX Runtime's. The tests use tiny versions of the same exports (Tests/Goldens/automl-rcnn).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${TORCH_VENV:-/tmp/vigil-torch-venv}"
work="${AUTOML_RCNN_DIR:-/tmp/vigil-automl-rcnn}"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q torch torchvision onnx onnxruntime==1.32.0 "numpy<3"
fi
[ -f "$work/retinanet/ort.labels_0.npy" ] || "$venv/bin/python" "$root/Benchmarks/automl_rcnn.py" export "$work"
(cd "$root" && swift build -c release --product vigil >/dev/null)
for name in faster-rcnn retinanet; do
    "$root/.build/release/vigil" infer "$work/$name/model.onnx" --input "$work/$name/input.npy" --output-dir "$work/$name/vigil" >/dev/null
done
"$venv/bin/python" "$root/Benchmarks/automl_rcnn.py" agree "$work"
echo
RUNS="${RUNS:-5}" WARMUP="${WARMUP:-2}" BENCH_VENV="$venv" "$root/Benchmarks/compare.sh" "$work/faster-rcnn/model.onnx" "$work/retinanet/model.onnx"
