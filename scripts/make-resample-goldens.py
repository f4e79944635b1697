#!/usr/bin/env python3
"""Writes Tests/VigilImageTests/Fixtures/resample-goldens.json: Pillow 13 `Image.resize` results.

Each case holds a small RGB input and the bytes of `Image.fromarray(input).resize((w, h), filter)`
for BILINEAR and BICUBIC, so the Swift port of Resample.c (`resizePillow`) can be checked bit for
bit without Python: downscales by small and large factors (the filter support widens),
upscales, one axis only, to and from 1 pixel, and unchanged size (a copy). Inputs are seeded
noise (worst case for rounding) and smooth gradients with saturated edges (exercises clipping
of bicubic overshoot). Images are base64 of H×W×3 bytes.

Usage (Python 3.11, numpy, Pillow 13.0.0):
    python scripts/make-resample-goldens.py [--out Tests/VigilImageTests/Fixtures/resample-goldens.json]
"""
import argparse
import base64
import json
import os

import numpy as np
import PIL
from PIL import Image

SIZES = [(9, 7), (16, 16), (4, 3), (1, 1), (48, 11), (23, 19), (71, 3), (11, 30)]


def inputs():
    rng = np.random.RandomState(7)
    noise = rng.randint(0, 256, (19, 29, 3)).astype(np.uint8)
    y, x = np.mgrid[0:21, 0:33]
    gradient = np.dstack([x * 255 // 32, y * 255 // 20, ((x // 5 + y // 5) % 2) * 255]).astype(np.uint8)
    tiny = rng.randint(0, 256, (2, 3, 3)).astype(np.uint8)
    return {"noise-29x19": noise, "gradient-33x21": gradient, "tiny-3x2": tiny}


def b64(array):
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(here, "..", "Tests", "VigilImageTests", "Fixtures", "resample-goldens.json")
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=default)
    out = ap.parse_args().out
    cases = []
    for name, image in inputs().items():
        h, w = image.shape[:2]
        entry = {"name": name, "width": w, "height": h, "pixels": b64(image), "outputs": []}
        for (ow, oh) in SIZES + [(w, h), (w, 5), (5, h)]:
            for filter_name, pil_filter in (("bilinear", Image.Resampling.BILINEAR),
                                            ("bicubic", Image.Resampling.BICUBIC)):
                result = np.asarray(Image.fromarray(image).resize((ow, oh), pil_filter))
                entry["outputs"].append({"width": ow, "height": oh, "filter": filter_name, "pixels": b64(result)})
        cases.append(entry)
    with open(out, "w") as fh:
        json.dump({"pillow": PIL.__version__, "cases": cases}, fh, indent=1)
        fh.write("\n")
    print(f"wrote {out}: {sum(len(c['outputs']) for c in cases)} resizes of {len(cases)} inputs (Pillow {PIL.__version__})")


if __name__ == "__main__":
    main()
