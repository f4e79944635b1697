#!/usr/bin/env python3
"""A TCP proxy on 127.0.0.1 whose link a test cuts and restores, to emulate a network outage.

    tcp-cut-proxy.py --target-port P [--port 0]
        prints "proxy on port N" once listening; then reads commands on stdin, one a line:
        cut      close every open connection, and accept-then-close new ones, until restored
        restore  forward again
        each command is acknowledged on stdout ("cut", "restored") once in effect.
Counts connections accepted while forwarding ("connections N" after each ack).
"""
import argparse
import socket
import sys
import threading

lock = threading.Lock()
active = set()
state = {"cut": False, "connections": 0}


def pump(source, sink):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(listener, target_port):
    while True:
        client, _ = listener.accept()
        with lock:
            if state["cut"]:
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                client.close()
                continue
            state["connections"] += 1
        try:
            upstream = socket.create_connection(("127.0.0.1", target_port))
        except OSError:
            client.close()
            continue
        with lock:
            active.update([client, upstream])
        for a, b in ((client, upstream), (upstream, client)):
            threading.Thread(target=pump, args=(a, b), daemon=True).start()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target-port", type=int, required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(64)
    threading.Thread(target=serve, args=(listener, args.target_port), daemon=True).start()
    print(f"proxy on port {listener.getsockname()[1]}", flush=True)
    for line in sys.stdin:
        command = line.strip()
        with lock:
            if command == "cut":
                state["cut"] = True
                for s in list(active):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                        s.close()
                    except OSError:
                        pass
                active.clear()
                print("cut", flush=True)
            elif command == "restore":
                state["cut"] = False
                print("restored", flush=True)
            print(f"connections {state['connections']}", flush=True)


if __name__ == "__main__":
    main()
