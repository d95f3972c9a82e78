#!/usr/bin/env python3
"""Throughput of the edge layers under load: EdgeBenchmark's app with no layer, with CORS and with gzip, each on a
real port, measured by wrk in turn (the layers take turns in every round, so that the machine's noise falls on all).

    benchmarks/edge_load.py [--rounds 3] [--duration 10] [--connections 64]

Every request carries `Origin: http://localhost:8080` (an allowed origin) and `Accept-Encoding: gzip`; `GET /` answers
25 bytes (below gzip's 500-byte minimum), `GET /items` 1.3 kB (compressed by the gzip app). Prints requests/s (median
of the rounds) per path and layer, and each layer's ratio to no layer. Needs wrk and the benchmarks jar
(`mvn -B -pl benchmarks -am package -DskipTests`).
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from startup import answered, find_java, free_port

HERE = os.path.dirname(os.path.abspath(__file__))
JAR = os.path.join(HERE, "target", "coda-benchmarks.jar")
LAYERS = ["none", "cors", "gzip"]
PATHS = ["/", "/items"]


def start(java, layer):
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="coda-edge-")
    process = subprocess.Popen([java, "-jar", JAR, "edge-app", layer], cwd=workdir,
                               env=dict(os.environ, PORT=str(port)),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not answered(port, "/"):
        if process.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"edge-app {layer} did not start")
        time.sleep(0.05)
    return process, port, workdir


def wrk(port, path, duration, connections):
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s",
                          "-H", "Origin: http://localhost:8080", "-H", "Accept-Encoding: gzip",
                          f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        sys.exit(f"wrk saw errors on {path}:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    java = find_java()
    servers = {layer: start(java, layer) for layer in LAYERS}
    try:
        for layer, (_, port, _) in servers.items():
            for path in PATHS:
                wrk(port, path, args.warmup, args.connections)
        results = {(layer, path): [] for layer in LAYERS for path in PATHS}
        for _ in range(args.rounds):
            for path in PATHS:
                for layer, (_, port, _) in servers.items():
                    results[(layer, path)].append(wrk(port, path, args.duration, args.connections))
        print(f"| path | " + " | ".join(LAYERS) + " |")
        print("|---|" + "---|" * len(LAYERS))
        for path in PATHS:
            base = statistics.median(results[("none", path)])
            cells = []
            for layer in LAYERS:
                median = statistics.median(results[(layer, path)])
                cells.append(f"{median:,.0f} ({median / base:.2f})")
            print(f"| `GET {path}` | " + " | ".join(cells) + " |")
        print("rounds:", {f"{layer} {path}": [round(r) for r in rs] for (layer, path), rs in results.items()})
    finally:
        for process, _, workdir in servers.values():
            process.terminate()
            process.wait()
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
