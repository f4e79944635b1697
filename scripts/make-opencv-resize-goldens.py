#!/usr/bin/env python3
"""Goldens for Vigil's OpenCV-style bilinear resize (the AutoML YOLO letterbox uses cv2.resize
with INTER_LINEAR): a seeded random 96x72 RGB image and cv2's resizes of it, down and up.

Writes Tests/Goldens/opencv-resize/{input,down-48x36,up-150x113,odd-61x29}.npy (uint8, HxWx3).
Needs opencv-python-headless and numpy (PyPI): the benchmark venv has both.
"""
import os
import cv2
import numpy as np

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Goldens", "opencv-resize")
os.makedirs(out, exist_ok=True)
image = np.random.default_rng(20261124).integers(0, 256, size=(72, 96, 3), dtype=np.uint8)
np.save(os.path.join(out, "input.npy"), image)
for width, height in [(48, 36), (150, 113), (61, 29)]:
    resized = cv2.resize(image, (width, height), interpolation=cv2.INTER_LINEAR)
    name = {(48, 36): "down", (150, 113): "up", (61, 29): "odd"}[(width, height)]
    np.save(os.path.join(out, f"{name}-{width}x{height}.npy"), resized)
print(f"opencv {cv2.__version__}: wrote goldens to {os.path.normpath(out)}")
