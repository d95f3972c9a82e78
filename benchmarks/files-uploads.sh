#!/usr/bin/env bash
# Uploads per second of the files example: POST /files with a 1 KB body, wrk on 127.0.0.1, on SQLite (tasks.db in a
# temp dir) and on PostgreSQL (a fresh schema of the test server, dropped afterwards). docs/reliability.md quotes it.
#
# Settings (environment): CODA_JAR (the examples jar; default the one built here), ENGINES ("sqlite postgres"),
# ROLE (all: web and worker in one process, as the README runs it; or web), CONNECTIONS (16), DURATION (s, 15),
# WARMUP (s, 5), PG_URL (jdbc:postgresql://127.0.0.1:5432/test?user=postgres).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
JAR=${CODA_JAR:-$(ls "$ROOT"/examples/target/coda-examples-*.jar | grep -v original- | head -n1)}
ENGINES=${ENGINES:-"sqlite postgres"}
ROLE=${ROLE:-all}
CONNECTIONS=${CONNECTIONS:-16}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-5}
PG_URL=${PG_URL:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}
WORK=$(mktemp -d /tmp/coda-files-uploads.XXXXXX)
PID=
SCHEMA=

log() { printf '[uploads %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

cleanup() {
  if [[ -n $PID ]] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID" 2>/dev/null 2>&1 || true
    wait "$PID" 2>/dev/null 2>&1 || true
  fi
  if [[ -n $SCHEMA ]]; then
    psql -q -h 127.0.0.1 -U postgres test -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

command -v wrk >/dev/null || { apt-get update -q >&2; DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >&2; }

# a JDK 21+: JAVA_HOME's, else the default java if it is one, else the newest under /usr/lib/jvm
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/java}
if [[ -z $JAVA ]]; then
  JAVA=java
  if ! java -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
    JAVA=$(ls -d /usr/lib/jvm/*/bin/java | sort -V | tail -n1)
  fi
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

BODY=$(head -c 1024 /dev/zero | tr '\0' 'x')
for engine in $ENGINES; do
  dir=$WORK/$engine
  mkdir -p "$dir"
  env=()
  if [[ $engine == postgres ]]; then
    SCHEMA=files_bench_$(date +%s%N | tail -c 10)
    psql -q -h 127.0.0.1 -U postgres test -c "CREATE SCHEMA $SCHEMA" >/dev/null
    env=(CODA_TASKS_URL="$PG_URL&currentSchema=$SCHEMA")
  fi
  port=$(free_port)
  (cd "$dir" && exec env PORT="$port" "${env[@]}" "$JAVA" -jar "$JAR" files --role "$ROLE" >"$dir/out.log" 2>&1) &
  PID=$!
  for _ in $(seq 300); do curl -s -o /dev/null "http://127.0.0.1:$port/files/none" && break; sleep 0.1; done
  url=http://127.0.0.1:$port/files
  WRK_METHOD=POST WRK_BODY=$BODY WRK_CONTENT_TYPE=application/octet-stream \
    wrk -t2 -c"$CONNECTIONS" -d"${WARMUP}s" -s "$HERE/wrk.lua" "$url" >/dev/null
  result=$(WRK_METHOD=POST WRK_BODY=$BODY WRK_CONTENT_TYPE=application/octet-stream \
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$HERE/wrk.lua" "$url")
  rps=$(grep 'Requests/sec' <<<"$result" | awk '{print $2}')
  errors=$(grep -E 'Non-2xx|Socket errors' <<<"$result" || true)
  p99=$(grep -E '^ +99%' <<<"$result" | awk '{print $2}')
  echo "$engine role=$ROLE connections=$CONNECTIONS: $rps uploads/s, p99 $p99 ${errors:+($errors)}"
  kill -TERM "$PID"; wait "$PID" 2>/dev/null || true; PID=
  if [[ -n $SCHEMA ]]; then
    psql -q -h 127.0.0.1 -U postgres test -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1; SCHEMA=
  fi
done
