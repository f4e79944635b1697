#!/usr/bin/env python3
"""Writes Tests/VigilConnectorsTests/Display/Goldens/: Sense HAT framebuffer bytes for known payloads.

For each case the script takes a prediction payload as the display receives it, picks the tag the
way the seed's sense-hat-display did (MessageParser.highestProbabilityTagMeetingThreshold: the
highest probability strictly above the threshold, first on ties), finds its icon the way the seed's
DisplayManager.displayImage did (first built-in name contained in the lower-cased tag), and writes
the pixels the way the `sense_hat` library's set_pixels does (seek to pix_map[rotation][row][col]*2,
struct.pack('H', r>>3<<11 | g>>2<<5 | b>>3), little-endian). Tags without an icon get Vigil's
colour block: hue = FNV-1a-32(utf8(tag.lower())) % 360 at full saturation and value.

The icon tables below are transcribed from the seed's modules/SenseHatDisplay/app/DisplayManager.py
(Azure-Samples/Custom-vision-service-iot-edge-raspberry-pi) in its own list-of-pixels form, so they
check the Swift string-row tables rather than repeat them.

Outputs:
    cases.json          the inputs: name, payload text, threshold, rotation (read by the Swift tests)
    <name>.rgb565.hex   the expected 128 framebuffer bytes, 8 lines (one per framebuffer row) of
                        16 space-separated hex bytes

Usage (Python 3.11, numpy):
    python scripts/make-display-goldens.py [--out Tests/VigilConnectorsTests/Display/Goldens]
"""
import argparse
import json
import os
import struct

import numpy as np

# The seed's Colors enum.
G = (0, 255, 0)
Y = (255, 255, 0)
R = (255, 0, 0)
O = (255, 165, 0)
N = (0, 0, 0)

APPLE = [
    N, N, N, N, Y, Y, N, N,
    N, N, N, Y, Y, N, N, N,
    N, N, G, G, G, G, N, N,
    N, G, G, G, G, G, G, N,
    N, G, G, G, G, G, G, N,
    N, G, G, G, G, G, G, N,
    N, G, G, G, G, G, G, N,
    N, N, G, G, G, G, N, N,
]
RASPBERRY = [
    N, G, G, N, N, G, G, N,
    N, N, G, G, G, G, N, N,
    N, N, R, R, R, R, N, N,
    N, R, R, R, R, R, R, N,
    R, R, R, R, R, R, R, R,
    R, R, R, R, R, R, R, R,
    N, R, R, R, R, R, R, N,
    N, N, R, R, R, R, N, N,
]
BANANA = [
    N, N, Y, Y, N, N, N, N,
    N, Y, Y, Y, N, N, N, N,
    Y, Y, Y, N, N, N, N, N,
    Y, Y, Y, N, N, N, N, N,
    N, Y, Y, Y, N, N, N, N,
    N, N, Y, Y, Y, N, N, N,
    N, N, N, Y, Y, Y, Y, N,
    N, N, N, N, N, Y, Y, Y,
]
ORANGE = [
    N, N, N, O, O, N, N, N,
    N, O, O, O, O, O, O, N,
    N, O, O, O, O, O, O, N,
    O, O, O, O, O, O, O, O,
    O, O, O, O, O, O, O, O,
    N, O, O, O, O, O, O, N,
    N, O, O, O, O, O, O, N,
    N, N, N, O, O, N, N, N,
]
LEMON = [
    N, N, N, N, N, N, N, N,
    N, N, N, Y, Y, N, N, N,
    N, N, Y, Y, Y, Y, N, N,
    Y, Y, Y, Y, Y, Y, Y, Y,
    Y, Y, Y, Y, Y, Y, Y, Y,
    N, Y, Y, Y, Y, Y, Y, N,
    N, N, Y, Y, Y, Y, N, N,
    N, N, N, Y, Y, N, N, N,
]
# displayImage's order.
ICONS = [("apple", APPLE), ("raspberry", RASPBERRY), ("banana", BANANA), ("orange", ORANGE), ("lemon", LEMON)]


def document(predictions, **extra):
    doc = {"created": "2024-05-01T12:00:00.123456", "id": "", "iteration": "",
           "predictions": [{"boundingBox": None, "probability": p, "tagId": "", "tagName": t} for t, p in predictions],
           "project": ""}
    doc.update(extra)
    return doc


def cases():
    apple = document([("apple", 0.931), ("banana", 0.042), ("orange", 0.027)])
    mqtt = document([("Apple", 0.1), ("Banana", 0.88), ("Lemon", 0.02)],
                    camera="kitchen", frameTime="2024-05-01T12:00:00Z", model="fruit")
    pear = document([("apple", 0.2), ("pear", 0.77)])
    event = {"data": json.dumps(pear), "datacontenttype": "application/json", "id": "7",
             "pubsubname": "pubsub", "source": "vigil", "specversion": "1.0", "topic": "predictions",
             "type": "com.dapr.event.sent"}
    below = document([("apple", 0.6), ("banana", 0.3)])  # 0.6 is not above the 0.6 threshold
    green = document([("Green Apple", 0.7), ("lemon", 0.7)])  # tie: the first wins; contains "apple"
    return [
        ("apple", json.dumps(apple), 0.6, 0),
        ("banana", json.dumps(json.dumps(mqtt)), 0.6, 0),  # a JSON string literal, as the seed's capture sent it
        ("pear-colour-block", json.dumps(event), 0.6, 0),
        ("below-threshold", json.dumps(below), 0.6, 0),
        ("apple-rotation90", json.dumps(apple), 0.6, 90),
        ("green-apple-rotation270", json.dumps(green), 0.5, 270),
    ]


def unwrap(value):
    """The prediction document inside JSON string literals and CloudEvent envelopes."""
    while True:
        if isinstance(value, str):
            value = json.loads(value)
        elif "predictions" in value:
            return value
        else:
            value = value["data"]


def highest_probability_tag_meeting_threshold(message, threshold):
    """The seed's MessageParser, restated."""
    tag, best = "none", 0
    for prediction in message["predictions"]:
        if prediction["probability"] > best and prediction["probability"] > threshold:
            best, tag = prediction["probability"], prediction["tagName"]
    return tag


def fnv1a32(data):
    h = 2166136261
    for byte in data:
        h = ((h ^ byte) * 16777619) & 0xFFFFFFFF
    return h


def colour_block(tag):
    hue = fnv1a32(tag.lower().encode("utf-8")) % 360
    up = (hue % 60) * 255 // 60
    down = 255 - up
    colour = [(255, up, 0), (down, 255, 0), (0, 255, up), (0, down, 255), (up, 0, 255), (255, 0, down)][hue // 60]
    return [colour] * 64


def pixels_for(tag):
    if tag == "none":
        return [N] * 64
    for name, icon in ICONS:
        if name in tag.lower():
            return icon
    return colour_block(tag)


def framebuffer(pixel_list, rotation):
    """sense_hat.SenseHat.set_pixels into a 128-byte buffer."""
    pix_map = np.arange(64).reshape(8, 8)
    for _ in range(rotation // 90):
        pix_map = np.rot90(pix_map)
    fb = bytearray(128)
    for index, (r, g, b) in enumerate(pixel_list):
        offset = int(pix_map[index // 8][index % 8]) * 2
        fb[offset:offset + 2] = struct.pack("<H", ((r >> 3) & 0x1F) << 11 | ((g >> 2) & 0x3F) << 5 | ((b >> 3) & 0x1F))
    return bytes(fb)


def hex_rows(data):
    return "".join(" ".join("%02x" % b for b in data[i:i + 16]) + "\n" for i in range(0, len(data), 16))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.join(here, "..", "Tests", "VigilConnectorsTests", "Display", "Goldens")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=default_out)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    listed = []
    for name, payload, threshold, rotation in cases():
        tag = highest_probability_tag_meeting_threshold(unwrap(json.loads(payload)), threshold)
        data = framebuffer(pixels_for(tag), rotation)
        with open(os.path.join(args.out, name + ".rgb565.hex"), "w") as f:
            f.write(hex_rows(data))
        listed.append({"name": name, "payload": payload, "threshold": threshold, "rotation": rotation, "tag": tag})
        print("%-24s %-12s rotation %3d" % (name, tag, rotation))
    with open(os.path.join(args.out, "cases.json"), "w") as f:
        json.dump(listed, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
