#!/usr/bin/env python3
"""A large multipart upload, Coda's `forms` example against FastAPI's on uvicorn, rounds alternating.

    benchmarks/uploads_large.py [--size-mb 1000] [--rounds 3] [--venv /tmp/forms-venv] [--jar JAR]

Posts one file of SIZE random bytes and a small one to POST /uploadfiles/ with curl -F (each server answers
{"filenames": [...]}) and reports the seconds and MB/s of each round. Coda runs with -Xmx64m and a GC log: the
largest heap after a GC is printed, showing that the file never sits in memory. The venv needs fastapi, uvicorn and
python-multipart (see docs/performance.md).
"""
import argparse
import glob
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from startup import answered, find_java, free_port  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FASTAPI_APP = os.path.join(ROOT, "examples/src/test/resources/openapi/fastapi/forms.py")


def wait_until_answering(process, port, path):
    start = time.monotonic()
    while not answered(port, path):
        if process.poll() is not None or time.monotonic() - start > 60:
            sys.exit(f"the server on port {port} did not start")
        time.sleep(0.05)


def upload(port, big, small):
    start = time.perf_counter()
    out = subprocess.run(["curl", "-sS", "-F", f"files=@{big}", "-F", f"files=@{small}",
                          f"http://127.0.0.1:{port}/uploadfiles/"], capture_output=True, text=True, check=True).stdout
    seconds = time.perf_counter() - start
    if '"filenames"' not in out:
        sys.exit(f"unexpected answer: {out[:200]}")
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--venv", default="/tmp/forms-venv")
    parser.add_argument("--jar", default=next(iter(sorted(
        j for j in glob.glob(os.path.join(ROOT, "examples/target/coda-examples-*.jar")) if "original-" not in j)), None))
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="coda-uploads-")
    try:
        big, small = os.path.join(work, "big.bin"), os.path.join(work, "small.txt")
        with open(big, "wb") as out:
            for _ in range(args.size_mb):
                out.write(os.urandom(1_000_000))
        with open(small, "w") as out:
            out.write("a small second file\n")
        shutil.copy(FASTAPI_APP, work)
        coda_port, fastapi_port = free_port(), free_port()
        gc_log = os.path.join(work, "gc.log")
        coda = subprocess.Popen([find_java(), "-Xmx64m", f"-Xlog:gc:file={gc_log}", "--enable-native-access=ALL-UNNAMED",
                                 "-jar", args.jar, "forms"], cwd=work, env=dict(os.environ, PORT=str(coda_port)),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        fastapi = subprocess.Popen([os.path.join(args.venv, "bin", "uvicorn"), "forms:app", "--port", str(fastapi_port),
                                    "--log-level", "warning"], cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until_answering(coda, coda_port, "/openapi.json")
            wait_until_answering(fastapi, fastapi_port, "/openapi.json")
            times = {"coda": [], "fastapi": []}
            for _ in range(args.rounds):
                times["coda"].append(upload(coda_port, big, small))
                times["fastapi"].append(upload(fastapi_port, big, small))
        finally:
            for p in (coda, fastapi):
                p.terminate()
                p.wait()
        with open(gc_log) as log:
            after = [int(m.group(1)) for m in re.finditer(r"->(\d+)M\(", log.read())]
        print(f"{args.size_mb} MB + a small file, POST /uploadfiles/, {args.rounds} rounds alternating; "
              f"load average {os.getloadavg()[0]:.2f}")
        for name, t in times.items():
            print(f"{name:>8}: " + ", ".join(f"{s:.2f} s" for s in t)
                  + f"; median {statistics.median(t):.2f} s = {args.size_mb / statistics.median(t):.0f} MB/s")
        print(f"coda/fastapi time, median: {statistics.median(times['coda']) / statistics.median(times['fastapi']):.2f}; "
              f"Coda heap after GC at most {max(after) if after else 0} MB over {len(after)} GCs (-Xmx64m)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
