#!/usr/bin/env bash
# Installs the Debian 12 packages Vigil needs, only those missing.
#   scripts/install-deps.sh build   libraries to build and run vigil
#   scripts/install-deps.sh test    the above plus what the tests use
#   scripts/install-deps.sh dist    the build libraries plus what scripts/make-dist.sh uses
set -euo pipefail

build=(pkg-config libsqlite3-dev libopenblas-dev libturbojpeg0-dev libpng-dev zlib1g-dev
       libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libavdevice-dev libmosquitto-dev)
# Tests start real peers: ffmpeg makes videos, Mosquitto is the broker, GStreamer's RTSP server
# (through python3-gi) serves RTSP, openssl makes TLS certificates, Chromium loads the pages,
# python3-venv holds moto (S3 server, from PyPI) for the upload tests and hadolint for the
# Dockerfile test; debootstrap and systemd (systemd-analyze) check the release package on a fresh
# Debian root (the tests also make the package: the dist list below).
test=(debootstrap systemd chromium fonts-dejavu-core python3 python3-venv python3-websocket ffmpeg mosquitto mosquitto-clients openssl
      python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly)

# scripts/make-dist.sh reads the binary's libraries (readelf), strips it (objcopy) and sets its
# library path (patchelf).
dist=(binutils patchelf)
# Benchmarks/serve-load.sh with CLIENT=wrk drives the servers with wrk.
bench=(wrk)

want=("${build[@]}")
case "${1:-build}" in
    test) want+=("${dist[@]}" "${test[@]}") ;;
    dist) want+=("${dist[@]}") ;;
    bench) want+=("${bench[@]}") ;;
esac

missing=()
for package in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi

echo "installing: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
