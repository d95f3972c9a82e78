"""The table of benchmarks/brokers.sh: Celery's figures (RESULT lines of broker_bench.py) and Coda's
(the warm rounds of DurableBenchmark, "(warm JVM)"), medians over the runs, and Coda / Celery.

  python side_by_side.py CELERY_LOG CODA_LOG
"""
import re
import statistics
import sys

CODA = {  # DurableBenchmark's line -> key
    "enqueue, 1 task per transaction, 1 thread": "single",
    "enqueue, 1 task per transaction, 8 threads": "threads8",
    "enqueue, batches of": "batches",
    "process no-op tasks (claim, run, record)": "process",
    "the same from the first task's run": "process-first",
}


def celery(path):
    runs = {}
    for line in open(path):
        if line.startswith("RESULT\t"):
            _, key, rate = line.split("\t")
            runs.setdefault(key, []).append(float(rate))
    return {k: statistics.median(v) for k, v in runs.items()}


def coda(path):
    runs, warm = {}, False
    for line in open(path):
        if line.startswith("=="):
            warm = "(warm JVM)" in line
        for prefix, key in CODA.items():
            m = re.search(r"= +([\d,]+) tasks/s", line)
            if warm and m and line.strip().startswith(prefix):
                runs.setdefault(key, []).append(float(m.group(1).replace(",", "")))
    return {k: statistics.median(v) for k, v in runs.items()}


def main(celery_log, coda_log):
    c, d = celery(celery_log), coda(coda_log)
    processing = {k: v for k, v in c.items() if k.startswith("process-") and not k.endswith("-from-start")}
    best = max((k for k in processing if "+results" not in k), key=processing.get, default=None)
    best_results = max((k for k in processing if "+results" in k), key=processing.get, default=None)
    batch = max(("enqueue-group", "enqueue-producer"), key=lambda k: c.get(k, 0))
    rows = [
        ("enqueue, 1 at a time, 1 thread", "single", "enqueue-single"),
        ("enqueue, 1 at a time (Celery: publisher confirms)", "single", "enqueue-single-confirm"),
        ("enqueue, Coda 8 threads / Celery 1 thread", "threads8", "enqueue-single"),
        (f"enqueue in batches (Celery: {batch[8:]})", "batches", batch),
        ("processing, Celery's default pool (prefork c2)", "process", "process-prefork-c2"),
        (f"processing, Celery's best ({best and best[8:]})", "process", best),
        (f"processing, Celery with results ({best_results and best_results[8:]})", "process", best_results),
        ("processing from the first task's run, Celery's best", "process-first", best),
    ]
    print(f"{'figure (tasks/s, medians)':<56} {'Coda':>9} {'Celery':>9} {'Coda/Celery':>12}")
    for label, dk, ck in rows:
        if ck not in c:
            continue
        ours = d.get(dk)
        ratio = f"{ours / c[ck]:.1f}" if ours else "-"
        print(f"{label:<56} {ours and f'{ours:,.0f}' or 'n/a':>9} {c[ck]:>9,.0f} {ratio:>12}")
    print("\nCelery, every figure:", ", ".join(f"{k} {v:,.0f}" for k, v in sorted(c.items())))


if __name__ == "__main__":
    main(*sys.argv[1:3])
