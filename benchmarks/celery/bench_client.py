"""Producer / timer side of celery_bench.sh.  Run with /usr/bin/python3.

  bench_client.py enqueue N TASK       delay() N tasks one at a time, timed
  bench_client.py group N TASK         group(N signatures).apply_async(), timed
  bench_client.py wait N TIMEOUT T0 PID.. wait for the first and the last completion
                                       (T0: worker start, epoch seconds)
  bench_client.py quiet CPUS MAXWAIT  wait for a second with < CPUS busy CPUs
  bench_client.py check                print queue length / unacked messages
  bench_client.py table FILE...        min/median/max table of raw results files

Each measuring command prints one line "key=value ..." for the shell script.
"""
import os
import statistics
import sys
import time

import redis

import noop_tasks

KEY = noop_tasks.KEY
CLK = os.sysconf("SC_CLK_TCK")


def _r():
    return redis.Redis.from_url(noop_tasks.BROKER)


def _task(name):
    return {"noop": noop_tasks.noop, "noop_count": noop_tasks.noop_count}[name]


def _cpu():
    t = os.times()
    return t.user + t.system


def _machine():
    """(wall seconds, busy CPU-seconds of the whole machine) from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    # user nice system idle iowait irq softirq steal
    return time.time(), (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / CLK


def _others(m0, m1, ours):
    """Average number of CPUs kept busy by everything except `ours` CPU-seconds
    (our worker(s)/producer and redis-server) between the samples m0 and m1."""
    return max(0.0, (m1[1] - m0[1] - ours) / (m1[0] - m0[0]))


def quiet(threshold, max_wait):
    """Wait (at most max_wait seconds) for a 1 s window in which the machine
    uses less than `threshold` CPUs; print what was seen."""
    t_end, busy = time.time() + max_wait, None
    while True:
        m0 = _machine()
        time.sleep(1)
        m1 = _machine()
        busy = _others(m0, m1, 0)
        if busy < threshold or time.time() >= t_end:
            break
    print(f"busy_cpus={busy:.2f} waited={max_wait - max(0, t_end - time.time()):.0f}")


def enqueue(n, task):
    task = _task(task)
    r = _r()
    c0, s0, m0, t0 = _cpu(), _redis_cpu(r), _machine(), time.perf_counter()
    for i in range(n):
        task.delay(i)
    t1, m1, s1, c1 = time.perf_counter(), _machine(), _redis_cpu(r), _cpu()
    _report(n, t1 - t0, c1 - c0, s1 - s0, m0, m1)


def _report(n, secs, cpu, redis_cpu, m0, m1):
    print(f"rate={n / secs:.1f} secs={secs:.3f} "
          f"cpu_per_task_us={cpu / n * 1e6:.0f} "
          f"redis_cpu_per_task_us={redis_cpu / n * 1e6:.0f} "
          f"other_cpus={_others(m0, m1, cpu + redis_cpu):.2f}")


def group(n, task):
    from celery import group as g
    task = _task(task)
    r = _r()
    c0, s0, m0, t0 = _cpu(), _redis_cpu(r), _machine(), time.perf_counter()
    g(task.s(i) for i in range(n)).apply_async()
    t1, m1, s1, c1 = time.perf_counter(), _machine(), _redis_cpu(r), _cpu()
    _report(n, t1 - t0, c1 - c0, s1 - s0, m0, m1)


def _tree_cpu(pids):
    """utime+stime (seconds) of the given processes and all their descendants."""
    total, todo, seen = 0, list(pids), set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total / CLK


def _redis_cpu(r):
    info = r.info("cpu")
    return info["used_cpu_user"] + info["used_cpu_sys"]


def wait(n, timeout, pids, started):
    """Block until the task marked first and the one marked last have pushed
    their completion times (and the queue is drained); report
    (n-1)/(last-first) plus the CPU time the worker process tree, redis-server
    and the rest of the machine used in between."""
    r = _r()
    deadline = time.time() + timeout
    got = r.blpop(KEY + "first", timeout=max(1, int(deadline - time.time())))
    if got is None:
        print("rate=TIMEOUT")
        return 1
    w0, s0, m0 = _tree_cpu(pids), _redis_cpu(r), _machine()
    first = float(got[1])
    got = r.blpop(KEY + "last", timeout=max(1, int(deadline - time.time())))
    if got is None:
        print("rate=TIMEOUT")
        return 1
    w1, s1, m1 = _tree_cpu(pids), _redis_cpu(r), _machine()
    last = float(got[1])
    # With several workers (or a big prefetch) another worker may still hold
    # earlier tasks when task N-1 finishes: the run ends when the queue and
    # the transport's unacked set are empty too (tasks are acked just before
    # they run; with acks_late just after).
    tail = 0.0
    while True:
        p = r.pipeline()
        p.llen("celery")
        p.hlen("unacked")
        if not any(p.execute()):
            break
        tail = max(0.0, time.time() - last)
        if time.time() > deadline:
            print("rate=TIMEOUT")
            return 1
        time.sleep(0.002)
    last += tail
    print(f"rate={(n - 1) / (last - first):.1f} secs={last - first:.3f} "
          f"startup={first - started:.2f} tail={tail * 1000:.0f}ms "
          f"worker_cpu_per_task_us={(w1 - w0) / (n - 1) * 1e6:.0f} "
          f"redis_cpu_per_task_us={(s1 - s0) / (n - 1) * 1e6:.0f} "
          f"other_cpus={_others(m0, m1, (w1 - w0) + (s1 - s0)):.2f}")
    return 0


def check():
    r = _r()
    print(f"queued={r.llen('celery')} unacked={r.hlen('unacked')} "
          f"count={int(r.get(KEY + 'count') or 0)}")


def table(paths, quiet_below=0.25):
    """Raw lines: label, rate, load1, other_cpus, own CPU µs/task, redis CPU
    µs/task (tab separated) -> one line per label with min/median/max, over
    all runs and over the runs during which the rest of the machine kept less
    than `quiet_below` CPUs busy."""
    rows = {}
    for path in paths:
        for line in open(path):
            p = line.rstrip("\n").split("\t")
            if len(p) < 6 or p[1] in ("", "TIMEOUT"):
                continue
            rows.setdefault(p[0], []).append(p)
    w = max([len(k) for k in rows] + [11])
    med = statistics.median
    for title, keep in (("all runs", lambda p: True),
                        (f"quiet runs only (other load < {quiet_below} CPUs)",
                         lambda p: float(p[3]) < quiet_below)):
        print(f"{title}:")
        print(f"{'':<{w}}  {'':>2}  {'tasks/s':^25}  {'CPU µs/task':^13}  other load")
        print(f"{'measurement':<{w}}  {'n':>2}  {'min':>7} {'median':>8} {'max':>7}  "
              f"{'own':>5} {'redis':>6}  CPUs (median) / load1 of each run")
        for label, all_ps in rows.items():
            ps = [p for p in all_ps if keep(p)]
            if not ps:
                print(f"{label:<{w}}   0")
                continue
            rates = sorted(float(p[1]) for p in ps)
            print(f"{label:<{w}}  {len(ps):>2}  {rates[0]:>7.0f} {med(rates):>8.0f} "
                  f"{rates[-1]:>7.0f}  {med(float(p[4]) for p in ps):>5.0f} "
                  f"{med(float(p[5]) for p in ps):>6.0f}  "
                  f"{med(float(p[3]) for p in ps):.2f} / {' '.join(p[2] for p in ps)}")
        print()
    print("own = producer process (enqueue) or worker process tree (process); "
          "other load = CPUs busy with\nprocesses other than ours and "
          "redis-server during the timed window (the machine has "
          f"{os.cpu_count()}).")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "enqueue":
        enqueue(int(args[0]), args[1])
    elif cmd == "group":
        group(int(args[0]), args[1])
    elif cmd == "wait":
        sys.exit(wait(int(args[0]), float(args[1]), [int(p) for p in args[3:]],
                      float(args[2])))
    elif cmd == "quiet":
        quiet(float(args[0]), float(args[1]))
    elif cmd == "check":
        check()
    elif cmd == "table":
        table(args)
    else:
        sys.exit(__doc__)
