#!/usr/bin/env python3
"""Camera pipeline benchmark: N file cameras (640x480 H.264, 25 fps, real-time pacing) scored by
one `vigil run`, predictions published to a local Mosquitto broker; side by side with the seed's
stack on the same videos, model and broker.

For N = 1, 2, 4, 8 it reports frames scored per second, per core of CPU time used, the
end-to-end latency from frame decoded (the message's frameTime) to MQTT message received by a
subscriber (mosquitto_sub's receive timestamp), CPU use and peak memory (VmHWM, summed over the
stack's processes). The reference ("seed") is the Azure sample's architecture re-created:
one Python OpenCV capture process per camera (Benchmarks/seed_capture.py) posting JPEG frames to
the Flask classifier (../shared/tools/reference_server.py, fast mode: Pillow + ONNX Runtime).
The ratio column is vigil's scored fps per core over the seed's.

Usage: Benchmarks/cameras.py [--model DIR] [--seconds 20] [--cameras 1,2,4,8] [--no-reference]
Needs: a release build (make build), ffmpeg, mosquitto, mosquitto-clients; the reference's Python
packages go into a throwaway venv (BENCH_VENV, default /tmp/vigil-bench-venv).
"""
import argparse, json, os, shutil, signal, socket, subprocess, sys, tempfile, time, urllib.request
from datetime import datetime, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VIGIL = os.environ.get("VIGIL", os.path.join(ROOT, ".build/release/vigil"))
CAT_OR_DOG = os.path.join(ROOT, "..", "shared", "models", "customvision", "cv-onnx-cat-or-dog")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / tick


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def make_video(folder):
    frames = os.path.join(folder, "frames")
    subprocess.run([VIGIL, "demo-model", "--video-frames", frames, "--count", "100"], check=True, stdout=subprocess.DEVNULL)
    video = os.path.join(folder, "camera.mp4")
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-framerate", "25", "-i", f"{frames}/%04d.jpg",
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "25", video], check=True)
    return video


def start_broker(folder):
    broker_port = free_port()
    broker_conf = os.path.join(folder, f"mosquitto-{broker_port}.conf")
    with open(broker_conf, "w") as f:
        f.write(f"listener {broker_port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 100000\n")
    broker = subprocess.Popen(["mosquitto", "-c", broker_conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.3)
    return broker, broker_port


def summarise(n, received, start_wall, end_wall, cpu, peak):
    latencies, scored = [], 0
    with open(received) as f:
        for line in f:
            stamp, _, payload = line.partition(" ")
            try:
                message = json.loads(payload)
            except ValueError:
                continue
            got = float(stamp)
            if not (start_wall <= got <= end_wall):
                continue
            scored += 1
            frame = datetime.strptime(message["frameTime"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()
            latencies.append((got - frame) * 1000)
    wall = end_wall - start_wall
    cores = cpu / wall
    fps = scored / wall
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else float("nan")
    return dict(n=n, offered=25 * n, fps=fps, cores=cores, per_core=fps / cores if cores > 0 else float("nan"),
                p50=p(0.5), p95=p(0.95), rss=peak)


def run_reference(n, model, video, seconds, folder, venv):
    broker, broker_port = start_broker(folder)
    received = os.path.join(folder, f"seed-received-{n}.txt")
    sub = subprocess.Popen(["mosquitto_sub", "-p", str(broker_port), "-t", "seed/+/predictions", "-q", "0", "-F", "%U %p"],
                           stdout=open(received, "w"), stderr=subprocess.DEVNULL)
    port = free_port()
    shared = os.path.join(ROOT, "..", "shared")
    server = subprocess.Popen([os.path.join(venv, "bin/python"), "tools/reference_server.py", "--model-dir", model,
                               "--port", str(port), "--mode", "fast"], cwd=shared,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(240):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            break
        except Exception:
            time.sleep(0.25)
    captures = [subprocess.Popen([os.path.join(venv, "bin/python"), os.path.join(ROOT, "Benchmarks/seed_capture.py"), video,
                                  f"http://127.0.0.1:{port}/image", "--camera", f"cam{i}", "--broker-port", str(broker_port), "--loop"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for i in range(n)]
    processes = [server] + captures
    time.sleep(5)  # warm-up: imports, model load, first requests
    start_wall, start_cpu = time.time(), sum(cpu_seconds(p.pid) for p in processes)
    time.sleep(seconds)
    end_wall, end_cpu = time.time(), sum(cpu_seconds(p.pid) for p in processes)
    peak = sum(peak_rss_mib(p.pid) for p in processes)
    for process in processes + [sub, broker]:
        process.terminate()
        process.wait()
    return summarise(n, received, start_wall, end_wall, end_cpu - start_cpu, peak)


def run(n, model, video, seconds, folder):
    broker, broker_port = start_broker(folder)
    received = os.path.join(folder, f"received-{n}.txt")
    sub = subprocess.Popen(["mosquitto_sub", "-p", str(broker_port), "-t", "vigil/+/predictions", "-q", "0", "-F", "%U %p"],
                           stdout=open(received, "w"), stderr=subprocess.DEVNULL)
    config = os.path.join(folder, f"vigil-{n}.yaml")
    with open(config, "w") as f:
        f.write(f"node: bench\nserver:\n  enabled: false\nmodels:\n  - name: m\n    path: {model}\n")
        f.write(f"mqtt:\n  url: mqtt://127.0.0.1:{broker_port}\n  qos: 0\ncameras:\n")
        for i in range(n):
            f.write(f"  - name: cam{i}\n    source: {video}\n    loop: true\n")
    vigil = subprocess.Popen([VIGIL, "run", "--config", config], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env=dict(os.environ, LOG_LEVEL="error"))
    time.sleep(3)  # warm-up: models loaded, sources open
    start_wall, start_cpu = time.time(), cpu_seconds(vigil.pid)
    time.sleep(seconds)
    end_wall, end_cpu = time.time(), cpu_seconds(vigil.pid)
    peak = peak_rss_mib(vigil.pid)
    vigil.send_signal(signal.SIGTERM)
    vigil.wait(timeout=30)
    sub.terminate(); sub.wait()
    broker.terminate(); broker.wait()

    return summarise(n, received, start_wall, end_wall, end_cpu - start_cpu, peak)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=CAT_OR_DOG if os.path.isdir(CAT_OR_DOG) else os.path.join(ROOT, "demo/model"))
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--cameras", default="1,2,4,8")
    parser.add_argument("--no-reference", action="store_true")
    args = parser.parse_args()
    venv = os.environ.get("BENCH_VENV", "/tmp/vigil-bench-venv")
    if not args.no_reference:
        python = os.path.join(venv, "bin/python")
        check = "import cv2, requests, paho.mqtt.client, flask, PIL, onnxruntime"
        if not os.path.exists(python) or subprocess.run([python, "-c", check], capture_output=True).returncode != 0:
            subprocess.run([sys.executable, "-m", "venv", venv], check=True)
            subprocess.run([python, "-m", "pip", "install", "-q", "numpy==2.4.6", "pillow==13.0.0", "onnx==1.23.2",
                            "onnxruntime==1.32.0", "flask==3.1.3", "opencv-python-headless", "requests", "paho-mqtt"], check=True)
    for tool in ["ffmpeg", "mosquitto", "mosquitto_sub"]:
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed (apt install ffmpeg mosquitto mosquitto-clients)")
    folder = tempfile.mkdtemp(prefix="vigil-cameras-")
    video = make_video(folder)
    print(f"model: {os.path.relpath(args.model, ROOT)}; source: 640x480 H.264 25 fps per camera; {args.seconds:.0f} s per run; {os.cpu_count()} cores")
    print("| cameras | stack | offered fps | scored fps | CPU cores used | scored fps per core | latency p50 ms | latency p95 ms | peak RSS MiB | fps/core ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for n in [int(x) for x in args.cameras.split(",")]:
        r = run(n, os.path.abspath(args.model), video, args.seconds, folder)
        rows = [("vigil", r)]
        if not args.no_reference:
            rows.append(("seed", run_reference(n, os.path.abspath(args.model), video, args.seconds, folder, venv)))
        for name, x in rows:
            ratio = f"{r['per_core'] / rows[1][1]['per_core']:.2f}" if name == "vigil" and len(rows) > 1 else ""
            print(f"| {x['n']} | {name} | {x['offered']} | {x['fps']:.1f} | {x['cores']:.2f} | {x['per_core']:.1f} | {x['p50']:.1f} | {x['p95']:.1f} | {x['rss']:.0f} | {ratio} |")
        sys.stdout.flush()
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
