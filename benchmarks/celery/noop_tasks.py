"""No-op Celery tasks for celery_bench.sh (Celery 5 + Redis broker).

Settings come from environment variables so that the same module serves the
worker and the producer:

  BENCH_BROKER      broker URL            (default redis://127.0.0.1:6379/7)
  BENCH_N           tasks per run; task number BENCH_N-1 is the last one
  BENCH_PREFETCH    worker_prefetch_multiplier (unset: Celery default, 4)
  BENCH_ACKS_LATE   1 to set task_acks_late    (unset: Celery default, False)

Nothing else is changed from Celery's defaults except task_ignore_result=True
(no result backend is configured anyway).
"""
import os
import time

import redis
from celery import Celery

BROKER = os.environ.get("BENCH_BROKER", "redis://127.0.0.1:6379/7")
N = int(os.environ.get("BENCH_N", "20000"))
KEY = "coda-bench:"  # marker keys live in the same (private) database

app = Celery("noop_tasks", broker=BROKER)
app.conf.task_ignore_result = True
if os.environ.get("BENCH_PREFETCH"):
    app.conf.worker_prefetch_multiplier = int(os.environ["BENCH_PREFETCH"])
if os.environ.get("BENCH_ACKS_LATE"):
    app.conf.task_acks_late = os.environ["BENCH_ACKS_LATE"] == "1"

_r = None


def _redis():
    global _r
    if _r is None:
        _r = redis.Redis.from_url(BROKER)
    return _r


@app.task(ignore_result=True)
def noop(i):
    """A no-op.  Only the first and the last of a run (i == 0 and i == N-1)
    push their completion time to a list (the
    driver waits on it with BLPOP), so the N-2 others do no I/O at all."""
    if i == 0 or i == N - 1:
        _redis().rpush(KEY + ("first" if i == 0 else "last"), repr(time.time()))


@app.task(ignore_result=True)
def noop_count(i):
    """A no-op that counts its completions (one Redis INCR per task) and
    writes the time of the first and of the N-th completion.  Used to check
    the marker method of `noop` (which assumes FIFO order)."""
    n = _redis().incr(KEY + "count")
    if n == 1:
        _redis().rpush(KEY + "first", repr(time.time()))
    if n == N:
        _redis().rpush(KEY + "last", repr(time.time()))
