#!/usr/bin/env python3
"""Opens a page in headless Chromium and waits until a JavaScript condition holds on it.

For pages that stream forever (MJPEG, Server-Sent Events), where `--dump-dom` with a virtual time
budget never finishes: this drives Chromium over the DevTools protocol instead, polls
`--until EXPR` every 200 ms, then prints the JSON value of `--print EXPR` and exits 0; exits 1
with the last value of `--print` if the condition does not hold within `--timeout` seconds.
`--screenshot FILE` saves a PNG of the page once the condition holds (for the record).

Usage: browser-eval.py URL --until 'document.querySelectorAll("li").length > 2' --print 'document.body.innerText'
Needs chromium and python3-websocket (Debian packages).
"""
import argparse, json, os, shutil, subprocess, sys, tempfile, time
import urllib.request
import websocket

parser = argparse.ArgumentParser()
parser.add_argument("url")
parser.add_argument("--until", required=True)
parser.add_argument("--print", dest="show", required=True)
parser.add_argument("--timeout", type=float, default=60)
parser.add_argument("--screenshot")
args = parser.parse_args()

profile = tempfile.mkdtemp(prefix="vigil-cdp-")
chromium = shutil.which("chromium") or shutil.which("chromium-browser")
browser = subprocess.Popen([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=0",
                            f"--user-data-dir={profile}", "--window-size=1200,900", "about:blank"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    port_file = os.path.join(profile, "DevToolsActivePort")
    deadline = time.time() + 30
    while not (os.path.exists(port_file) and open(port_file).read().strip()):
        if time.time() > deadline:
            sys.exit("chromium did not open its DevTools port")
        time.sleep(0.1)
    port = int(open(port_file).read().split()[0])
    targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
    page = next(t for t in targets if t["type"] == "page")
    ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30)
    counter = [0]

    def call(method, **params):
        counter[0] += 1
        ws.send(json.dumps({"id": counter[0], "method": method, "params": params}))
        while True:
            message = json.loads(ws.recv())
            if message.get("id") == counter[0]:
                return message.get("result", {})

    def evaluate(expression):
        result = call("Runtime.evaluate", expression=f"JSON.stringify({expression})", returnByValue=True)
        value = result.get("result", {}).get("value")
        return json.loads(value) if isinstance(value, str) else None

    call("Page.enable")
    call("Page.navigate", url=args.url)
    deadline = time.time() + args.timeout
    while time.time() < deadline:
        try:
            if evaluate(args.until):
                if args.screenshot:
                    import base64
                    with open(args.screenshot, "wb") as out:
                        out.write(base64.b64decode(call("Page.captureScreenshot", format="png")["data"]))
                print(json.dumps(evaluate(args.show)))
                sys.exit(0)
        except websocket.WebSocketTimeoutException:
            pass
        time.sleep(0.2)
    print(json.dumps(evaluate(args.show)))
    sys.exit(1)
finally:
    browser.terminate()
    try:
        browser.wait(timeout=10)
    except subprocess.TimeoutExpired:
        browser.kill()
    shutil.rmtree(profile, ignore_errors=True)
