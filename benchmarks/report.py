#!/usr/bin/env python3
"""Summarises the raw records of benchmarks/load.sh: python3 report.py RAW.jsonl OUT.json

Writes OUT.json (the summary, then every raw record) and OUT.md (the tables), prints the tables, and exits
non-zero when a check fails (a task missing, an error response, a server that did not drain). Targets are
reported as figures and met/missed; a missed target does not fail the run.
"""
import json
import statistics
import sys
from collections import defaultdict

raw_path, out_path = sys.argv[1], sys.argv[2]
records = [json.loads(line) for line in open(raw_path) if line.strip()]
meta = next((r for r in records if r["type"] == "meta"), {})


def rps(w):
    return w["requests"] / w["duration_us"] * 1e6


def spread(values):
    values = list(values)
    if not values:
        return None
    return {"min": min(values), "median": statistics.median(values), "max": max(values), "runs": values}


# ------------------------------------------------------------------ throughput and latency per scenario
measures = defaultdict(list)          # (scenario, connections) -> [record]
for r in records:
    if r["type"] == "wrk" and r["label"] == "measure":
        measures[(r["scenario"], r["connections"])].append(r)

throughput = {}
for (scenario, conns), rs in sorted(measures.items()):
    rs.sort(key=lambda r: r["run"])
    throughput.setdefault(scenario, {})[str(conns)] = {
        "req_per_s": spread(round(rps(r["wrk"]), 1) for r in rs),
        "p50_ms": spread(r["wrk"]["latency_us"]["p50"] / 1e3 for r in rs),
        "p99_ms": spread(r["wrk"]["latency_us"]["p99"] / 1e3 for r in rs),
        "rss_mib_max": spread(round(r["rss_kb_max"] / 1024, 1) for r in rs),
        # server CPU time (user + system, all its threads and processes) per response: load-independent-ish efficiency
        "cpu_us_per_request": spread(round(r["cpu_s"] / max(r["wrk"]["requests"], 1) * 1e6, 1) for r in rs),
        "errors": [r["wrk"]["errors"] for r in rs],
        "load1": [r["load1"] for r in rs],
    }


def paired_ratio(a, b, conns):
    """a/b req/s, paired run by run (both measured in the same run of the script)."""
    ra = {r["run"]: rps(r["wrk"]) for r in measures.get((a, conns), [])}
    rb = {r["run"]: rps(r["wrk"]) for r in measures.get((b, conns), [])}
    runs = sorted(set(ra) & set(rb))
    return spread(round(ra[k] / rb[k], 3) for k in runs)


connections = sorted({c for (_, c) in measures})
ratios = {"coda/ceiling": {}, "coda/fastapi": {}}
if any(s == "coda-before" for (s, _) in measures):
    ratios["coda-before/ceiling"] = {}
    ratios["coda/coda-before"] = {}
for c in connections:
    if ("coda-before", c) in measures and ("ceiling", c) in measures:
        ratios["coda-before/ceiling"][str(c)] = paired_ratio("coda-before", "ceiling", c)
        ratios["coda/coda-before"][str(c)] = paired_ratio("coda", "coda-before", c)
    if ("coda", c) in measures and ("ceiling", c) in measures:
        ratios["coda/ceiling"][str(c)] = paired_ratio("coda", "ceiling", c)
    if ("coda", c) in measures and ("fastapi", c) in measures:
        ratios["coda/fastapi"][str(c)] = paired_ratio("coda", "fastapi", c)

# ------------------------------------------------------------------ every task of every request ran
checks = []
failures = []
by_server = defaultdict(list)
for r in records:
    if r["type"] == "wrk":
        by_server[(r["run"], r["scenario"])].append(r)
for r in records:
    if r["type"] != "server":
        continue
    runs = by_server[(r["run"], r["scenario"])]
    responses = sum(w["wrk"]["requests"] for w in runs)
    bad = sum(w["wrk"]["errors"]["status"] for w in runs)
    sent = sum(w["wrk"]["sent"] for w in runs)
    socket_errors = sum(w["wrk"]["errors"][k] for w in runs for k in ("connect", "read", "write", "timeout"))
    check = {"run": r["run"], "scenario": r["scenario"], "responses": responses, "non_2xx": bad, "sent": sent,
             "socket_errors": socket_errors, "stop_seconds": r["stop_seconds"]}
    problems = []
    if r["kind"] == "sink":    # tutorial002 on a stalled log.txt: 503s are expected; every 200's two tasks must have run
        posts = [w for w in by_server[(r["run"], r["scenario"] + "-post")] if w["label"] == "sink"]
        ok_posts = sum(w["wrk"]["requests"] - w["wrk"]["errors"]["status"] for w in posts)
        sent_posts = sum(w["wrk"]["sent"] for w in posts)
        lines, found, message = r["log_lines"], r["found_lines"], r["message_lines"]
        check.update(responses=sum(w["wrk"]["requests"] for w in posts), non_2xx=sum(w["wrk"]["errors"]["status"] for w in posts),
                     sent=sent_posts, log_lines=lines, found_lines=found, message_lines=message, expected_min=2 * ok_posts)
        if found + message != lines or found != message:
            problems.append(f"{lines} lines: {found} 'found query', {message} 'message to'")
        if not (2 * ok_posts <= lines <= 2 * sent_posts):
            problems.append(f"{lines} lines, outside [2 x {ok_posts} responses 200, 2 x {sent_posts} requests sent]: tasks lost")
        check["ok"] = not problems
        check["problems"] = problems
        checks.append(check)
        if problems:
            failures.append(f"run {r['run']} {r['scenario']}: " + "; ".join(problems))
        continue
    if bad:
        problems.append(f"{bad} non-2xx responses")
    if r["kind"] == "tasks":   # tutorial002: two appends per request
        ok_responses = responses - bad
        lines, found, message = r["log_lines"], r["found_lines"], r["message_lines"]
        answered_after_stop = lines / 2 - ok_responses
        check.update(log_lines=lines, found_lines=found, message_lines=message, expected_min=2 * ok_responses,
                     expected_max=2 * sent, requests_answered_after_wrk_stopped=answered_after_stop)
        if found + message != lines:
            problems.append(f"{lines - found - message} unexpected lines in log.txt")
        if found != message:
            problems.append(f"{found} 'found query' lines but {message} 'message to' lines")
        if not (2 * ok_responses <= lines <= 2 * sent):
            problems.append(f"{lines} lines, outside [2 x {ok_responses} responses, 2 x {sent} requests sent]")
    elif r["kind"] == "latency":
        n, t, per = r["server_requests"], r["server_tasks"], r["tasks_per_request"]
        check.update(server_requests=n, server_tasks=t, tasks_per_request=per)
        if t != per * n:
            problems.append(f"{t} tasks completed, expected {per} x {n} requests")
        if not (responses - bad <= n <= sent):
            problems.append(f"server answered {n} requests, outside [{responses - bad} responses, {sent} sent]")
    check["ok"] = not problems
    check["problems"] = problems
    checks.append(check)
    if problems:
        failures.append(f"run {r['run']} {r['scenario']}: " + "; ".join(problems))

# Coda and the ceiling must answer the same bytes (status line, headers but Date, body)
answers = defaultdict(dict)
for r in records:
    if r["type"] == "answer":
        answers[r["run"]][r["scenario"]] = r["text"]
for run, by in sorted(answers.items()):
    if "coda" in by and "ceiling" in by:   # (coda-before may differ: it is another build)
        same = by["coda"] == by["ceiling"]
        checks.append({"run": run, "scenario": "coda = ceiling answer", "responses": 1, "sent": 1, "ok": same,
                       "problems": [] if same else ["Coda and the ceiling answer differently"]})
        if not same:
            failures.append(f"run {run}: Coda and the ceiling answer differently:\n{by['coda']}\n---\n{by['ceiling']}")

# ------------------------------------------------------------------ latency with and without 100 ms tasks
lat = {}
for variant in ("latency-none", "latency-tasks-100ms"):
    rs = sorted(measures.get((variant, meta.get("latency_connections", 64)), []), key=lambda r: r["run"])
    if rs:
        lat[variant] = {
            "req_per_s": spread(round(rps(r["wrk"]), 1) for r in rs),
            "p50_ms": spread(r["wrk"]["latency_us"]["p50"] / 1e3 for r in rs),
            "p99_ms": spread(r["wrk"]["latency_us"]["p99"] / 1e3 for r in rs),
            "p999_ms": spread(r["wrk"]["latency_us"]["p999"] / 1e3 for r in rs),
            "max_ms": spread(r["wrk"]["latency_us"]["max"] / 1e3 for r in rs),
        }
latency_ratio = None
if len(lat) == 2:
    none = {r["run"]: r["wrk"]["latency_us"]["p99"] for r in measures[("latency-none", meta.get("latency_connections", 64))]}
    tasks = {r["run"]: r["wrk"]["latency_us"]["p99"] for r in measures[("latency-tasks-100ms", meta.get("latency_connections", 64))]}
    latency_ratio = spread(round(tasks[k] / none[k], 3) for k in sorted(set(none) & set(tasks)))

# ------------------------------------------------------------------ slow sink: tasks blocked, requests without tasks
sink = {}
for r in records:
    if r["type"] == "wrk" and r["label"] == "sink":
        sink.setdefault(r["scenario"], []).append(r)
sink_table = {}
for name, rs in sorted(sink.items()):
    rs.sort(key=lambda r: r["run"])
    sink_table[name] = {
        "req_per_s": spread(round(rps(r["wrk"]), 1) for r in rs),
        "non_2xx_share": spread(round(r["wrk"]["errors"]["status"] / max(r["wrk"]["requests"], 1), 3) for r in rs),
        "p50_ms": spread(r["wrk"]["latency_us"]["p50"] / 1e3 for r in rs),
        "p99_ms": spread(r["wrk"]["latency_us"]["p99"] / 1e3 for r in rs),
        "max_ms": spread(r["wrk"]["latency_us"]["max"] / 1e3 for r in rs),
        "timeouts": [r["wrk"]["errors"]["timeout"] for r in rs],
    }
sink_nope_p99_ratio = None
if "sink-slow-nope" in sink and "sink-normal-nope" in sink:
    slow = {r["run"]: r["wrk"]["latency_us"]["p99"] for r in sink["sink-slow-nope"]}
    normal = {r["run"]: r["wrk"]["latency_us"]["p99"] for r in sink["sink-normal-nope"]}
    sink_nope_p99_ratio = spread(round(slow[k] / max(normal[k], 1), 3) for k in sorted(set(slow) & set(normal)))

heap = next((r["result"] for r in records if r["type"] == "heap"), None)
jmh = next((r["result"] for r in records if r["type"] == "jmh"), None)
jmh_scores = {}
if jmh:
    for b in jmh:
        name = b["benchmark"].rsplit(".", 2)[-2] + "." + b["benchmark"].rsplit(".", 1)[-1]
        if b.get("params"):
            name += "[" + ",".join(f"{k}={v}" for k, v in b["params"].items()) + "]"
        pm = b["primaryMetric"]
        secondary = b.get("secondaryMetrics", {})
        alloc = secondary.get("gc.alloc.rate.norm")
        # TasksBenchmark.RequestSide: the dispatching thread's own time, and the tasks it dispatched meanwhile
        side_nanos, side_tasks = secondary.get("requestSideNanos"), secondary.get("requestSideTasks")
        request_side = (round(side_nanos["score"] / side_tasks["score"], 1)
                        if side_nanos and side_tasks and side_tasks["score"] > 0 else None)
        jmh_scores[name] = {"score": round(pm["score"], 1), "error": round(pm["scoreError"], 1), "unit": pm["scoreUnit"],
                            "alloc_bytes_per_op": round(alloc["score"], 1) if alloc else None,
                            "request_side_ns_per_task": request_side}

# ------------------------------------------------------------------ targets
# "yes": met in every run; "median": met by the median of the runs, not by every run; "NO": the median misses it.
targets = []


def target(name, figure, limit, every, median):
    targets.append({"target": name, "figure": figure, "limit": limit,
                    "met": "yes" if every else "median" if median else "NO"})


for c, s in ratios["coda/ceiling"].items():
    target(f"Coda tutorial002 >= 0.85 x ceiling req/s ({c} conn)", s, ">= 0.85", s["min"] >= 0.85, s["median"] >= 0.85)
for c, s in ratios["coda/fastapi"].items():
    target(f"Coda tutorial002 >= 8 x FastAPI req/s ({c} conn)", s, ">= 8", s["min"] >= 8, s["median"] >= 8)
if latency_ratio:
    target("p99 with 100 ms tasks <= 1.2 x p99 without", latency_ratio, "<= 1.2", latency_ratio["max"] <= 1.2,
           latency_ratio["median"] <= 1.2)
if sink_nope_p99_ratio:
    target("GET /nope p99 with every task blocked on a slow sink <= 3 x p99 with a normal sink", sink_nope_p99_ratio, "<= 3",
           sink_nope_p99_ratio["max"] <= 3, sink_nope_p99_ratio["median"] <= 3)
if heap:
    for shape in ("framework", "tutorial002"):
        if shape in heap:
            target(f"heap per queued task <= 1 KB ({shape})", {k: heap[shape][k] for k in ("min", "median", "max")},
                   "<= 1024 B", heap[shape]["max"] <= 1024, heap[shape]["median"] <= 1024)
if jmh_scores:
    for name, s in jmh_scores.items():
        if "Dispatch" in name:   # JMH gives one score and its 99.9% error: "yes" when score + error is within the limit
            target(f"addTask + dispatch <= 1 us per task ({name})", s, "<= 1000 ns", s["score"] + s["error"] <= 1000,
                   s["score"] <= 1000)
            side = s.get("request_side_ns_per_task")
            if side is not None:   # one figure per run (no error bar): "yes" when it is within the limit
                target(f"addTask + dispatch <= 1 us per task, on the request's thread ({name})",
                       {"request_side_ns_per_task": side}, "<= 1000 ns", side <= 1000, side <= 1000)

summary = {"meta": meta, "throughput": throughput, "ratios": ratios, "latency": lat, "latency_p99_ratio": latency_ratio,
           "slow_sink": sink_table, "slow_sink_nope_p99_ratio": sink_nope_p99_ratio,
           "heap_per_task": heap, "jmh": jmh_scores, "checks": checks, "targets": targets, "failures": failures}

# ------------------------------------------------------------------ tables
md = []


def fmt(s, f="{:.0f}"):
    if s is None:
        return "-"
    if s["min"] == s["max"]:
        return f.format(s["min"])
    return f.format(s["median"]) + " (" + f.format(s["min"]) + "–" + f.format(s["max"]) + ")"


md.append(f"Machine: {meta.get('machine', {}).get('cores')} cores, {meta.get('machine', {}).get('cpu')}, "
          f"{meta.get('machine', {}).get('java_version', ['?'])[0]}; load average before: {meta.get('loadavg_before')}, "
          f"after: {meta.get('loadavg_after')}; {meta.get('runs')} runs of {meta.get('duration_s')} s per point "
          f"(median, min–max across runs).")
md.append("")
md.append("| scenario | conn | req/s | p50 ms | p99 ms | server CPU µs/req | RSS MiB (max) |")
md.append("|---|---:|---:|---:|---:|---:|---:|")
for scenario in ("coda", "coda-before", "ceiling", "fastapi", "items-get", "items-put"):
    for c, t in sorted(throughput.get(scenario, {}).items(), key=lambda kv: int(kv[0])):
        md.append(f"| {scenario} | {c} | {fmt(t['req_per_s'])} | {fmt(t['p50_ms'], '{:.2f}')} | "
                  f"{fmt(t['p99_ms'], '{:.2f}')} | {fmt(t['cpu_us_per_request'])} | {fmt(t['rss_mib_max'])} |")
md.append("")
md.append("| ratio (paired per run) | " + " | ".join(f"{c} conn" for c in connections) + " |")
md.append("|---|" + "---:|" * len(connections))
for name, by_c in ratios.items():
    md.append(f"| {name} | " + " | ".join(fmt(by_c.get(str(c)), "{:.2f}") for c in connections) + " |")
if lat:
    md.append("")
    md.append("| latency app | req/s | p50 ms | p99 ms | p99.9 ms |")
    md.append("|---|---:|---:|---:|---:|")
    for v, t in lat.items():
        md.append(f"| {v} | {fmt(t['req_per_s'])} | {fmt(t['p50_ms'], '{:.2f}')} | {fmt(t['p99_ms'], '{:.2f}')} | "
                  f"{fmt(t['p999_ms'], '{:.2f}')} |")
    md.append(f"\np99 ratio (tasks / none, paired per run): {fmt(latency_ratio, '{:.2f}')}")
if sink_table:
    md.append("")
    md.append("| slow sink (wrk) | req/s | non-2xx share | p50 ms | p99 ms | max ms | timeouts |")
    md.append("|---|---:|---:|---:|---:|---:|---|")
    for name, t in sink_table.items():
        md.append(f"| {name} | {fmt(t['req_per_s'])} | {fmt(t['non_2xx_share'], '{:.3f}')} | {fmt(t['p50_ms'], '{:.2f}')} | "
                  f"{fmt(t['p99_ms'], '{:.2f}')} | {fmt(t['max_ms'], '{:.2f}')} | {t['timeouts']} |")
    md.append(f"\nGET /nope p99 ratio (slow sink / normal, paired per run): {fmt(sink_nope_p99_ratio, '{:.2f}')}")
if heap:
    md.append("")
    for shape in ("framework", "tutorial002"):
        if shape in heap:
            md.append(f"Heap per queued task ({shape}): {heap[shape]['median']:.0f} B "
                      f"(min {heap[shape]['min']:.0f}, max {heap[shape]['max']:.0f}, {heap['runs']} runs of {heap['tasks']} tasks)")
if jmh_scores:
    md.append("")
    md.append("| JMH benchmark | score | unit | allocated B/op | request's thread, ns/task |")
    md.append("|---|---:|---|---:|---:|")
    for name, s in jmh_scores.items():
        md.append(f"| {name} | {s['score']} ± {s['error']} | {s['unit']} | {s['alloc_bytes_per_op'] or '-'} | "
                  f"{s.get('request_side_ns_per_task') or '-'} |")
md.append("")
md.append("| check (every task of every request ran) | responses | sent | log lines / server tasks | ok |")
md.append("|---|---:|---:|---:|---|")
for c in checks:
    figure = c.get("log_lines", c.get("server_tasks", "-"))
    md.append(f"| run {c['run']} {c['scenario']} | {c['responses']} | {c['sent']} | {figure} | "
              f"{'ok' if c['ok'] else 'FAILED: ' + '; '.join(c['problems'])} |")
md.append("")
md.append("| target | figure: median (min–max) | met |")
md.append("|---|---|---|")
for t in targets:
    fig = t["figure"]
    if isinstance(fig, dict) and "runs" in fig:
        text = fmt(fig, "{:.2f}")
    elif isinstance(fig, dict) and "score" in fig:
        text = f"{fig['score']} ± {fig['error']} ns/task"
    elif isinstance(fig, dict) and "request_side_ns_per_task" in fig:
        text = f"{fig['request_side_ns_per_task']} ns/task"
    elif isinstance(fig, dict):
        text = f"{fig['median']:.0f} B ({fig['min']:.0f}–{fig['max']:.0f})"
    else:
        text = json.dumps(fig)
    md.append(f"| {t['target']} | {text} | {t['met']} |")

text = "\n".join(md)
print(text)
with open(out_path, "w") as f:
    json.dump({"summary": summary, "raw": records}, f, indent=1)
with open(out_path.rsplit(".", 1)[0] + ".md", "w") as f:
    f.write(text + "\n")
if failures:
    print("\nCHECKS FAILED:\n  " + "\n  ".join(failures), file=sys.stderr)
    sys.exit(1)
