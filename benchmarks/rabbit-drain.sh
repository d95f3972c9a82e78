#!/usr/bin/env bash
# A small worker draining a backlog on RabbitMQ (issue 15): the files example's web process accepts N uploads with no
# worker running; then a worker (--work-delay 100ms, concurrency 8: at most 80 uploads a second) starts, and the time
# from its start until the last upload reads "succeeded" is printed.
#   benchmarks/rabbit-drain.sh [uploads=400] [extra URL parameters, e.g. '&queue-type=classic']
# Needs the examples jar (mvn -pl examples -am package -DskipTests) and RabbitMQ on 127.0.0.1:5672 (guest/guest);
# its queues (prefix drain-<pid>) are deleted after, over AMQP.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-400} extra=${2:-}
jar=$PWD/examples/target/coda-examples-0.1.0-SNAPSHOT.jar
java=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
py=$(benchmarks/celery/venv.sh)
prefix=drain-$$ dir=$(mktemp -d)
export CODA_TASKS_URL="amqp://guest:guest@127.0.0.1:5672/%2F?prefix=$prefix$extra" HOST=127.0.0.1
web_port=18500 worker_port=18501
cleanup() {
    kill "${web:-}" "${worker:-}" 2>/dev/null || true
    wait 2>/dev/null || true
    "$py" - "$prefix" <<'PY'
import subprocess, sys, amqp
name = sys.argv[1] + "."
listed = lambda what: [l for l in subprocess.run(["rabbitmqctl", "-q", "list_" + what, "name"], capture_output=True,
                                                  text=True).stdout.split("\n") if l.startswith(name)]
with amqp.Connection("127.0.0.1:5672", userid="guest", password="guest") as c:
    ch = c.channel()
    for q in listed("queues"):
        ch.queue_delete(q)
    for x in listed("exchanges"):
        ch.exchange_delete(x)
PY
    rm -rf "$dir"
}
trap cleanup EXIT
cd "$dir"
options=(--work-delay 100ms --data-dir "$dir/uploads")
PORT=$web_port "$java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$jar" files --role web "${options[@]}" >web.log 2>&1 &
web=$!
until curl -s -o /dev/null "http://127.0.0.1:$web_port/"; do sleep 0.2; done
seq "$n" | xargs -P 8 -I{} curl -s -X POST -H "Content-Type: application/octet-stream" --data-binary "upload {}" \
    "http://127.0.0.1:$web_port/files" >answers.txt
ids=$(grep -o '"id":"[^"]*"' answers.txt | cut -d'"' -f4)
echo "accepted $(wc -w <<<"$ids") of $n uploads ($CODA_TASKS_URL)"
start=$(date +%s.%N)
PORT=$worker_port "$java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$jar" files --role worker "${options[@]}" >worker.log 2>&1 &
worker=$!
for id in $ids; do
    until curl -s "http://127.0.0.1:$web_port/files/$id" | grep -q '"status":"succeeded"'; do sleep 0.1; done
done
echo "drained in $(echo "$(date +%s.%N) - $start" | bc) s from the worker's start"
