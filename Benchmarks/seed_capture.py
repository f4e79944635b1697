#!/usr/bin/env python3
"""The seed's camera-capture loop, re-created for side-by-side benchmarks (not shipped).

As the Azure sample's CameraCapture.py does: OpenCV reads the video, each frame is JPEG-encoded
and POSTed (application/octet-stream) to IMAGE_PROCESSING_ENDPOINT, and the response is sent on,
here as an MQTT message (the seed sent it to IoT Hub / Dapr) with the camera name and the frame
time added, so the benchmark measures both stacks from frame decoded to message received.
Frames are paced at the file's frame rate, like a camera.

Usage: seed_capture.py VIDEO ENDPOINT --camera NAME --broker-port PORT [--loop]
Needs opencv-python-headless, requests, paho-mqtt (the benchmark's venv).
"""
import argparse, json, time
from datetime import datetime, timezone

import cv2
import paho.mqtt.client as mqtt
import requests

parser = argparse.ArgumentParser()
parser.add_argument("video")
parser.add_argument("endpoint")
parser.add_argument("--camera", required=True)
parser.add_argument("--broker-port", type=int, required=True)
parser.add_argument("--loop", action="store_true")
args = parser.parse_args()

client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"seed-{args.camera}")
client.connect("127.0.0.1", args.broker_port)
client.loop_start()
session = requests.Session()
capture = cv2.VideoCapture(args.video)
period = 1.0 / (capture.get(cv2.CAP_PROP_FPS) or 25)
due = time.monotonic()
while True:
    ok, frame = capture.read()
    if not ok:
        if not args.loop:
            break
        capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
        continue
    frame_time = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    encoded = cv2.imencode(".jpg", frame)[1].tobytes()
    response = session.post(args.endpoint, headers={"Content-Type": "application/octet-stream"}, data=encoded)
    message = response.json()
    message.update(camera=args.camera, frameTime=frame_time)
    client.publish(f"seed/{args.camera}/predictions", json.dumps(message), qos=0)
    due += period
    delay = due - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    else:
        due = time.monotonic()
