#!/usr/bin/env python3
"""Start-up time of an example: from the JVM's launch to the first 200 answer, for several jars, runs interleaved.

    benchmarks/startup.py [--runs 15] [--example items] [--path /] LABEL=JAR [LABEL=JAR ...]

Each run starts `java --enable-native-access=ALL-UNNAMED -jar JAR EXAMPLE` on a free loopback port and polls
GET PATH every 2 ms; the jars take turns so that the machine's noise falls on all of them alike. Prints one
line a jar (median, mean, min, max in ms) and the ratio of each median to the first jar's.
"""
import argparse
import glob
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def find_java():
    """A JDK 21 or newer: JAVA_HOME, the java on PATH, or the newest under /usr/lib/jvm (as load.sh finds it)."""
    candidates = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(os.path.join(os.environ["JAVA_HOME"], "bin", "java"))
    if shutil.which("java"):
        candidates.append(shutil.which("java"))
    candidates += sorted(glob.glob("/usr/lib/jvm/*/bin/java"), reverse=True)
    for java in candidates:
        out = subprocess.run([java, "-XshowSettings:properties", "-version"], capture_output=True, text=True).stderr
        version = next((line.split("=")[1].strip() for line in out.splitlines() if "java.specification.version" in line), "0")
        if int(version.split(".")[0]) >= 21:
            return java
    sys.exit("no JDK 21 or newer: set JAVA_HOME")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answered(port, path):
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        connection.request("GET", path)
        status = connection.getresponse().status
        connection.close()
        return status == 200
    except OSError:
        return False


def one_run(java, jar, example, path):
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="coda-startup-")
    env = dict(os.environ, PORT=str(port))
    start = time.perf_counter()
    process = subprocess.Popen([java, "--enable-native-access=ALL-UNNAMED", "-jar", os.path.abspath(jar), example],
                               cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not answered(port, path):
            if process.poll() is not None:
                sys.exit(f"{jar} {example} exited with {process.returncode} before answering")
            if time.perf_counter() - start > 60:
                sys.exit(f"{jar} {example} did not answer within 60 s")
            time.sleep(0.002)
        return (time.perf_counter() - start) * 1000
    finally:
        process.terminate()
        process.wait()
        shutil.rmtree(workdir, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--example", default="items")
    parser.add_argument("--path", default="/")
    parser.add_argument("--java", default=None, help="default: a JDK 21+ found as load.sh finds it")
    parser.add_argument("jars", nargs="+", metavar="LABEL=JAR")
    args = parser.parse_args()
    java = args.java or find_java()
    jars = [j.split("=", 1) for j in args.jars]
    times = {label: [] for label, _ in jars}
    for _ in range(args.runs):
        for label, jar in jars:
            times[label].append(one_run(java, jar, args.example, args.path))
    first = statistics.median(times[jars[0][0]])
    print(f"{args.example}, start to the first 200 of GET {args.path}, {args.runs} runs each, interleaved; "
          f"load average before: {os.getloadavg()[0]:.2f}")
    for label, _ in jars:
        t = times[label]
        median = statistics.median(t)
        print(f"{label:>12}: median {median:7.1f} ms  mean {statistics.mean(t):7.1f}  min {min(t):7.1f}  "
              f"max {max(t):7.1f}  median/first {median / first:.3f}")


if __name__ == "__main__":
    main()
