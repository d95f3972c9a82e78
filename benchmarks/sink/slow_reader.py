#!/usr/bin/env python3
"""The reader of a FIFO that stands in for a stalled disk: python3 slow_reader.py FIFO OUT BYTES_PER_S

Opens FIFO for reading and writing (so that it never sees an end of file between writers, and writers never
block on open), reads at most BYTES_PER_S bytes a second and appends them to OUT; on SIGUSR1 reads at full speed
(to let the queued tasks drain before the server stops); on SIGTERM stops.
"""
import os
import signal
import sys
import time

fifo, out, rate = sys.argv[1], sys.argv[2], int(sys.argv[3])
fast = False
running = True


def go_fast(*_):
    global fast
    fast = True


def stop(*_):
    global running
    running = False


signal.signal(signal.SIGUSR1, go_fast)
signal.signal(signal.SIGTERM, stop)
fd = os.open(fifo, os.O_RDWR)
os.set_blocking(fd, False)
with open(out, "ab", buffering=0) as sink:
    while running:
        try:
            chunk = os.read(fd, 1 << 16 if fast else max(1, rate // 10))
        except BlockingIOError:
            chunk = b""
        if chunk:
            sink.write(chunk)
        if not fast or not chunk:
            time.sleep(0.1 if not fast else 0.01)
