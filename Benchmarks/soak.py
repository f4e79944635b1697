#!/usr/bin/env python3
"""Soak: 4 cameras making events every few seconds for N minutes while the MQTT broker is killed
and restarted, and the storage link (S3, moto behind a TCP proxy) is cut and restored, at random.

Reports clips produced (finalized on the device) vs uploaded (journal says done, and the object is
in the bucket once with the same bytes) vs lost (produced but neither uploaded nor still queued at
the end), event messages received by a subscriber that reconnects with a durable session, vigil's
peak memory (VmHWM) and the disk use of storage.path.

moto keeps objects in memory only, so the storage outage is a cut network link (scripts/tcp-cut-proxy.py),
not a killed server; the broker is really SIGKILLed and restarted (with persistence).

Usage: Benchmarks/soak.py [--minutes 10] [--seed 1]
Needs: a built vigil (.build/release/vigil), mosquitto, mosquitto-clients, moto (venv at
/tmp/vigil-moto-venv, made by the upload tests or here).
"""
import argparse, hashlib, json, os, random, shutil, signal, socket, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VIGIL = os.environ.get("VIGIL", os.path.join(ROOT, ".build/release/vigil"))
VENV = os.environ.get("VIGIL_MOTO_VENV", "/tmp/vigil-moto-venv")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"nothing listens on {port}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    if not os.path.exists(f"{VENV}/bin/moto_server"):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([f"{VENV}/bin/pip", "install", "-q", "moto[server]"], check=True)
    work = tempfile.mkdtemp(prefix="vigil-soak-")
    procs = []

    # S3: moto behind a cuttable proxy.
    moto_port = free_port()
    procs.append(subprocess.Popen([f"{VENV}/bin/moto_server", "-H", "127.0.0.1", "-p", str(moto_port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    wait_port(moto_port)
    subprocess.run(["curl", "-s", "-X", "PUT", f"http://127.0.0.1:{moto_port}/soak"], check=True, stdout=subprocess.DEVNULL)
    proxy = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts/tcp-cut-proxy.py"), "--target-port", str(moto_port)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    procs.append(proxy)
    proxy_port = int(proxy.stdout.readline().split()[-1])

    # MQTT: a broker with persistence, killed and restarted on the same port.
    broker_port = free_port()
    conf = os.path.join(work, "mosquitto.conf")
    with open(conf, "w") as f:
        f.write(f"listener {broker_port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
                f"persistence_location {work}/\nmax_queued_messages 1000000\n")
    start_broker = lambda: subprocess.Popen(["mosquitto", "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    broker = start_broker()
    wait_port(broker_port)
    events_file = os.path.join(work, "events.txt")
    subscriber = subprocess.Popen(["mosquitto_sub", "-p", str(broker_port), "-t", "vigil/events", "-q", "1", "-c", "-i", "soak-sub"],
                                  stdout=open(events_file, "w"), stderr=subprocess.DEVNULL)

    config = os.path.join(work, "vigil.yaml")
    video = os.path.join(ROOT, "demo/video.mp4")
    with open(config, "w") as f:
        f.write("server:\n  enabled: false\nmodels:\n  - name: demo\n    path: " + os.path.join(ROOT, "demo/model") + "\n")
        f.write(f"mqtt:\n  url: mqtt://127.0.0.1:{broker_port}\n  keep_alive: 5\ncameras:\n")
        for i in range(4):
            f.write(f"  - name: cam{i}\n    source: {video}\n    loop: true\n    fps: 5\n"
                    "    events:\n      labels: [red shape, blue shape]\n      quiet_seconds: 1\n")
        f.write("storage:\n  pre_roll: 2\n  post_roll: 1\n")
        f.write(f"uploads:\n  targets:\n    - name: s3\n      type: s3\n      endpoint: http://127.0.0.1:{proxy_port}\n"
                "      bucket: soak\n      access_key_id: AKIDSOAK\n      secret_access_key: soak-secret\n"
                "      object_name: \"{camera}/{event_id}.{ext}\"\n")
    vigil = subprocess.Popen([VIGIL, "run", "--config", config], stdout=subprocess.DEVNULL,
                             stderr=open(os.path.join(work, "vigil.log"), "w"), env=dict(os.environ, LOG_LEVEL="warning"))
    peak = 0
    end = time.time() + args.minutes * 60
    broker_kills = link_cuts = 0
    print(f"soak for {args.minutes} min in {work}", flush=True)
    while time.time() < end:
        time.sleep(rng.uniform(10, 30))
        with open(f"/proc/{vigil.pid}/status") as f:
            peak = max([peak] + [int(l.split()[1]) for l in f if l.startswith("VmHWM:")])
        if rng.random() < 0.5:
            broker.send_signal(signal.SIGKILL); broker.wait(); broker_kills += 1
            time.sleep(rng.uniform(2, 10))
            broker = start_broker()
        else:
            proxy.stdin.write("cut\n"); proxy.stdin.flush(); proxy.stdout.readline(); link_cuts += 1
            time.sleep(rng.uniform(5, 20))
            proxy.stdin.write("restore\n"); proxy.stdin.flush(); proxy.stdout.readline()

    # Let the outbox drain (the link and the broker are up), then stop cleanly.
    deadline = time.time() + 180
    while time.time() < deadline:
        items = json.loads(subprocess.run([VIGIL, "uploads", "--config", config, "--json"], capture_output=True, text=True).stdout
                           .replace("}\n{", "},{").join(["[", "]"]) or "[]")
        if items and all(i["state"] == "done" for i in items):
            break
        time.sleep(5)
    vigil.send_signal(signal.SIGTERM)
    vigil.wait(timeout=60)
    with open(f"/proc/self/status") as f:
        pass
    storage = os.path.join(work, "vigil-data")
    clips = [os.path.join(storage, "clips", n) for n in os.listdir(os.path.join(storage, "clips")) if n.endswith(".mp4")]
    journal = json.load(open(os.path.join(storage, "uploads.json")))
    done = {i["file"]: i for i in journal if i["state"] == {"done": {}} or i["state"] == "done" or "done" in json.dumps(i["state"])}
    listing = subprocess.run([f"{VENV}/bin/python", "-c", f"""
import boto3, json, hashlib
s3 = boto3.client("s3", endpoint_url="http://127.0.0.1:{moto_port}", aws_access_key_id="a", aws_secret_access_key="b", region_name="us-east-1")
out = {{}}
for page in s3.get_paginator("list_objects_v2").paginate(Bucket="soak"):
    for o in page.get("Contents", []):
        body = s3.get_object(Bucket="soak", Key=o["Key"])["Body"].read()
        out[o["Key"]] = hashlib.md5(body).hexdigest()
print(json.dumps(out))
"""], capture_output=True, text=True, check=True).stdout
    bucket = json.loads(listing)
    uploaded = lost = mismatched = 0
    for clip in clips:
        item = done.get(clip)
        if item is None:
            lost += 1
            continue
        local = hashlib.md5(open(clip, "rb").read()).hexdigest()
        if bucket.get(item["objectName"]) == local:
            uploaded += 1
        else:
            mismatched += 1
    du = sum(os.path.getsize(os.path.join(d, n)) for d, _, ns in os.walk(storage) for n in ns)
    with open(events_file) as f:
        messages = sum(1 for _ in f)
    print(f"| minutes | broker kills | storage cuts | clips produced | uploaded (bytes match) | lost | mismatched | objects in bucket | event messages | vigil peak RSS MiB | disk use MiB |")
    print(f"|---|---|---|---|---|---|---|---|---|---|---|")
    print(f"| {args.minutes:g} | {broker_kills} | {link_cuts} | {len(clips)} | {uploaded} | {lost} | {mismatched} | {len(bucket)} | {messages} | {peak / 1024:.0f} | {du / 1048576:.1f} |")
    for p in procs + [broker, subscriber]:
        p.terminate()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
