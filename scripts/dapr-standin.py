#!/usr/bin/env python3
"""A stand-in for the Dapr sidecar's pub/sub path, for tests (daprd is not packaged for Debian or PyPI).

It does what daprd does for one app: asks the app `GET /dapr/subscribe`, accepts
`POST /v1.0/publish/<pubsub>/<topic>` from publishers, wraps each body in a CloudEvent 1.0
envelope and POSTs it to the route the app subscribed with for that pubsub and topic.
Prints `dapr stand-in on port N` when listening and `delivered N` after each delivery.

Usage: dapr-standin.py --app-port PORT [--port 0]
"""
import argparse, json, sys, threading, urllib.request, uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("--app-port", type=int, required=True)
parser.add_argument("--port", type=int, default=0)
args = parser.parse_args()

with urllib.request.urlopen(f"http://127.0.0.1:{args.app_port}/dapr/subscribe", timeout=10) as response:
    subscriptions = {(s["pubsubname"], s["topic"]): s["route"] for s in json.load(response)}
delivered = 0
lock = threading.Lock()


class Sidecar(BaseHTTPRequestHandler):
    def log_message(self, *_):
        pass

    def do_POST(self):
        global delivered
        parts = self.path.strip("/").split("/")
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if len(parts) != 4 or parts[:2] != ["v1.0", "publish"]:
            self.send_response(404); self.end_headers(); return
        route = subscriptions.get((parts[2], parts[3]))
        if route is not None:
            content_type = self.headers.get("Content-Type", "application/json")
            data = json.loads(body) if "json" in content_type else body.decode()
            event = {"specversion": "1.0", "id": str(uuid.uuid4()), "source": "dapr-standin", "type": "com.dapr.event.sent",
                     "datacontenttype": content_type, "pubsubname": parts[2], "topic": parts[3], "data": data}
            request = urllib.request.Request(f"http://127.0.0.1:{args.app_port}/{route.lstrip('/')}",
                                             data=json.dumps(event).encode(), method="POST",
                                             headers={"Content-Type": "application/cloudevents+json"})
            with urllib.request.urlopen(request, timeout=10) as answer:
                answer.read()
            with lock:
                delivered += 1
                print(f"delivered {delivered}", flush=True)
        self.send_response(204)
        self.end_headers()


server = ThreadingHTTPServer(("127.0.0.1", args.port), Sidecar)
print(f"dapr stand-in on port {server.server_address[1]}", flush=True)
server.serve_forever()
