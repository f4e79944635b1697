#!/usr/bin/env python3
"""Times ONNX Runtime on one model the way `vigil bench` times Vigil: warm-up, then N runs of
session.run on the folder's input.npy (or a fixed random tensor), median and p90 in ms, as JSON.

ORT settings follow shared/models/README.md §9: CPU provider, sequential execution, inter-op 1,
intra-op = --threads, default graph optimisation (ORT_ENABLE_ALL)."""
import argparse
import json
import os
import statistics
import time

import numpy as np
import onnxruntime as ort


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=10)
    args = parser.parse_args()

    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
    first = session.get_inputs()[0]
    shape = [d if isinstance(d, int) and d > 0 else 1 for d in first.shape]
    npy = os.path.join(os.path.dirname(args.model), "input.npy")
    if os.path.exists(npy) and list(np.load(npy).shape) == shape:
        feed = np.load(npy)
    else:
        feed = np.random.default_rng(12345).random(shape, dtype=np.float32)
    feeds = {first.name: feed}
    for _ in range(args.warmup):
        session.run(None, feeds)
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        session.run(None, feeds)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(json.dumps({
        "median_ms": statistics.median(times),
        "p90_ms": times[min(len(times) - 1, int(np.ceil(len(times) * 0.9)) - 1)],
        "threads": args.threads,
        "runtime": "onnxruntime " + ort.__version__,
    }))


if __name__ == "__main__":
    main()
