#!/usr/bin/env bash
# Celery 5 + Redis no-op throughput, the reference for Coda's durable tasks.
#
#   benchmarks/celery/celery_bench.sh          # main run: default settings, best single worker,
#                                              # best two workers, plus group() enqueue
#   benchmarks/celery/celery_bench.sh sweep    # every worker configuration below (to pick "best")
#
# Environment (defaults in brackets; sweep defaults in braces):
#   N [20000] {5000}  tasks per measurement
#   REPS [3]          repetitions of every measurement (configurations interleaved)
#   DB [7]            Redis database used, and flushed, by this benchmark (127.0.0.1:6379)
#   CONFIGS           worker configurations to measure, names from WORKER_CONFIGS below
#                     [default best best2w] {all}
#   BEST [solo-pf256] BEST2W [2xsolo-pf256]   what "best" and "best2w" stand for
#   GROUP [1] {0}     also measure group(...).apply_async() enqueue
#   DEADLINE [480] {1200}  seconds; no measurement is started after this (the output says so)
#   DRAIN_TIMEOUT [150]    seconds a worker gets to process N tasks before the run is abandoned
#   QUIET [0.5]       before each measurement wait until, for one second, the machine
#   QUIET_WAIT [10]   is less busy than QUIET CPUs, but at most QUIET_WAIT seconds
#   OUT               file for the raw per-run results [a temporary file]
#   KEEP_LOGS [0]     1: keep the worker logs (kept anyway after a timeout or an undrained queue)
#
# Per repetition and configuration: flush the db; enqueue N no-op tasks one at a
# time with noop.delay(i) while no worker runs (-> enqueue rate); start the
# worker(s) on the full queue; task 0 and task N-1 push their completion time to
# a Redis list (the other N-2 tasks do nothing at all) and the client also waits
# until the queue and the unacked set are empty; processing rate =
# (N-1) / (last completion - first completion), so worker start-up is excluded;
# stop the worker(s).  Configurations ending in -count use a task that INCRs a
# counter instead (exact count, but one more Redis round trip per task).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3             # Debian's python: the one that sees python3-celery
MODE=${1:-main}
case $MODE in
  main) ;;
  sweep) N=${N:-5000}; DEADLINE=${DEADLINE:-1200}; GROUP=0 ;;
  *) echo "usage: $0 [main|sweep]" >&2; exit 2 ;;
esac
N=${N:-20000}
REPS=${REPS:-3}
DB=${DB:-7}
GROUP=${GROUP:-1}
DEADLINE=${DEADLINE:-480}
DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-150}
QUIET=${QUIET:-0.5}
QUIET_WAIT=${QUIET_WAIT:-10}
OUT=${OUT:-$(mktemp /tmp/celery_bench.XXXXXX.tsv)}
LOGDIR=$(mktemp -d /tmp/celery_bench_logs.XXXXXX)

# name -> "number of workers;environment;worker options".  Environment knobs
# are read by noop_tasks.py: BENCH_PREFETCH (worker_prefetch_multiplier,
# Celery default 4) and BENCH_ACKS_LATE (task_acks_late, default off).
LEAN="--without-gossip --without-mingle --without-heartbeat"
declare -A WORKER_CONFIGS=(
  [default]="1;;"                                               # plain `celery -A noop_tasks worker` (prefork, concurrency = 2 CPUs)
  [prefork-c2-lean]="1;;--concurrency 2 $LEAN"
  [prefork-c4-lean]="1;;--concurrency 4 $LEAN"
  [prefork-c2-fair]="1;;--concurrency 2 -O fair $LEAN"
  [prefork-c2-ackslate]="1;BENCH_ACKS_LATE=1;--concurrency 2 $LEAN"
  [prefork-c2-pf64]="1;BENCH_PREFETCH=64;--concurrency 2 $LEAN"
  [prefork-c4-pf64]="1;BENCH_PREFETCH=64;--concurrency 4 $LEAN"
  [prefork-c2-pf256]="1;BENCH_PREFETCH=256;--concurrency 2 $LEAN"
  [threads-c2]="1;;--pool threads --concurrency 2 $LEAN"
  [threads-c4]="1;;--pool threads --concurrency 4 $LEAN"
  [threads-c2-pf64]="1;BENCH_PREFETCH=64;--pool threads --concurrency 2 $LEAN"
  [threads-c4-pf64]="1;BENCH_PREFETCH=64;--pool threads --concurrency 4 $LEAN"
  [solo]="1;;--pool solo $LEAN"
  [solo-pf64]="1;BENCH_PREFETCH=64;--pool solo $LEAN"
  [solo-pf256]="1;BENCH_PREFETCH=256;--pool solo $LEAN"
  [solo-pf256-plain]="1;BENCH_PREFETCH=256;--pool solo"          # without the three --without-* options
  [2xsolo-pf64]="2;BENCH_PREFETCH=64;--pool solo $LEAN"       # two worker processes, one solo pool each
  [2xsolo-pf256]="2;BENCH_PREFETCH=256;--pool solo $LEAN"
  # task_acks_late: the message is acked after the task ran, not before (at-least-once)
  [solo-pf256-ackslate]="1;BENCH_PREFETCH=256 BENCH_ACKS_LATE=1;--pool solo $LEAN"
  [2xsolo-pf256-ackslate]="2;BENCH_PREFETCH=256 BENCH_ACKS_LATE=1;--pool solo $LEAN"
  # the same, timed with the INCR counter task (checks the first/last markers):
  [default-count]="1;;"
  [solo-pf256-count]="1;BENCH_PREFETCH=256;--pool solo $LEAN"
  [2xsolo-pf256-count]="2;BENCH_PREFETCH=256;--pool solo $LEAN"
)
SWEEP_ORDER="default prefork-c2-lean prefork-c4-lean prefork-c2-fair prefork-c2-ackslate prefork-c2-pf64 prefork-c4-pf64 prefork-c2-pf256 threads-c2 threads-c4 threads-c2-pf64 threads-c4-pf64 solo solo-pf64 solo-pf256 solo-pf256-plain 2xsolo-pf64 2xsolo-pf256 solo-pf256-ackslate 2xsolo-pf256-ackslate default-count solo-pf256-count 2xsolo-pf256-count"
BEST=${BEST:-solo-pf256}          # best single worker in the sweeps, see RESULTS.md
BEST2W=${BEST2W:-2xsolo-pf256}    # best with two worker processes
if [[ $MODE == sweep ]]; then CONFIGS=${CONFIGS:-$SWEEP_ORDER}; else CONFIGS=${CONFIGS:-default best best2w}; fi
CONFIGS=${CONFIGS//best2w/$BEST2W}; CONFIGS=${CONFIGS//best/$BEST}

# --- prerequisites ----------------------------------------------------------
if ! $PY -c 'import celery, redis' 2>/dev/null; then
  apt-get update && apt-get install -y python3-celery python3-redis
fi
rcli() { redis-cli -h 127.0.0.1 -p 6379 -n "$DB" "$@"; }
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no
  for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

cd "$HERE"
export PYTHONDONTWRITEBYTECODE=1 PYTHONPATH=$HERE BENCH_BROKER=redis://127.0.0.1:6379/$DB BENCH_N=$N
unset BENCH_PREFETCH BENCH_ACKS_LATE

# --- worker control -----------------------------------------------------------
WPIDS=()
start_workers() {  # $1 = count, $2 = env assignments, $3 = options
  local i name=()
  for ((i = 1; i <= $1; i++)); do
    (($1 > 1)) && name=(-n "bench$i@%h")
    # shellcheck disable=SC2086  # options are word lists on purpose
    setsid env $2 $PY -m celery -A noop_tasks worker "${name[@]}" $3 \
      >"$LOGDIR/worker$i.log" 2>&1 &
    WPIDS+=($!)
  done
}
stop_workers() {  # $1 = seconds of grace for the warm shutdown (SIGTERM) before SIGKILL
  local p t grace=${1:-15}
  ((${#WPIDS[@]})) || return 0
  for p in "${WPIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${WPIDS[@]}"; do
    for ((t = 0; t < grace * 10; t++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$p" 2>/dev/null; then
      echo "  worker $p did not stop in $grace s, killing its process group" >&2
      kill -KILL -- "-$p" 2>/dev/null || kill -KILL "$p" 2>/dev/null || true
    fi
    wait "$p" 2>/dev/null || true
  done
  WPIDS=()
}
# The measuring client runs in the background and the script `wait`s for it, so
# that INT/TERM interrupt the wait at once (bash defers traps while a foreground
# child runs) and the workers are stopped without waiting for the drain.
CLIENT=
client() {  # runs bench_client.py "$@", output in R
  $PY bench_client.py "$@" >"$LOGDIR/client.out" &
  CLIENT=$!
  wait "$CLIENT" || true
  CLIENT=
  R=$(<"$LOGDIR/client.out")
}
cleanup() {
  [[ -n $CLIENT ]] && kill -TERM "$CLIENT" 2>/dev/null
  # A prefork worker stopped while the queue is still full takes ~30 s over its
  # warm shutdown; the queue is flushed next anyway, so give it 3 s only.
  stop_workers 3
  rcli flushdb >/dev/null 2>&1 || true
  if ((KEEP_LOGS)); then echo "worker logs kept in $LOGDIR" >&2; else rm -rf "$LOGDIR"; fi
}
KEEP_LOGS=${KEEP_LOGS:-0}
trap cleanup EXIT
trap 'echo "interrupted" >&2; exit 130' INT TERM

# --- measurements --------------------------------------------------------------
T0=$SECONDS
SKIPPED=0
out_of_time() { ((SECONDS - T0 >= DEADLINE)) && { SKIPPED=$((SKIPPED + 1)); return 0; }; return 1; }
val() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2"; }
quiet() { client quiet "$QUIET" "$QUIET_WAIT"; Q=$R; }
record() {  # $1 = label, $2 = client output, $3 = loadavg at the end
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$(val rate "$2")" "${3%% *}" "$(val other_cpus "$2")" \
    "$(val "${4:-cpu_per_task_us}" "$2")" "$(val redis_cpu_per_task_us "$2")" >>"$OUT"
  printf '  %-40s %s  loadavg %s  (before: %s)\n' "$1" "$2" "$3" "$Q"
}

enqueue() {  # $1 = delay|group, $2 = task; fills the (flushed) queue with N tasks
  rcli flushdb >/dev/null
  local cmd=enqueue label="enqueue one at a time: delay() loop"
  [[ $1 == group ]] && cmd=group label="enqueue batched: group(N).apply_async()"
  quiet
  client "$cmd" "$N" "$2"
  record "$label" "$R" "$(cat /proc/loadavg)"
}

process() {  # $1 = config name; the queue holds N tasks
  local spec=${WORKER_CONFIGS[$1]} count envs opts
  IFS=';' read -r count envs opts <<<"$spec"
  rcli del coda-bench:first coda-bench:last coda-bench:count >/dev/null
  quiet
  local started; started=$(date +%s.%N)
  start_workers "$count" "$envs" "$opts"
  client wait "$N" "$DRAIN_TIMEOUT" "$started" "${WPIDS[@]}"
  local r=$R load; load=$(cat /proc/loadavg)
  if [[ $(val rate "$r") == TIMEOUT ]]; then
    echo "  TIMEOUT after $DRAIN_TIMEOUT s; worker log tail:" >&2; tail -5 "$LOGDIR"/worker*.log >&2; KEEP_LOGS=1
  fi
  stop_workers
  client check
  local c=$R
  if [[ $(val queued "$c") != 0 || $(val unacked "$c") != 0 ]]; then echo "  WARNING: not drained: $c" >&2; KEEP_LOGS=1; fi
  if [[ $1 == *-count && $(val count "$c") != "$N" ]]; then echo "  WARNING: count: $c" >&2; KEEP_LOGS=1; fi
  record "process: $1" "$r" "$load" worker_cpu_per_task_us
}

echo "Celery $($PY -c 'import celery; print(celery.__version__)')," \
  "kombu $($PY -c 'import kombu; print(kombu.__version__)')," \
  "redis-py $($PY -c 'import redis; print(redis.__version__)')," \
  "Redis server $(redis-cli -h 127.0.0.1 -p 6379 info server | sed -n 's/^redis_version:\(.*\)\r$/\1/p')," \
  "Python $($PY -c 'import platform; print(platform.python_version())')"
echo "$(nproc) CPUs; N=$N REPS=$REPS db=$DB; configs: $CONFIGS; raw results: $OUT"
echo "loadavg at start: $(cat /proc/loadavg)"

for ((rep = 1; rep <= REPS; rep++)); do
  echo "repetition $rep/$REPS"
  for cfg in $CONFIGS; do
    [[ -n ${WORKER_CONFIGS[$cfg]:-} ]] || { echo "unknown config $cfg" >&2; exit 2; }
    out_of_time && continue
    task=noop; [[ $cfg == *-count ]] && task=noop_count
    enqueue delay "$task"
    process "$cfg"
  done
  if ((GROUP)) && ! out_of_time; then
    enqueue group noop
    rcli flushdb >/dev/null
  fi
done

echo
echo "loadavg at end: $(cat /proc/loadavg); $((SECONDS - T0)) s"
((SKIPPED)) && echo "DEADLINE of $DEADLINE s reached: $SKIPPED measurement(s) skipped"
$PY bench_client.py table "$OUT"
