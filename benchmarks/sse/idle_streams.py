#!/usr/bin/env python3
"""Opens N idle server-sent event streams and reports the server's resident memory: idle_streams.py PORT PID N

Each connection asks GET /events?count=2&delay=100000 (one event, then a silence that keep-alive pings fill), reads
the first event, and stays open. Prints the server's VmRSS before, with all N streams open, and the difference per
stream; then closes them.
"""
import socket
import sys
import time


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


port, pid, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
request = b"GET /events?count=2&delay=100000 HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"
before = rss_kib(pid)
streams = []
start = time.monotonic()
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(request)
    streams.append(s)
for s in streams:
    got = b""
    while b'data: {"n":' not in got and b'data: {"n": ' not in got:
        chunk = s.recv(4096)
        if not chunk:
            raise RuntimeError("closed before the first event: " + repr(got))
        got += chunk
opened = time.monotonic() - start
time.sleep(3)                     # let the server settle (allocation after the first event, lazy structures)
after = rss_kib(pid)
print(f"streams={n} opened_in={opened:.1f}s rss_before={before/1024:.1f}MiB rss_after={after/1024:.1f}MiB "
      f"per_stream={(after - before) / n:.1f}KiB")
for s in streams:
    s.close()
