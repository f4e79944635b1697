#!/usr/bin/env python3
"""Camera pipeline benchmark: N file cameras (640x480 H.264, 25 fps, real-time pacing) scored by
one `vigil run`, predictions published to a local Mosquitto broker.

For N = 1, 2, 4, 8 it reports frames scored per second, per core of CPU time vigil used, the
end-to-end latency from frame decoded (the message's frameTime) to MQTT message received by a
subscriber (mosquitto_sub's receive timestamp), vigil's CPU use and peak memory (VmHWM).

Usage: Benchmarks/cameras.py [--model DIR] [--seconds 20] [--cameras 1,2,4,8]
Needs: a release build (make build), ffmpeg, mosquitto, mosquitto-clients.
"""
import argparse, json, os, shutil, signal, socket, statistics, subprocess, sys, tempfile, time
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


def run(n, model, video, seconds, folder):
    broker_port = free_port()
    broker_conf = os.path.join(folder, "mosquitto.conf")
    with open(broker_conf, "w") as f:
        f.write(f"listener {broker_port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 100000\n")
    broker = subprocess.Popen(["mosquitto", "-c", broker_conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.3)
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
    cores = (end_cpu - start_cpu) / wall
    fps = scored / wall
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else float("nan")
    return dict(n=n, offered=25 * n, fps=fps, cores=cores, per_core=fps / cores if cores > 0 else float("nan"),
                p50=p(0.5), p95=p(0.95), rss=peak)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=CAT_OR_DOG if os.path.isdir(CAT_OR_DOG) else os.path.join(ROOT, "demo/model"))
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--cameras", default="1,2,4,8")
    args = parser.parse_args()
    for tool in ["ffmpeg", "mosquitto", "mosquitto_sub"]:
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed (apt install ffmpeg mosquitto mosquitto-clients)")
    folder = tempfile.mkdtemp(prefix="vigil-cameras-")
    video = make_video(folder)
    print(f"model: {os.path.relpath(args.model, ROOT)}; source: 640x480 H.264 25 fps per camera; {args.seconds:.0f} s per run; {os.cpu_count()} cores")
    print("| cameras | offered fps | scored fps | CPU cores used | scored fps per core | latency p50 ms | latency p95 ms | peak RSS MiB |")
    print("|---|---|---|---|---|---|---|---|")
    for n in [int(x) for x in args.cameras.split(",")]:
        r = run(n, os.path.abspath(args.model), video, args.seconds, folder)
        print(f"| {r['n']} | {r['offered']} | {r['fps']:.1f} | {r['cores']:.2f} | {r['per_core']:.1f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['rss']:.0f} |")
        sys.stdout.flush()
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
