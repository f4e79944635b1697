#!/usr/bin/env bash
# Side-by-side inference latency: `vigil bench` against ONNX Runtime on the same models, in one run.
#
#   Benchmarks/compare.sh [MODEL ...]      default: every model under ../shared/models/zoo, the
#                                          native Custom Vision ONNX export ORT can load, and the
#                                          TensorFlow/TFLite exports (ORT runs their tf2onnx form)
#
# ONNX Runtime comes from PyPI into a throwaway venv (BENCH_VENV, default /tmp/vigil-bench-venv).
# Prints, per model and thread count, the median latency of each and the ratio vigil / ORT
# (below 1 means Vigil is faster). Timings on a shared VM vary by up to ±30% between runs:
# compare within one run only.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
shared="${VIGIL_SHARED:-$root/../shared}"
venv="${BENCH_VENV:-/tmp/vigil-bench-venv}"
runs="${RUNS:-60}"
warmup="${WARMUP:-10}"
threads_list="${THREADS:-1 $(nproc)}"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q onnxruntime==1.32.0 "numpy<3"
fi
(cd "$root" && swift build -c release --product vigil >/dev/null)
vigil="$root/.build/release/vigil"

if [ $# -gt 0 ]; then
    models=("$@")
else
    models=()
    for d in "$shared"/models/zoo/*/; do models+=("${d%/}/model.onnx"); done
    models+=("$shared/models/customvision/cv-onnx-cat-or-dog/model.onnx")
    # TensorFlow and TFLite exports: Vigil reads them as they are; ORT runs their tf2onnx form.
    for d in "$shared"/models/customvision/cv-tf-*; do models+=("$d/model.pb|$d/derived/model.tf2onnx-opset13.onnx"); done
    tflite="$shared/models/customvision/cv-tflite-fruits7-android/model.tflite"
    models+=("$tflite|$shared/models/customvision/cv-tf-fruits7-android/derived/model.tf2onnx-opset13.onnx")
fi

printf "%-56s %7s %12s %12s %8s\n" "model" "threads" "vigil ms" "ORT ms" "ratio"
for pair in "${models[@]}"; do
    model="${pair%%|*}"          # what vigil runs
    reference="${pair#*|}"       # what ONNX Runtime runs (the same file, or the ONNX conversion)
    name="${model#"$shared"/models/}"
    name="${name#customvision/}"
    for threads in $threads_list; do
        ours=$("$vigil" bench "$model" --threads "$threads" --runs "$runs" --warmup "$warmup" --json \
               | python3 -c 'import json,sys; print(json.load(sys.stdin)["median_ms"])')
        theirs=$("$venv/bin/python" "$root/Benchmarks/ort_bench.py" "$reference" --threads "$threads" --runs "$runs" --warmup "$warmup" \
               | python3 -c 'import json,sys; print(json.load(sys.stdin)["median_ms"])')
        ratio=$(python3 -c "print(f'{$ours / $theirs:.2f}')")
        printf "%-56s %7s %12.2f %12.2f %8s\n" "$name" "$threads" "$ours" "$theirs" "$ratio"
    done
done
