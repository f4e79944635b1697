#!/usr/bin/env bash
# HTTP load, side by side: `vigil serve` against the seed-like Python Flask server
# (../shared/tools/reference_server.py, fast mode: Pillow + ONNX Runtime) on the same model.
#
#   Benchmarks/serve-load.sh [MODEL_DIR]     default: ../shared/models/customvision/cv-onnx-cat-or-dog
#
# One 640x480 JPEG (made from a fruit photo) is posted raw at 1, 8 and 64 concurrent keep-alive
# clients; prints requests/s and p50/p99 latency of each server and the throughput ratio
# vigil / Python (its fast mode: Pillow + ONNX Runtime), then a short run against its seed mode
# (the seed service's own per-request costs). Python deps go into a throwaway venv (BENCH_VENV).
#
# The client is ../shared/tools/bench_http.py (REQUESTS per run, default 1000), or with CLIENT=wrk
# the C load generator wrk (DURATION seconds per run, default 15; Benchmarks/wrk-post.lua). Both
# servers share the machine with the client: the Python client takes about 0.1 of a core at
# Vigil's rate, wrk almost nothing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
shared="${VIGIL_SHARED:-$root/../shared}"
model="${1:-$shared/models/customvision/cv-onnx-cat-or-dog}"
venv="${BENCH_VENV:-/tmp/vigil-bench-venv}"
requests="${REQUESTS:-1000}"
client="${CLIENT:-python}"
duration="${DURATION:-15}"
case "$client" in
    python) ;;
    wrk) "$root/scripts/install-deps.sh" bench ;;
    *) echo "CLIENT must be python or wrk, not '$client'" >&2; exit 2 ;;
esac
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import flask, PIL, onnxruntime" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q numpy==2.4.6 pillow==13.0.0 onnx==1.23.2 onnxruntime==1.32.0 flask==3.1.3
fi
(cd "$root" && swift build -c release --product vigil >/dev/null)

image="$work/frame-640x480.jpg"
"$venv/bin/python" -c "
from PIL import Image; import sys
Image.open(sys.argv[1]).convert('RGB').resize((640, 480), Image.BILINEAR).save(sys.argv[2], quality=90)" \
    "$shared/media/fruit/apple__IMG_20200229_164759.jpg" "$image"

free_port() { python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1]); s.close()"; }
vigil_port=$(free_port)
python_port=$(free_port)
"$root/.build/release/vigil" serve --model "bench=$model" --port "$vigil_port" --queue 512 --no-watch >"$work/vigil.log" 2>&1 &
(cd "$shared" && "$venv/bin/python" tools/reference_server.py --model-dir "$model" --port "$python_port" --mode fast) >"$work/python.log" 2>&1 &
for port in "$vigil_port" "$python_port"; do
    for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.5; done
done

bench() {
    if [ "$client" = wrk ]; then
        WRK_BODY="$image" wrk -t1 -c"$3" -d2s -s "$root/Benchmarks/wrk-post.lua" "$1" >/dev/null  # warm-up
        WRK_BODY="$image" wrk -t1 -c"$3" -d"${duration}s" --timeout 30s -s "$root/Benchmarks/wrk-post.lua" "$1" | tail -n 1
    else
        "$venv/bin/python" "$shared/tools/bench_http.py" "$1" "$image" -n "$2" -c "$3" -w 10 --json
    fi
}
echo "client: $client"
printf "%-8s %8s %10s %9s %9s %8s\n" server clients "req/s" "p50 ms" "p99 ms" "ratio"
for clients in 1 8 64; do
    v=$(bench "http://127.0.0.1:$vigil_port/image" "$requests" "$clients")
    p=$(bench "http://127.0.0.1:$python_port/image" "$requests" "$clients")
    python3 - "$clients" "$v" "$p" <<'PY'
import json, sys
clients, v, p = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
for name, d in (("vigil", v), ("python", p)):
    ratio = f" {v['requests_per_s'] / p['requests_per_s']:>8.2f}" if name == "vigil" else ""
    errors = f"  ({d['errors']} errors)" if d["errors"] else ""
    print(f"{name:<8} {clients:>8} {d['requests_per_s']:>10.1f} {d['latency_ms']['p50']:>9.1f} {d['latency_ms']['p99']:>9.1f}{ratio}{errors}")
PY
done

# The seed's own costs (--mode seed: per-pixel Python resampling, graph re-import per request)
# make it ~100x slower, so it gets a short run at 8 clients only.
seed_port=$(free_port)
(cd "$shared" && "$venv/bin/python" tools/reference_server.py --model-dir "$model" --port "$seed_port" --mode seed) >"$work/seed.log" 2>&1 &
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$seed_port/" >/dev/null && break; sleep 0.5; done
v=$(bench "http://127.0.0.1:$vigil_port/image" "$requests" 8)
s=$("$venv/bin/python" "$shared/tools/bench_http.py" "http://127.0.0.1:$seed_port/image" "$image" -n 24 -c 8 -w 2 --json)
python3 - "$v" "$s" <<'PY'
import json, sys
v, s = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"{'seed':<8} {8:>8} {s['requests_per_s']:>10.1f} {s['latency_ms']['p50']:>9.1f} {s['latency_ms']['p99']:>9.1f}"
      f"   vigil/seed-mode ratio {v['requests_per_s'] / s['requests_per_s']:.1f}")
PY
