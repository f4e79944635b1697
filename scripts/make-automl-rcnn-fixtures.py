#!/usr/bin/env python3
"""Makes the AutoML R-CNN test fixtures under Tests/Goldens/automl-rcnn/.

Azure ML AutoML for images exports its Faster R-CNN, RetinaNet and Mask R-CNN models with
torchvision's detection models and torch.onnx.export (the TorchScript exporter, opset 11): the
in-graph transform (normalise, resize), the RPN with its TopK and NonMaxSuppression, RoIAlign over
the FPN levels, and per-image outputs named boxes_0, labels_0, scores_0 (Faster R-CNN), boxes_0,
scores_0, labels_0 (RetinaNet), plus masks_0 (Mask R-CNN), each with a data-dependent number of
rows. A real export is 150+ MB of trained weights; these fixtures are the same torchvision
architectures around a tiny backbone (FrozenBatchNorm, FPN with a max-pool level) with seeded
random weights, so that every op and every dynamic shape of such an export is exercised in a few
hundred kilobytes. RetinaNet's class logits are scaled down so that its scores spread out instead
of all rounding to 1, where their order would be decided by ties rather than by the model.

For each model: model.onnx, labels.json (AutoML's, with its '--bg--' first), input.npy (a
preprocessed test image, the Azure ML article's preprocessing), one <output>.npy per output from
ONNX Runtime, and predictions.json (the article's postprocessing: boxes / input size).

Needs torch, torchvision, onnx, onnxruntime, pillow (PyPI). Run from the repository root:
    python3 scripts/make-automl-rcnn-fixtures.py [../shared/media/IMAGE.jpg]
"""
import json
import os
import sys
from collections import OrderedDict

import numpy as np
import onnxruntime as ort
import torch
from PIL import Image
from torch import nn
from torchvision.models.detection import FasterRCNN, MaskRCNN, RetinaNet
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.detection.faster_rcnn import FastRCNNPredictor, TwoMLPHead
from torchvision.models.detection.mask_rcnn import MaskRCNNHeads, MaskRCNNPredictor
from torchvision.ops import FeaturePyramidNetwork, MultiScaleRoIAlign
from torchvision.ops.feature_pyramid_network import LastLevelMaxPool, LastLevelP6P7
from torchvision.ops.misc import FrozenBatchNorm2d

OUT = "Tests/Goldens/automl-rcnn"
LABELS = ["--bg--", "can", "carton", "milk_bottle", "water_bottle"]
HEIGHT, WIDTH = 120, 160


def block(cin, cout, stride):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), FrozenBatchNorm2d(cout), nn.ReLU(inplace=True))


class TinyBackbone(nn.Module):
    """Three stages (strides 4, 8, 16) under a feature pyramid, like resnet_fpn_backbone."""

    def __init__(self, extra_blocks, returned=(0, 1, 2)):
        super().__init__()
        self.stem = nn.Sequential(block(3, 8, 2), nn.MaxPool2d(3, 2, 1))
        self.stages = nn.ModuleList([block(8, 8, 1), block(8, 16, 2), block(16, 24, 2)])
        self.returned = returned
        self.fpn = FeaturePyramidNetwork([[8, 16, 24][i] for i in returned], 16, extra_blocks=extra_blocks)
        self.out_channels = 16

    def forward(self, x):
        x = self.stem(x)
        features = OrderedDict()
        for index, stage in enumerate(self.stages):
            x = stage(x)
            if index in self.returned:
                features[str(len(features))] = x
        return self.fpn(features)


def randomise(model, seed):
    torch.manual_seed(seed)
    for module in model.modules():
        if isinstance(module, FrozenBatchNorm2d):
            module.weight.uniform_(0.5, 1.5)
            module.bias.uniform_(-0.2, 0.2)
            module.running_mean.uniform_(-0.1, 0.1)
            module.running_var.uniform_(0.5, 1.5)
        elif isinstance(module, (nn.Conv2d, nn.Linear)):
            nn.init.normal_(module.weight, std=(2.0 / module.weight[0].numel()) ** 0.5)
            if module.bias is not None:
                nn.init.uniform_(module.bias, -0.1, 0.1)


def faster_rcnn():
    anchors = AnchorGenerator(((16,), (32,), (64,), (128,)), ((0.5, 1.0, 2.0),) * 4)
    model = FasterRCNN(TinyBackbone(LastLevelMaxPool()), rpn_anchor_generator=anchors,
                       box_roi_pool=MultiScaleRoIAlign(["0", "1", "2"], 7, 2),
                       box_head=TwoMLPHead(16 * 7 * 7, 64), box_predictor=FastRCNNPredictor(64, len(LABELS)),
                       min_size=96, max_size=200, rpn_pre_nms_top_n_test=300, rpn_post_nms_top_n_test=60,
                       box_detections_per_img=40, box_score_thresh=0.05)
    randomise(model, 1)
    return model, ["boxes_0", "labels_0", "scores_0"]


def retinanet():
    anchors = AnchorGenerator(tuple((s, int(s * 1.26), int(s * 1.59)) for s in (32, 64, 128, 256)), ((0.5, 1.0, 2.0),) * 4)
    model = RetinaNet(TinyBackbone(LastLevelP6P7(16, 16), returned=(1, 2)), num_classes=len(LABELS) - 1,
                      anchor_generator=anchors, min_size=96, max_size=200, score_thresh=0.2,
                      topk_candidates=100, detections_per_img=40)
    randomise(model, 2)
    with torch.no_grad():  # a tiny random backbone gives large features: keep the logits moderate
        model.head.classification_head.cls_logits.weight.mul_(0.1)
        model.head.classification_head.cls_logits.bias.fill_(-1.0)
    return model, ["boxes_0", "scores_0", "labels_0"]


def mask_rcnn():
    anchors = AnchorGenerator(((16,), (32,), (64,), (128,)), ((0.5, 1.0, 2.0),) * 4)
    model = MaskRCNN(TinyBackbone(LastLevelMaxPool()), rpn_anchor_generator=anchors,
                     box_roi_pool=MultiScaleRoIAlign(["0", "1", "2"], 7, 2),
                     box_head=TwoMLPHead(16 * 7 * 7, 64), box_predictor=FastRCNNPredictor(64, len(LABELS)),
                     mask_roi_pool=MultiScaleRoIAlign(["0", "1", "2"], 14, 2),
                     mask_head=MaskRCNNHeads(16, [16, 16], 1), mask_predictor=MaskRCNNPredictor(16, 16, len(LABELS)),
                     min_size=96, max_size=200, rpn_pre_nms_top_n_test=300, rpn_post_nms_top_n_test=60,
                     box_detections_per_img=20, box_score_thresh=0.05)
    randomise(model, 3)
    return model, ["boxes_0", "labels_0", "scores_0", "masks_0"]


class PerImageOutputs(nn.Module):
    """AutoML's batch export wrapper: one flat tuple of per-image outputs, in `keys` order."""

    def __init__(self, model, keys):
        super().__init__()
        self.model = model
        self.keys = keys

    def forward(self, images):
        detections = self.model(images)
        return tuple(d[key] for d in detections for key in self.keys)


def preprocess(path):
    """The Azure ML article's Faster R-CNN preprocessing: RGB, resize to the input, ImageNet mean/std."""
    image = Image.open(path).convert("RGB").resize((WIDTH, HEIGHT))
    data = np.array(image).transpose(2, 0, 1)
    mean, std = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])
    out = np.zeros(data.shape, dtype=np.float32)
    for c in range(3):
        out[c] = (data[c] / 255 - mean[c]) / std[c]
    return out[None]


def export(name, make, image, dynamic_size):
    model, outputs = make()
    model.eval()
    keys = [o[: o.rindex("_")] for o in outputs]
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "model.onnx")
    axes = {"input": {0: "batch", 2: "height", 3: "width"} if dynamic_size else {0: "batch"}}
    axes.update({o: {0: "prediction"} for o in outputs})
    wrapper = PerImageOutputs(model, keys).eval()
    torch.onnx.export(wrapper, (torch.from_numpy(image),), path, opset_version=11,
                      input_names=["input"], output_names=outputs, dynamic_axes=axes, dynamo=False)
    with open(os.path.join(folder, "labels.json"), "w") as f:
        json.dump(LABELS, f)
    np.save(os.path.join(folder, "input.npy"), image)
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    results = session.run(None, {"input": image})
    with torch.no_grad():
        eager = wrapper(torch.from_numpy(image))
    for output, value, torch_value in zip(outputs, results, eager):
        np.save(os.path.join(folder, output + ".npy"), value)
        assert value.shape == tuple(torch_value.shape), (name, output, value.shape, torch_value.shape)
    named = dict(zip(keys, results))
    predictions = []
    for box, label, score in zip(named["boxes"], named["labels"], named["scores"]):
        predictions.append({"tagName": LABELS[int(label)], "label": int(label), "probability": float(score),
                            "boundingBox": {"left": float(box[0]) / WIDTH, "top": float(box[1]) / HEIGHT,
                                            "width": float(box[2] - box[0]) / WIDTH, "height": float(box[3] - box[1]) / HEIGHT}})
    with open(os.path.join(folder, "predictions.json"), "w") as f:
        json.dump({"input": [HEIGHT, WIDTH], "predictions": predictions}, f, indent=1)
    scores = np.sort(named["scores"])
    gap = float(np.min(np.diff(scores))) if len(scores) > 1 else 1.0
    print(f"{name}: scores {scores.min() if len(scores) else None}..{scores.max() if len(scores) else None}")
    ops = sorted({n.op_type for n in __import__("onnx").load(path).graph.node})
    print(f"{name}: {len(named['scores'])} detections, smallest score gap {gap:.2e}, {os.path.getsize(path)} bytes, ops {ops}")


def main():
    image_path = sys.argv[1] if len(sys.argv) > 1 else "../shared/media/fruit/test-images__IMG_TEST_1.jpg"
    image = preprocess(image_path)
    export("faster-rcnn", faster_rcnn, image, dynamic_size=False)
    export("retinanet", retinanet, image, dynamic_size=False)
    export("mask-rcnn", mask_rcnn, image, dynamic_size=True)


if __name__ == "__main__":
    main()
