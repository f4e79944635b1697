#!/usr/bin/env bash
# Makes demo/video.mp4, the demo camera of `make run`: synthetic scenes the demo model recognises
# (each class for two seconds), 640x480 H.264 at 10 fps with a key frame every second.
# Needs a built vigil (make build) and the ffmpeg CLI (apt install ffmpeg).
set -euo pipefail
cd "$(dirname "$0")/.."
vigil=${VIGIL:-.build/release/vigil}
frames=$(mktemp -d)
trap 'rm -rf "$frames"' EXIT
"$vigil" demo-model --video-frames "$frames"
ffmpeg -loglevel error -y -framerate 10 -i "$frames/%04d.jpg" -c:v libx264 -preset slow -crf 28 -pix_fmt yuv420p \
    -g 10 -movflags +faststart demo/video.mp4
echo "wrote demo/video.mp4"
