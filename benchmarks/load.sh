#!/usr/bin/env bash
# Load benchmarks, side by side in one run on this machine, all traffic to 127.0.0.1 (docs/performance.md):
#   coda       Coda tutorial002 (the examples jar): POST /send-notification/foo@example.com?q=some-query, two appends per request
#   ceiling    the same by hand on bare Jetty 12 core (benchmarks jar: ceiling)
#   fastapi    FastAPI's tutorial002 (benchmarks/fastapi/tutorial002.py) on uvicorn --loop uvloop --http httptools --workers 2
#   items-get  Coda items: GET /items/5?q=x
#   items-put  Coda items: PUT /items/5 with a JSON body
# each with wrk (2 threads, 1 for one connection) at every connection count, RUNS times (the servers of a run are up
# together and measured in turn at each connection count, so that load from elsewhere falls on all alike); then the task-latency
# benchmark (p99 with 100 ms tasks against p99 without), the slow-sink scenario (every task blocked writing to a
# stalled log.txt: requests without tasks must keep their latency) and the heap retained per queued task. Every server runs in
# a temp dir of its own and is stopped gracefully; then the script checks that every task of every request ran.
#
# Settings (environment): DURATION (s per wrk run, 10), CONNECTIONS ("1 16 64 256"), RUNS (2), WARMUP (s, 10),
# SCENARIOS ("coda ceiling fastapi items-get items-put"; may be empty), LATENCY (1: run the latency benchmark), LATENCY_DURATION (20),
# LATENCY_CONNECTIONS (64), LATENCY_DELAY_MS (50), SINK (1: run the slow-sink scenario), SINK_DURATION (20),
# SINK_RATE (3000 bytes/s read from the slow sink), HEAP (1: run the heap probe), JMH (0; 1 also runs the JMH suite),
# MAX_LOAD (0.7) and LOAD_WAIT (600 s): wait at most that long for the 1-minute load average to drop below MAX_LOAD,
# JAVA_OPTS (extra JVM options, the same for every JVM server), OUT (results file, benchmarks/results/<date-time>.json;
# a .md beside it), CODA_JAR (an examples jar to run instead of the one built here), CODA_BEFORE_JAR (the examples jar
# of the extra scenario coda-before: tutorial002 on another build, measured in the same run), KEEP_WORK (1: keep the temp dirs of the servers; kept anyway when a check fails).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-"1 16 64 256"}
RUNS=${RUNS:-2}
WARMUP=${WARMUP:-10}
SCENARIOS=${SCENARIOS-"coda ceiling fastapi items-get items-put"}
LATENCY=${LATENCY:-1}
LATENCY_DURATION=${LATENCY_DURATION:-20}
LATENCY_CONNECTIONS=${LATENCY_CONNECTIONS:-64}
LATENCY_DELAY_MS=${LATENCY_DELAY_MS:-50}
HEAP=${HEAP:-1}
SINK=${SINK:-1}
SINK_DURATION=${SINK_DURATION:-20}
SINK_RATE=${SINK_RATE:-3000}
JMH=${JMH:-0}
MAX_LOAD=${MAX_LOAD:-0.7}
LOAD_WAIT=${LOAD_WAIT:-600}
JAVA_OPTS=${JAVA_OPTS:-}
STAMP=$(date +%Y-%m-%dT%H%M%S)
OUT=${OUT:-$HERE/results/$STAMP.json}
PYTHON=/usr/bin/python3           # Debian's: the one that sees python3-fastapi
WORK=$(mktemp -d /tmp/coda-load.XXXXXX)
RAW=$WORK/raw.jsonl
PIDS=()

log() { printf '[load %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- what it needs
install_missing() {
  local need=()
  command -v wrk >/dev/null || need+=(wrk)
  command -v curl >/dev/null || need+=(curl)
  [[ -x $PYTHON ]] || need+=(python3)
  if [[ -x $PYTHON ]]; then
    $PYTHON -c 'import fastapi' 2>/dev/null || need+=(python3-fastapi)
    $PYTHON -c 'import uvicorn' 2>/dev/null || need+=(python3-uvicorn)
    $PYTHON -c 'import uvloop' 2>/dev/null || need+=(python3-uvloop)
    $PYTHON -c 'import httptools' 2>/dev/null || need+=(python3-httptools)
  else
    need+=(python3-fastapi python3-uvicorn python3-uvloop python3-httptools)
  fi
  if ((${#need[@]})); then
    log "installing ${need[*]}"
    apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >&2
  fi
}

# A JDK 21 or newer: JAVA_HOME, the java on PATH, or the newest under /usr/lib/jvm.
find_java() {
  local candidates=() c v best="" bestv=0
  [[ -n ${JAVA_HOME:-} ]] && candidates+=("$JAVA_HOME/bin/java")
  command -v java >/dev/null && candidates+=("$(command -v java)")
  for c in /usr/lib/jvm/*/bin/java; do candidates+=("$c"); done
  for c in "${candidates[@]}"; do
    [[ -x $c ]] || continue
    v=$("$c" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print $2}')
    v=${v%%.*}
    if [[ $v =~ ^[0-9]+$ ]] && ((v >= 21 && v > bestv)); then best=$c; bestv=$v; fi
  done
  [[ -n $best ]] || { log "no JDK 21+ found (JAVA_HOME, PATH, /usr/lib/jvm)"; exit 1; }
  echo "$best"
}

build_if_needed() {
  local examples benches
  examples=$(ls "$ROOT"/examples/target/coda-examples-*.jar 2>/dev/null | grep -v original | head -n1 || true)
  benches=$HERE/target/coda-benchmarks.jar
  local stale=0
  if [[ -z $examples || ! -f $benches ]]; then
    stale=1
  elif [[ -n $(find "$ROOT"/pom.xml "$ROOT"/coda-tasks "$ROOT"/coda-web "$ROOT"/examples/src "$ROOT"/examples/pom.xml "$HERE"/src "$HERE"/pom.xml \
                 -newer "$benches" -type f -not -path '*/target/*' 2>/dev/null | head -n1) ]]; then
    stale=1
  fi
  if ((stale)); then
    log "building (mvn -q -B -DskipTests package -pl examples,benchmarks -am)"
    (cd "$ROOT" && mvn -q -B -DskipTests package -pl examples,benchmarks -am) >&2
  fi
  EXAMPLES_JAR=${CODA_JAR:-$(ls "$ROOT"/examples/target/coda-examples-*.jar | grep -v original | head -n1)}
  BENCH_JAR=$benches
}

load1() { cut -d' ' -f1 /proc/loadavg; }

wait_for_quiet() {
  local start=$SECONDS
  while awk -v l="$(load1)" -v m="$MAX_LOAD" 'BEGIN{exit !(l >= m)}'; do
    if ((SECONDS - start >= LOAD_WAIT)); then
      log "load average still $(load1) after ${LOAD_WAIT}s; measuring anyway (recorded)"
      LOAD_WAITED_OUT=true
      return
    fi
    sleep 10
  done
  LOAD_WAITED_OUT=false
  log "load average $(load1) (< $MAX_LOAD) after $((SECONDS - start))s"
}

free_port() { $PYTHON -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# ---------------------------------------------------------------- servers
# start_server NAME DIR PORT COMMAND... : runs COMMAND in DIR with PORT and HOST set; sets SERVER_PID.
start_server() {
  local name=$1 dir=$2 port=$3
  shift 3
  mkdir -p "$dir"
  (cd "$dir" && PORT=$port HOST=127.0.0.1 exec "$@" >server.log 2>&1) &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  local i
  for i in $(seq 300); do
    if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
      return 0
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  log "$name did not start; its log:"
  cat "$dir/server.log" >&2
  exit 1
}

# The server and its children (uvicorn's workers).
server_pids() { echo "$1" $(pgrep -P "$1" 2>/dev/null || true); }

rss_kb() {
  local sum=0 p r
  for p in $(server_pids "$1"); do
    r=$(awk '/^VmRSS/{print $2}' "/proc/$p/status" 2>/dev/null || true)
    sum=$((sum + ${r:-0}))
  done
  echo $sum
}

# CPU time (user + system, clock ticks) used so far by the server and its children.
cpu_ticks() {
  local sum=0 p t
  for p in $(server_pids "$1"); do
    t=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || true)
    sum=$((sum + ${t:-0}))
  done
  echo $sum
}
TICKS=$(getconf CLK_TCK)

# stop_server PID : SIGTERM, then waits (at most 180 s) for the graceful stop and the task drain; prints seconds taken.
stop_server() {
  local pid=$1 t0=$SECONDS
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1800); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    log "server $pid did not stop within 180 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  echo $((SECONDS - t0))
}

# ---------------------------------------------------------------- wrk
# run_wrk LABEL CONNECTIONS SECONDS URL : environment WRK_* configures the request; appends a record to RAW.
run_wrk() {
  local label=$1 conns=$2 secs=$3 url=$4 threads=2 out rssfile sampler line
  ((conns < threads)) && threads=$conns
  out=$WORK/wrk-$SCENARIO.out          # per scenario: two wrk may run at the same time (latency)
  rssfile=$WORK/rss-$SCENARIO.max
  echo 0 >"$rssfile"
  ( max=0; while :; do r=$(rss_kb "$CURRENT_PID"); ((r > max)) && { max=$r; echo $max >"$rssfile"; }; sleep 0.5; done ) &
  sampler=$!
  local cpu0 cpu1
  cpu0=$(cpu_ticks "$CURRENT_PID")
  wrk -t"$threads" -c"$conns" -d"${secs}s" --timeout 10s --latency -s "$HERE/wrk.lua" "$url" >"$out" 2>&1 || true
  cpu1=$(cpu_ticks "$CURRENT_PID")
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  line=$(grep '^WRKJSON ' "$out" | cut -c9- || true)
  if [[ -z $line ]]; then
    log "wrk failed:"
    cat "$out" >&2
    exit 1
  fi
  printf '{"type":"wrk","label":"%s","run":%d,"scenario":"%s","connections":%d,"threads":%d,"seconds":%d,"rss_kb_max":%d,"cpu_s":%s,"load1":%s,"wrk":%s}\n' \
    "$label" "$RUN" "$SCENARIO" "$conns" "$threads" "$secs" "$(cat "$rssfile")" \
    "$(awk -v a="$cpu0" -v b="$cpu1" -v t="$TICKS" 'BEGIN{printf "%.2f", (b - a) / t}')" "$(load1)" "$line" >>"$RAW"
  LAST_WRK=$line
}

# ---------------------------------------------------------------- scenarios
# All the servers of a run are up at the same time, and wrk goes from one to the next at each connection count
# (in alternating order), so that a burst of load from elsewhere on the machine falls on all of them alike.
declare -A S_PID S_URL S_DIR S_KIND S_METHOD S_BODY S_TYPE

# start_scenario NAME : starts its server in a temp dir of its own, records one answer, warms it up.
start_scenario() {
  SCENARIO=$1
  local dir=$WORK/run$RUN-$SCENARIO port path kind=tasks method=POST body= type=
  port=$(free_port)
  mkdir -p "$dir"
  path="/send-notification/foo@example.com?q=some-query"
  case $SCENARIO in
    coda) start_server coda "$dir" "$port" "$JAVA" $JAVA_OPTS -jar "$EXAMPLES_JAR" tutorial002 ;;
    coda-before)     # another build of the examples jar (CODA_BEFORE_JAR), e.g. before a change to the core
      start_server coda-before "$dir" "$port" "$JAVA" $JAVA_OPTS -jar "${CODA_BEFORE_JAR:?coda-before needs CODA_BEFORE_JAR}" tutorial002 ;;
    ceiling) start_server ceiling "$dir" "$port" "$JAVA" $JAVA_OPTS -jar "$BENCH_JAR" ceiling ;;
    fastapi)
      cp "$HERE/fastapi/tutorial002.py" "$dir/"
      start_server fastapi "$dir" "$port" "$PYTHON" -m uvicorn tutorial002:app --host 127.0.0.1 --port "$port" \
        --loop uvloop --http httptools --workers 2 --log-level warning --no-access-log ;;
    items-get)
      kind=plain method=GET path="/items/5?q=x"
      start_server items "$dir" "$port" "$JAVA" $JAVA_OPTS -jar "$EXAMPLES_JAR" items ;;
    items-put)
      kind=plain method=PUT body='{"name":"Foo","price":50.5,"is_offer":true}' type=application/json path="/items/5"
      start_server items "$dir" "$port" "$JAVA" $JAVA_OPTS -jar "$EXAMPLES_JAR" items ;;
    *) log "unknown scenario $SCENARIO"; exit 1 ;;
  esac
  S_PID[$SCENARIO]=$SERVER_PID S_URL[$SCENARIO]="http://127.0.0.1:$port$path" S_DIR[$SCENARIO]=$dir S_KIND[$SCENARIO]=$kind
  S_METHOD[$SCENARIO]=$method S_BODY[$SCENARIO]=$body S_TYPE[$SCENARIO]=$type
  # one request by hand: the answer, as the client sees it (headers recorded; Date dropped)
  local curl_args=(-s -i -X "$method")
  [[ -n $body ]] && curl_args+=(-H "Content-Type: $type" --data "$body")
  local answer
  answer=$(curl "${curl_args[@]}" "${S_URL[$SCENARIO]}" | tr -d '\r' | grep -vi '^date:' | $PYTHON -c 'import json,sys; print(json.dumps(sys.stdin.read()))')
  printf '{"type":"answer","run":%d,"scenario":"%s","text":%s}\n' "$RUN" "$SCENARIO" "$answer" >>"$RAW"
  log "run $RUN $SCENARIO: started, warm-up ${WARMUP}s"
  measure_scenario "$SCENARIO" 64 warmup "$WARMUP"
}

# measure_scenario NAME CONNECTIONS [LABEL SECONDS]
measure_scenario() {
  SCENARIO=$1
  CURRENT_PID=${S_PID[$SCENARIO]}
  export WRK_METHOD=${S_METHOD[$SCENARIO]} WRK_BODY=${S_BODY[$SCENARIO]} WRK_CONTENT_TYPE=${S_TYPE[$SCENARIO]} WRK_DELAY_MS=0
  run_wrk "${3:-measure}" "$2" "${4:-$DURATION}" "${S_URL[$SCENARIO]}"
  if [[ ${3:-measure} == measure ]]; then
    log "  run $RUN $SCENARIO $2 conn: $($PYTHON -c 'import json,sys; d=json.loads(sys.argv[1]); print("%.0f req/s, p50 %.2f ms, p99 %.2f ms, errors %s" % (d["requests"]/d["duration_us"]*1e6, d["latency_us"]["p50"]/1e3, d["latency_us"]["p99"]/1e3, d["errors"]))' "$LAST_WRK")"
  fi
}

# finish_scenario NAME : stops the server gracefully (requests, then the task drain) and counts the log's lines.
finish_scenario() {
  SCENARIO=$1
  local pid=${S_PID[$SCENARIO]} dir=${S_DIR[$SCENARIO]} kind=${S_KIND[$SCENARIO]} rss_after stopped
  rss_after=$(rss_kb "$pid")
  stopped=$(stop_server "$pid")
  local lines=0 found=0 message=0
  if [[ $kind == tasks && -f $dir/log.txt ]]; then
    lines=$(wc -l <"$dir/log.txt")
    found=$(grep -cx 'found query: some-query' "$dir/log.txt" || true)
    message=$(grep -cx 'message to foo@example.com' "$dir/log.txt" || true)
  fi
  printf '{"type":"server","run":%d,"scenario":"%s","kind":"%s","stop_seconds":%d,"rss_kb_after":%d,"log_lines":%d,"found_lines":%d,"message_lines":%d}\n' \
    "$RUN" "$SCENARIO" "$kind" "$stopped" "$rss_after" "$lines" "$found" "$message" >>"$RAW"
  rm -f "$dir/log.txt"
}

# latency : the latency app twice, without tasks and with two 100 ms tasks per request, both up and loaded AT THE
# SAME TIME by a wrk each, at a fixed pace the task runtime absorbs: whatever else the machine does at that moment
# falls on both, so their p99 can be compared run by run.
latency() {
  local variant tasks dir port pids=() names=()
  export WRK_METHOD=POST WRK_BODY= WRK_CONTENT_TYPE= WRK_DELAY_MS=$LATENCY_DELAY_MS
  for variant in none:0 tasks-100ms:2; do
    tasks=${variant#*:}
    SCENARIO=latency-${variant%%:*}
    dir=$WORK/run$RUN-$SCENARIO
    port=$(free_port)
    start_server "$SCENARIO" "$dir" "$port" env TASKS="$tasks" TASK_SLEEP_MS=100 "$JAVA" $JAVA_OPTS -jar "$BENCH_JAR" latency-app
    S_PID[$SCENARIO]=$SERVER_PID S_URL[$SCENARIO]="http://127.0.0.1:$port/work/42" S_DIR[$SCENARIO]=$dir S_KIND[$SCENARIO]=$tasks
    names+=("$SCENARIO")
  done
  log "run $RUN latency: ${names[*]} at the same time, $LATENCY_CONNECTIONS connections each, ${LATENCY_DELAY_MS} ms between a response and the next request, ${LATENCY_DURATION}s"
  local label secs name
  for label in warmup measure; do
    secs=$LATENCY_DURATION
    [[ $label == warmup ]] && secs=$WARMUP
    pids=()
    for name in "${names[@]}"; do
      (SCENARIO=$name CURRENT_PID=${S_PID[$name]} run_wrk "$label" "$LATENCY_CONNECTIONS" "$secs" "${S_URL[$name]}") &
      pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || exit 1; done
  done
  for name in "${names[@]}"; do
    log "  $name: $(grep '^WRKJSON ' "$WORK/wrk-$name.out" | cut -c9- | $PYTHON -c 'import json,sys; d=json.loads(sys.stdin.read()); print("%.0f req/s, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms" % (d["requests"]/d["duration_us"]*1e6, d["latency_us"]["p50"]/1e3, d["latency_us"]["p99"]/1e3, d["latency_us"]["p999"]/1e3))')"
  done
  local stopped counts requests done_tasks
  for name in "${names[@]}"; do
    stopped=$(stop_server "${S_PID[$name]}")
    counts=$(cat "${S_DIR[$name]}/counts.txt" 2>/dev/null || echo "requests=-1 tasks=-1")
    requests=${counts#requests=}; requests=${requests%% *}
    done_tasks=${counts##*tasks=}
    printf '{"type":"server","run":%d,"scenario":"%s","kind":"latency","tasks_per_request":%d,"stop_seconds":%d,"server_requests":%d,"server_tasks":%d}\n' \
      "$RUN" "$name" "${S_KIND[$name]}" "$stopped" "$requests" "$done_tasks" >>"$RAW"
  done
}

# slow_sink : tutorial002 twice, one after the other: with log.txt a file (normal), and with log.txt a FIFO read at
# SINK_RATE bytes/s (slow: a stalled disk or NFS, every task blocked in its write). Each is loaded for SINK_DURATION s
# by two wrk at once: POST /send-notification (tasks) at 64 connections and GET /nope (no task, 404) at 16. The slow
# server's task slots all block, its queue fills and further POSTs are refused with 503; GET /nope must keep its
# latency. Then the FIFO is read at full speed, the server stopped (its queued tasks drained), and every task of
# every POST answered 200 must be in the output.
slow_sink() {
  local variant dir port reader=0 out
  for variant in normal slow; do
    SCENARIO=sink-$variant
    dir=$WORK/run$RUN-$SCENARIO
    port=$(free_port)
    mkdir -p "$dir"
    out=$dir/log.txt
    if [[ $variant == slow ]]; then
      mkfifo "$dir/log.txt"
      out=$dir/sink.out
      $PYTHON "$HERE/sink/slow_reader.py" "$dir/log.txt" "$out" "$SINK_RATE" &
      reader=$!
      PIDS+=("$reader")
    fi
    start_server "$SCENARIO" "$dir" "$port" "$JAVA" $JAVA_OPTS -jar "$EXAMPLES_JAR" tutorial002
    local pid=$SERVER_PID base="http://127.0.0.1:$port"
    export WRK_METHOD=GET WRK_BODY= WRK_CONTENT_TYPE= WRK_DELAY_MS=0
    (SCENARIO=$SCENARIO-nope CURRENT_PID=$pid run_wrk warmup 16 "$WARMUP" "$base/nope")
    log "run $RUN $SCENARIO: POST /send-notification at 64 connections and GET /nope at 16, ${SINK_DURATION}s"
    (SCENARIO=$SCENARIO-post CURRENT_PID=$pid WRK_METHOD=POST run_wrk sink 64 "$SINK_DURATION" \
      "$base/send-notification/foo@example.com?q=some-query") &
    local post=$!
    (SCENARIO=$SCENARIO-nope CURRENT_PID=$pid run_wrk sink 16 "$SINK_DURATION" "$base/nope") &
    local nope=$!
    wait "$post" || exit 1
    wait "$nope" || exit 1
    local name
    for name in post nope; do
      log "  $SCENARIO $name: $(grep '^WRKJSON ' "$WORK/wrk-$SCENARIO-$name.out" | cut -c9- | $PYTHON -c 'import json,sys; d=json.loads(sys.stdin.read()); print("%.0f req/s, non-2xx %d, p50 %.2f ms, p99 %.2f ms, max %.2f ms, timeouts %d" % (d["requests"]/d["duration_us"]*1e6, d["errors"]["status"], d["latency_us"]["p50"]/1e3, d["latency_us"]["p99"]/1e3, d["latency_us"]["max"]/1e3, d["errors"]["timeout"]))')"
    done
    if ((reader)); then
      kill -USR1 "$reader"
    fi
    local stopped lines found message
    stopped=$(stop_server "$pid")
    if ((reader)); then
      kill -TERM "$reader" 2>/dev/null || true
      wait "$reader" 2>/dev/null || true
      reader=0
    fi
    lines=$(wc -l <"$out")
    found=$(grep -cx 'found query: some-query' "$out" || true)
    message=$(grep -cx 'message to foo@example.com' "$out" || true)
    printf '{"type":"server","run":%d,"scenario":"%s","kind":"sink","stop_seconds":%d,"log_lines":%d,"found_lines":%d,"message_lines":%d}\n' \
      "$RUN" "$SCENARIO" "$stopped" "$lines" "$found" "$message" >>"$RAW"
  done
}

# ---------------------------------------------------------------- main
install_missing
JAVA=$(find_java)
build_if_needed
mkdir -p "$(dirname "$OUT")"
log "JDK: $JAVA; work dir $WORK"
wait_for_quiet
LOAD_BEFORE=$(cat /proc/loadavg)
START_TIME=$(date -Iseconds)

for RUN in $(seq "$RUNS"); do
  read -r -a order <<<"$SCENARIOS"
  if ((${#order[@]} == 0)); then
    if ((LATENCY)); then latency; fi
    if ((SINK)); then slow_sink; fi
    continue
  fi
  for s in "${order[@]}"; do
    start_scenario "$s"
  done
  log "run $RUN: ${CONNECTIONS// /,} connections x ${DURATION}s on each of ${SCENARIOS// /,}"
  i=0
  for c in $CONNECTIONS; do
    if (((RUN + i) % 2)); then
      for s in "${order[@]}"; do measure_scenario "$s" "$c"; done
    else
      for ((k = ${#order[@]} - 1; k >= 0; k--)); do measure_scenario "${order[k]}" "$c"; done
    fi
    i=$((i + 1))
  done
  for s in "${order[@]}"; do
    finish_scenario "$s"
  done
  if ((LATENCY)); then
    latency
  fi
  if ((SINK)); then
    slow_sink
  fi
done

if ((HEAP)); then
  log "heap retained per queued task (100,000 tasks, 5 runs per shape)"
  heap=$("$JAVA" -Xmx4g -jar "$BENCH_JAR" heap-per-task 100000 5 2>/dev/null | grep '^{' | tail -n1)
  printf '{"type":"heap","result":%s}\n' "$heap" >>"$RAW"
fi

if ((JMH)); then
  log "JMH suite (about 3 minutes)"
  "$JAVA" -jar "$BENCH_JAR" jmh -prof gc -rf json -rff "$WORK/jmh.json" >"$WORK/jmh.txt" 2>&1
  printf '{"type":"jmh","result":%s}\n' "$(cat "$WORK/jmh.json" | $PYTHON -c 'import json,sys; print(json.dumps(json.load(sys.stdin)))')" >>"$RAW"
fi

LOAD_AFTER=$(cat /proc/loadavg)
machine=$($PYTHON - "$JAVA" <<'EOF'
import json, os, subprocess, sys
java = sys.argv[1]
version = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.strip().splitlines()
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
mem = next((l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal")), "0")
wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()[:1]
import fastapi, uvicorn
print(json.dumps({"cores": os.cpu_count(), "cpu": cpu, "mem_gib": round(int(mem) / 1048576, 1), "java": java,
                  "java_version": version, "wrk": wrk, "fastapi": fastapi.__version__, "uvicorn": uvicorn.__version__,
                  "python": sys.version.split()[0]}))
EOF
)
printf '{"type":"meta","start":"%s","end":"%s","loadavg_before":"%s","loadavg_after":"%s","load_wait_timed_out":%s,"max_load":%s,"duration_s":%d,"warmup_s":%d,"connections":"%s","runs":%d,"latency_connections":%d,"latency_delay_ms":%d,"latency_duration_s":%d,"java_opts":"%s","machine":%s}\n' \
  "$START_TIME" "$(date -Iseconds)" "$LOAD_BEFORE" "$LOAD_AFTER" "$LOAD_WAITED_OUT" "$MAX_LOAD" "$DURATION" "$WARMUP" "$CONNECTIONS" "$RUNS" \
  "$LATENCY_CONNECTIONS" "$LATENCY_DELAY_MS" "$LATENCY_DURATION" "$JAVA_OPTS" "$machine" >>"$RAW"

status=0
$PYTHON "$HERE/report.py" "$RAW" "$OUT" || status=$?
if ((status == 0)) && [[ -z ${KEEP_WORK:-} ]]; then
  rm -rf "$WORK"
  log "results: $OUT and ${OUT%.*}.md"
else
  log "results: $OUT and ${OUT%.*}.md; servers' dirs and logs kept in $WORK"
fi
exit $status
