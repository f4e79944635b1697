#!/usr/bin/env python3
"""AutoML-size R-CNN detectors for `Benchmarks/automl-rcnn.sh`.

    automl_rcnn.py export DIR     torchvision Faster R-CNN and RetinaNet (ResNet-50 FPN, 4 classes +
                                  background) exported as Azure ML AutoML exports them: input
                                  [batch, 3, 600, 800], opset 11 (TorchScript exporter), per-image
                                  outputs boxes_0 / labels_0 / scores_0 (RetinaNet: boxes, scores,
                                  labels), labels.json with '--bg--' first. Trained weights are not
                                  to be had here, so the weights are torchvision's seeded random
                                  initialisation. Also writes input.npy (a seeded random image in
                                  ImageNet-normalised range) and ONNX Runtime's and PyTorch's outputs.
    automl_rcnn.py agree DIR      compares `vigil infer`'s outputs (DIR/NAME/vigil/) with ONNX
                                  Runtime's, and PyTorch's with ONNX Runtime's for scale: random
                                  weights give saturated scores and extreme box deltas, so last-bit
                                  differences in the features move boxes by pixels in every runtime,
                                  and equal scores can come out in another order ("matched" pairs
                                  each reference box with the nearest box of its label).
"""
import json
import os
import sys

import numpy as np

MODELS = {"faster-rcnn": ["boxes", "labels", "scores"], "retinanet": ["boxes", "scores", "labels"]}


def build(name):
    import torch
    from torchvision.models.detection import fasterrcnn_resnet50_fpn, retinanet_resnet50_fpn
    torch.manual_seed(0)
    if name == "faster-rcnn":
        return fasterrcnn_resnet50_fpn(weights=None, weights_backbone=None, num_classes=5, min_size=600, max_size=1333).eval()
    return retinanet_resnet50_fpn(weights=None, weights_backbone=None, num_classes=4, min_size=600, max_size=1333).eval()


def export(root):
    import onnxruntime as ort
    import torch

    for name, keys in MODELS.items():
        folder = os.path.join(root, name)
        os.makedirs(folder, exist_ok=True)
        model = build(name)

        class PerImage(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.model = model

            def forward(self, images):
                detections = self.model(images)
                return tuple(d[key] for d in detections for key in keys)

        wrapper = PerImage().eval()
        image = np.random.default_rng(0).uniform(-2, 2, (1, 3, 600, 800)).astype(np.float32)
        outputs = [f"{key}_0" for key in keys]
        path = os.path.join(folder, "model.onnx")
        torch.onnx.export(wrapper, (torch.from_numpy(image),), path, opset_version=11, input_names=["input"],
                          output_names=outputs, dynamic_axes={"input": {0: "batch"}, **{o: {0: "prediction"} for o in outputs}},
                          dynamo=False)
        with open(os.path.join(folder, "labels.json"), "w") as f:
            json.dump(["--bg--", "can", "carton", "milk_bottle", "water_bottle"], f)
        np.save(os.path.join(folder, "input.npy"), image)
        results = ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(None, {"input": image})
        with torch.no_grad():
            eager = wrapper(torch.from_numpy(image))
        for output, value, reference in zip(outputs, results, eager):
            np.save(os.path.join(folder, f"ort.{output}.npy"), value)
            np.save(os.path.join(folder, f"torch.{output}.npy"), reference.numpy())
        print(f"{name}: exported, {len(results[0])} detections from ONNX Runtime", file=sys.stderr)


def agree(root):
    print(f"{'model':<14} {'runtime':<8} {'boxes':>7} {'labels equal':>13} {'max |Δbox| px':>14} {'matched':>8} {'max |Δscore|':>13}")
    for name, keys in MODELS.items():
        folder = os.path.join(root, name)
        ort = {k: np.load(os.path.join(folder, f"ort.{k}_0.npy")) for k in keys}
        for runtime, pattern in (("vigil", "vigil/{}_0.npy"), ("pytorch", "torch.{}_0.npy")):
            ours = {k: np.load(os.path.join(folder, pattern.format(k))) for k in keys}
            same = ours["boxes"].shape == ort["boxes"].shape
            labels = same and bool((ours["labels"] == ort["labels"]).all())
            box = float(np.abs(ours["boxes"] - ort["boxes"]).max()) if same and len(ort["boxes"]) else 0.0
            score = float(np.abs(ours["scores"] - ort["scores"]).max()) if same and len(ort["scores"]) else 0.0
            count = f"{len(ours['boxes'])}/{len(ort['boxes'])}"
            # Equal scores may come out in another order: also match each ONNX Runtime box to the
            # nearest box of the same label.
            matched = 0.0
            for reference, label in zip(ort["boxes"], ort["labels"]):
                same = ours["boxes"][ours["labels"] == label]
                matched = max(matched, float(np.abs(same - reference).max(axis=1).min()) if len(same) else float("inf"))
            print(f"{name:<14} {runtime:<8} {count:>7} {str(labels):>13} {box:>14.4f} {matched:>8.4f} {score:>13.2e}")


if __name__ == "__main__":
    {"export": export, "agree": agree}[sys.argv[1]](sys.argv[2])
