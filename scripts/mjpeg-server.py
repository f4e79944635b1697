#!/usr/bin/python3
"""A test MJPEG-over-HTTP server: loops a folder of JPEG files as multipart/x-mixed-replace.

Standard library only. Serves the JPEG files of --folder (sorted by name, looped forever) at
http://127.0.0.1:PORT/stream, --rate frames per second, the way IP cameras serve MJPEG.
Prints "READY <port>" once it listens; runs until killed.

    scripts/mjpeg-server.py --port 8080 --folder frames/ [--rate 25]
"""
import argparse
import http.server
import os
import sys
import time

BOUNDARY = "vigilframe"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--folder", required=True)
    parser.add_argument("--rate", type=float, default=25)
    args = parser.parse_args()
    names = sorted(n for n in os.listdir(args.folder) if n.lower().endswith((".jpg", ".jpeg")))
    if not names:
        print(f"no JPEG files in {args.folder}", file=sys.stderr)
        return 1
    frames = []
    for name in names:
        with open(os.path.join(args.folder, name), "rb") as f:
            frames.append(f.read())

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            if self.path != "/stream":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", f"multipart/x-mixed-replace;boundary={BOUNDARY}")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            period = 1.0 / args.rate
            next_time = time.monotonic()
            index = 0
            try:
                while True:
                    jpeg = frames[index % len(frames)]
                    self.wfile.write(
                        f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\n"
                        f"Content-Length: {len(jpeg)}\r\n\r\n".encode("ascii")
                    )
                    self.wfile.write(jpeg)
                    self.wfile.write(b"\r\n")
                    self.wfile.flush()
                    index += 1
                    next_time += period
                    time.sleep(max(0.0, next_time - time.monotonic()))
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"READY {args.port}", flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
