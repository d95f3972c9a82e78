"""Celery 5 no-op throughput on one broker, the reference for Coda's Redis and RabbitMQ engines.

  python broker_bench.py BROKER_URL [N] [ROUNDS] [CONFIGS]
    BROKER_URL  redis://127.0.0.1:6379/0 or amqp://guest:guest@127.0.0.1:5672//
    N           tasks per figure (default 20000); ROUNDS (default 2): the first is a warm-up of N/4 tasks
    CONFIGS     worker configurations, comma separated (default: all of WORKERS below; "+results" after
                a name stores every result in Redis, db of BENCH_RESULTS_URL, default redis://127.0.0.1:6379/0)

Every measurement runs on queue names of its own (celery-bench-<pid>-<n>; on Redis the other keys
are named <that>:...), deleted afterwards. Per round:
  enqueue, 1 at a time      N noop.apply_async() calls from one thread (on RabbitMQ also with publisher confirms)
  enqueue, group of 1000    group(1000 signatures).apply_async() until N
  enqueue, one producer     N apply_async(producer=p) on one producer and connection (also fills the queue)
  process, CONFIG           the queue filled with N tasks, start the worker(s); tasks/s from the first task
                            accepted to the last one finished (and from the workers' start); then the broker
                            queue must be empty and nothing unacknowledged (with +results: N results stored).
Measured rounds print "RESULT<TAB>figure<TAB>tasks/s" lines for benchmarks/brokers.sh.
"""
import glob
import os
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS_URL = os.environ.get("BENCH_RESULTS_URL", "redis://127.0.0.1:6379/0")
# name: (worker processes, pool, concurrency of each, worker_prefetch_multiplier or None for Celery's 4)
WORKERS = {
    "prefork-c2": (1, "prefork", 2, None),
    "threads-c4": (1, "threads", 4, 64),
    "solo": (1, "solo", 1, 256),
    "2xsolo": (2, "solo", 1, 256),
}
_counter = 0


def env(broker, prefix, **extra):
    e = dict(os.environ, BENCH_BROKER=broker, BENCH_PREFIX=prefix)
    e.update({k: v for k, v in extra.items() if v is not None})
    return e


def fresh_prefix():
    global _counter
    _counter += 1
    return f"celery-bench-{os.getpid()}-{_counter}"


def producer(mode, n):
    """Runs in a child process, whose environment names the broker and prefix: enqueues n tasks, prints the seconds."""
    from celery import group
    from broker_app import app, noop
    t0 = time.perf_counter()
    if mode == "single":
        for i in range(n):
            noop.apply_async((i,))
    elif mode == "group":
        for start in range(0, n, 1000):
            group(noop.s(i) for i in range(start, min(n, start + 1000))).apply_async()
    elif mode == "producer":
        with app.producer_or_acquire() as p:
            for i in range(n):
                noop.apply_async((i,), producer=p)
    print(time.perf_counter() - t0)


def enqueue(broker, prefix, mode, n, **extra):
    out = subprocess.run([sys.executable, __file__, "_produce", mode, str(n)], env=env(broker, prefix, **extra),
                         cwd=HERE, check=True, capture_output=True, text=True).stdout
    return n / float(out.split()[-1])


def broker_state():
    """Runs in a child process: prints messages ready in the queue, unacknowledged (Redis), results stored."""
    from broker_app import app, BROKER, PREFIX as prefix
    import redis
    unacked = results = 0
    if BROKER.startswith("redis"):
        r = redis.Redis.from_url(BROKER)
        ready, unacked = r.llen(prefix), r.hlen(prefix + ":unacked")
    else:
        with app.connection_for_write() as conn:
            ready = conn.default_channel.queue_declare(queue=prefix, passive=True).message_count
    if os.environ.get("BENCH_RESULTS"):
        r = redis.Redis.from_url(os.environ["BENCH_RESULTS"])
        results = sum(1 for _ in r.scan_iter(match=prefix + ":celery-task-meta-*", count=1000))
    print(ready, unacked, results)


def delete(broker, prefix):
    """Deletes the queue and exchange (on Redis their keys), and every key PREFIX:* (Redis: unacked, results)."""
    code = ("from broker_app import app, PREFIX\n"
            "with app.connection_for_write() as c:\n"
            "    ch = c.default_channel\n"
            "    ch.queue_delete(PREFIX)\n"
            "    ch.exchange_delete(PREFIX)\n")
    subprocess.run([sys.executable, "-c", code], env=env(broker, prefix), cwd=HERE, check=True)
    import redis
    for url in {broker, RESULTS_URL} if broker.startswith("redis") else {RESULTS_URL}:
        r = redis.Redis.from_url(url)
        keys = list(r.scan_iter(match=prefix + ":*", count=1000)) + [prefix, "_kombu.binding." + prefix]
        for i in range(0, len(keys), 1000):
            r.delete(*keys[i:i + 1000])


def worker_env(config):
    """The environment variables of a worker configuration (the producer needs them too: since Celery 5.3 a
    message carries its task's ignore_result)."""
    name, _, results = config.partition("+")
    prefetch = WORKERS[name][3]
    return dict(BENCH_PREFETCH=prefetch and str(prefetch), BENCH_RESULTS=RESULTS_URL if results else None)


def process(broker, prefix, config, n, timeout=300):
    name, _, results = config.partition("+")
    count, pool, concurrency, _ = WORKERS[name]
    extra = worker_env(config)
    status = tempfile.mkdtemp(prefix="celery-bench-")
    started = time.time()
    log = open(f"{status}/workers.log", "w")  # Celery's warnings (e.g. running as root) and errors
    workers = [subprocess.Popen([sys.executable, "broker_app.py", "worker", pool, str(concurrency), f"{status}/{k}.status"],
                                env=env(broker, prefix, **extra), cwd=HERE, start_new_session=True, stdout=log, stderr=log)
               for k in range(count)]
    try:
        while True:
            rows = []
            for path in glob.glob(status + "/*.status"):
                with open(path) as f:
                    rows.append([float(x) for x in f.read().split()])
            if sum(r[0] for r in rows) >= n:
                break
            if time.time() - started > timeout or any(w.poll() is not None for w in workers):
                raise RuntimeError(f"{config}: {sum(r[0] for r in rows)} of {n} tasks ran; see {status}/workers.log")
            time.sleep(0.01)
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        for w in workers:
            try:
                w.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(w.pid, signal.SIGKILL)
                w.wait()
    first, last = min(r[1] for r in rows), max(r[2] for r in rows)
    out = subprocess.run([sys.executable, __file__, "_check"], env=env(broker, prefix, **extra), cwd=HERE,
                         check=True, capture_output=True, text=True).stdout
    ready, unacked, stored = (int(x) for x in out.split())
    if ready or unacked or (results and stored != n):
        raise RuntimeError(f"{config}: {ready} left in the queue, {unacked} unacked, {stored} results stored")
    check = f"queue empty, nothing unacked{f', {stored} results stored' if results else ''}"
    return n / (last - first), n / (last - started), check


def main(broker, n, rounds, configs):
    import celery, kombu
    print(f"Celery {celery.__version__}, kombu {kombu.__version__}, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs; broker {broker.split('@')[-1]}; N={n}, rounds={rounds} (the first a warm-up); "
          f"loadavg {open('/proc/loadavg').read().strip()}")
    amqp = broker.startswith("amqp")
    for rnd in range(1, rounds + 1):
        m = max(1000, n // 4) if rnd == 1 and rounds > 1 else n
        print(f"== round {rnd}{' (warm-up)' if rnd == 1 and rounds > 1 else ''}: {m} tasks per figure")

        def report(key, what, rate, note=""):
            print(f"   {what:<58} {rate:>9,.0f} tasks/s {note}", flush=True)
            if rnd > 1 or rounds == 1:
                print(f"RESULT\t{key}\t{rate:.0f}")

        for mode, key, what, extra in [
                ("single", "enqueue-single", "enqueue, 1 at a time (apply_async)", {}),
                ("single", "enqueue-single-confirm", "enqueue, 1 at a time, publisher confirms", {"BENCH_CONFIRM": "1"}),
                ("group", "enqueue-group", "enqueue, group(1000 signatures).apply_async()", {})]:
            if key.endswith("confirm") and not amqp:
                continue
            prefix = fresh_prefix()
            try:
                report(key, what, enqueue(broker, prefix, mode, m, **extra))
            finally:
                delete(broker, prefix)
        for config in configs:
            prefix = fresh_prefix()
            try:
                rate = enqueue(broker, prefix, "producer", m, **worker_env(config))
                report("enqueue-producer", "enqueue, 1 at a time on one producer", rate)
                rate, from_start, check = process(broker, prefix, config, m)
                report(f"process-{config}", f"process, {config}", rate, f"({check})")
                report(f"process-{config}-from-start", f"  the same from the workers' start", from_start)
            finally:
                delete(broker, prefix)
    print(f"loadavg at the end: {open('/proc/loadavg').read().strip()}")


if __name__ == "__main__":
    if sys.argv[1] == "_produce":
        producer(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "_check":
        broker_state()
    else:
        a = sys.argv[1:]
        main(a[0], int(a[1]) if len(a) > 1 else 20000, int(a[2]) if len(a) > 2 else 2,
             a[3].split(",") if len(a) > 3 else list(WORKERS))
