"""The Celery app of broker_bench.py: one no-op task on queue names of its own.

Configured from the environment, so that the producer and the workers agree:
  BENCH_BROKER    broker URL (redis://... or amqp://...)
  BENCH_PREFIX    queue, exchange and routing key name; on Redis also the prefix of the other keys (PREFIX:...)
  BENCH_RESULTS   a Redis URL to store every task's result (keys under the same prefix); unset: none
  BENCH_PREFETCH  worker_prefetch_multiplier (unset: Celery's default, 4)
  BENCH_CONFIRM   1: publisher confirms on RabbitMQ (each publish waits for the broker's ack)

As a worker (started by broker_bench.py):
  python broker_app.py worker POOL CONCURRENCY STATUS_FILE
runs app.Worker (the worker of `celery worker`, without Celery's command line, whose click plug-ins are not
in the local package index) and writes "accepted first_accept_time last_idle_time" to STATUS_FILE whenever
the count of accepted tasks changes and none is running, so that the driver sees when everything ran.
"""
import os
import sys
import threading
import time

from celery import Celery
from celery.signals import worker_ready

BROKER = os.environ["BENCH_BROKER"]
PREFIX = os.environ["BENCH_PREFIX"]
RESULTS = os.environ.get("BENCH_RESULTS", "")

app = Celery("broker_app", broker=BROKER, backend=RESULTS or None)
app.conf.update(
    task_default_queue=PREFIX,
    task_default_exchange=PREFIX,
    task_default_routing_key=PREFIX,
    task_ignore_result=not RESULTS,
    worker_enable_remote_control=False,  # no pidbox queues or fanout exchanges outside the prefix
    broker_connection_retry_on_startup=True,
)
if BROKER.startswith("redis"):  # Celery's own key layout, only the transport's shared keys renamed
    app.conf.broker_transport_options = {f"{k}_key": f"{PREFIX}:{k}" for k in ("unacked", "unacked_index", "unacked_mutex")}
if os.environ.get("BENCH_CONFIRM") == "1":
    app.conf.broker_transport_options = {"confirm_publish": True}
if RESULTS:
    app.conf.result_backend_transport_options = {"global_keyprefix": PREFIX + ":"}
if os.environ.get("BENCH_PREFETCH"):
    app.conf.worker_prefetch_multiplier = int(os.environ["BENCH_PREFETCH"])


@app.task(name="bench.noop", ignore_result=not RESULTS)
def noop(i):
    """Does nothing; with BENCH_RESULTS its result (None) is stored, as Coda records every outcome."""


def _watch(status_file):
    """Polls the worker's own bookkeeping (accepted tasks, running tasks) in the main process."""
    from celery.worker import state
    first, seen = 0.0, 0
    while True:
        accepted = state.all_total_count[0]
        if accepted and not first:
            first = time.time()
        if accepted != seen and not state.active_requests:
            seen = accepted
            with open(status_file + ".tmp", "w") as f:
                f.write(f"{accepted} {first!r} {time.time()!r}\n")
            os.replace(status_file + ".tmp", status_file)
        time.sleep(0.005)


def _work(pool, concurrency, status_file):
    worker_ready.connect(lambda **_: threading.Thread(target=_watch, args=(status_file,), daemon=True).start(),
                         weak=False)
    app.Worker(pool_cls=pool, concurrency=concurrency, hostname=f"{PREFIX}-{os.getpid()}@bench",
               without_gossip=True, without_mingle=True, without_heartbeat=True,
               loglevel="WARNING", quiet=True).start()


if __name__ == "__main__" and sys.argv[1:2] == ["worker"]:
    _work(sys.argv[2], int(sys.argv[3]), sys.argv[4])
