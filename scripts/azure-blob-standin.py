#!/usr/bin/env python3
"""A local stand-in for Azure Blob Storage, for Vigil's upload tests (Python standard library only).

Checks every request as the service would: the Shared Key signature, recomputed here from the
account key independently of Vigil's Swift signer (or, with --sas, the SAS query), x-ms-date and
x-ms-version, and Content-MD5 against the body. Implements, in memory and path-style
(/<account>/<container>/<blob>, as Azurite does): Put Blob, Put Block, Put Block List, Get Block
List, Get Blob Properties (HEAD) and Get Blob. Stricter than Azure in one way: Put Block List's
x-ms-blob-content-md5 must match the committed bytes.

    azure-blob-standin.py --account NAME --key BASE64 [--sas 'sv=..&sig=..'] [--port 0]
        prints "azure blob stand-in on port N" once listening
    azure-blob-standin.py --sign < request.json
        prints the string to sign and the signature for {method, path, query, headers, account, key}

Spec: https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key
"""
import argparse
import base64
import hashlib
import hmac
import json
import sys
import threading
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STANDARD = ["content-encoding", "content-language", "content-length", "content-md5", "content-type", "date",
            "if-modified-since", "if-match", "if-none-match", "if-unmodified-since", "range"]


def string_to_sign(method, raw_path, query_pairs, headers, account):
    """The Shared Key string to sign (version 2015-02-21 and later); headers: lower-case name -> value."""
    lines = [method.upper()]
    for name in STANDARD:
        value = headers.get(name, "")
        if name == "content-length" and value == "0":
            value = ""
        lines.append(value)
    canonical_headers = "".join(
        f"{name}:{' '.join(value.split())}\n" for name, value in sorted(headers.items()) if name.startswith("x-ms-"))
    resource = f"/{account}{raw_path or '/'}"
    grouped = {}
    for name, value in query_pairs:
        grouped.setdefault(name.lower(), []).append(value)
    for name in sorted(grouped):
        resource += f"\n{name}:{','.join(sorted(grouped[name]))}"
    return "\n".join(lines) + "\n" + canonical_headers + resource


def sign(key_b64, text):
    return base64.b64encode(hmac.new(base64.b64decode(key_b64), text.encode("utf-8"), hashlib.sha256).digest()).decode()


class Store:
    def __init__(self):
        self.lock = threading.Lock()
        self.blobs = {}        # path -> {data, md5, type, meta, committed: [(id, data)]}
        self.uncommitted = {}  # path -> {id: data}


def make_handler(account, key, sas, store):
    sas_pairs = dict(urllib.parse.parse_qsl(sas, keep_blank_values=True)) if sas else None

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):  # quiet: tests read stdout for the ready line only
            pass

        def reply(self, status, body=b"", headers=None, code=None, message=None):
            if code:
                body = (f'<?xml version="1.0" encoding="utf-8"?><Error><Code>{code}</Code>'
                        f'<Message>{message or code}\nRequestId:{uuid.uuid4()}</Message>'
                        f'{getattr(self, "auth_detail", "")}</Error>').encode()
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if code:
                self.send_header("x-ms-error-code", code)
                self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("x-ms-request-id", str(uuid.uuid4()))
            self.send_header("x-ms-version", "2021-08-06")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def authorized(self, raw_path, pairs, headers):
            if "x-ms-date" not in headers and "date" not in headers:
                return "x-ms-date is missing"
            if headers.get("x-ms-version", "") < "2015-02-21":
                return "x-ms-version is missing or older than 2015-02-21"
            query = dict(pairs)
            if sas_pairs is not None and "sig" in query:
                ok = all(query.get(name) == value for name, value in sas_pairs.items())
                return None if ok else "Signature did not match (SAS)"
            auth = headers.get("authorization", "")
            if not auth.startswith(f"SharedKey {account}:"):
                return "no SharedKey authorization for this account"
            sent = auth.split(":", 1)[1]
            expected = sign(key, string_to_sign(self.command, raw_path, pairs, headers, account))
            if not hmac.compare_digest(sent, expected):
                self.auth_detail = (f"<AuthenticationErrorDetail>The MAC signature found in the HTTP request '{sent}' "
                                    f"is not the same as any computed signature.</AuthenticationErrorDetail>")
                return "Signature did not match"
            return None

        def handle_any(self):
            self.auth_detail = ""
            parsed = urllib.parse.urlsplit(self.path)
            raw_path = parsed.path
            pairs = urllib.parse.parse_qsl(parsed.query, keep_blank_values=True)
            query = dict(pairs)
            headers = {name.lower(): value for name, value in self.headers.items()}
            length = int(headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            problem = self.authorized(raw_path, pairs, headers)
            if problem:
                return self.reply(403, code="AuthenticationFailed",
                                  message="Server failed to authenticate the request. Make sure the value of "
                                          "Authorization header is formed correctly including the signature.")
            segments = raw_path.split("/")
            if len(segments) < 4 or segments[1] != account:
                return self.reply(400, code="InvalidUri", message=f"expected /{account}/<container>/<blob>")
            blob = urllib.parse.unquote(raw_path)
            if "content-md5" in headers and body:
                if base64.b64encode(hashlib.md5(body).digest()).decode() != headers["content-md5"]:
                    return self.reply(400, code="Md5Mismatch", message="The MD5 value specified in the request "
                                      "did not match with the MD5 value calculated by the server.")
            comp = query.get("comp")
            with store.lock:
                if self.command == "PUT" and comp is None:
                    return self.put_blob(blob, body, headers)
                if self.command == "PUT" and comp == "block":
                    store.uncommitted.setdefault(blob, {})[query["blockid"]] = body
                    return self.reply(201, headers={"Content-MD5": base64.b64encode(hashlib.md5(body).digest()).decode()})
                if self.command == "PUT" and comp == "blocklist":
                    return self.put_block_list(blob, body, headers)
                if self.command == "GET" and comp == "blocklist":
                    return self.get_block_list(blob, query.get("blocklisttype", "committed"))
                if self.command in ("GET", "HEAD") and comp is None:
                    item = store.blobs.get(blob)
                    if item is None:
                        return self.reply(404, code="BlobNotFound", message="The specified blob does not exist.")
                    extra = {"Content-MD5": item["md5"], "Content-Type": item["type"], "ETag": item["etag"],
                             "x-ms-blob-type": "BlockBlob"}
                    extra.update({f"x-ms-meta-{n}": v for n, v in item["meta"].items()})
                    if self.command == "HEAD":
                        self.send_response(200)
                        for name, value in extra.items():
                            self.send_header(name, value)
                        self.send_header("Content-Length", str(len(item["data"])))
                        self.end_headers()
                        return
                    return self.reply(200, item["data"], extra)
            return self.reply(400, code="UnsupportedOperation", message=f"{self.command} comp={comp} is not supported")

        def store_blob(self, blob, data, md5, headers, content_type):
            meta = {n[len("x-ms-meta-"):]: v for n, v in headers.items() if n.startswith("x-ms-meta-")}
            etag = f'"0x{uuid.uuid4().hex[:15].upper()}"'
            store.blobs[blob] = {"data": data, "md5": md5, "type": content_type, "meta": meta, "etag": etag}
            store.uncommitted.pop(blob, None)
            return etag

        def put_blob(self, blob, body, headers):
            if headers.get("x-ms-blob-type") != "BlockBlob":
                return self.reply(400, code="InvalidHeaderValue", message="x-ms-blob-type must be BlockBlob")
            md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
            etag = self.store_blob(blob, body, md5, headers, headers.get("content-type", "application/octet-stream"))
            return self.reply(201, headers={"Content-MD5": md5, "ETag": etag})

        def put_block_list(self, blob, body, headers):
            try:
                root = ET.fromstring(body)
            except ET.ParseError:
                return self.reply(400, code="InvalidXmlDocument", message="unparsable block list")
            staged = store.uncommitted.get(blob, {})
            committed = dict(store.blobs.get(blob, {}).get("blocks", []))
            parts = []
            for element in root:
                block_id = (element.text or "").strip()
                source = {"Latest": [staged, committed], "Uncommitted": [staged], "Committed": [committed]}.get(element.tag, [])
                found = next((s[block_id] for s in source if block_id in s), None)
                if found is None:
                    return self.reply(400, code="InvalidBlockList", message=f"block {block_id} is not staged")
                parts.append((block_id, found))
            data = b"".join(p for _, p in parts)
            actual = base64.b64encode(hashlib.md5(data).digest()).decode()
            given = headers.get("x-ms-blob-content-md5")
            if given is not None and given != actual:
                return self.reply(400, code="Md5Mismatch", message="x-ms-blob-content-md5 does not match the blocks")
            etag = self.store_blob(blob, data, given or actual, headers, headers.get("x-ms-blob-content-type", "application/octet-stream"))
            store.blobs[blob]["blocks"] = parts
            return self.reply(201, headers={"ETag": etag})

        def get_block_list(self, blob, kind):
            committed = store.blobs.get(blob, {}).get("blocks", [])
            staged = store.uncommitted.get(blob, {})
            if not committed and not staged and blob not in store.blobs:
                return self.reply(404, code="BlobNotFound", message="The specified blob does not exist.")

            def blocks(items):
                return "".join(f"<Block><Name>{i}</Name><Size>{len(d)}</Size></Block>" for i, d in items)
            xml = '<?xml version="1.0" encoding="utf-8"?><BlockList>'
            if kind in ("committed", "all"):
                xml += f"<CommittedBlocks>{blocks(committed)}</CommittedBlocks>"
            if kind in ("uncommitted", "all"):
                xml += f"<UncommittedBlocks>{blocks(staged.items())}</UncommittedBlocks>"
            xml += "</BlockList>"
            return self.reply(200, xml.encode(), {"Content-Type": "application/xml", "Date": formatdate(usegmt=True)})

        do_GET = do_PUT = do_HEAD = do_DELETE = do_POST = handle_any

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--account")
    parser.add_argument("--key")
    parser.add_argument("--sas")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--sign", action="store_true")
    args = parser.parse_args()
    if args.sign:
        request = json.load(sys.stdin)
        headers = {name.lower(): value for name, value in request["headers"].items()}
        text = string_to_sign(request["method"], request["path"], [tuple(p) for p in request["query"]], headers,
                              request["account"])
        print(json.dumps({"stringToSign": text, "signature": sign(request["key"], text)}))
        return
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(args.account, args.key, args.sas, Store()))
    server.daemon_threads = True
    print(f"azure blob stand-in on port {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
