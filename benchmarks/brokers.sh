#!/usr/bin/env bash
# Coda's durable tasks against Celery 5 on the same broker, side by side (issue 15):
#   benchmarks/brokers.sh redis|amqp [celery tasks=20000] [coda tasks=100000] [runs=1] [celery configs]
# Each run: Celery's figures (benchmarks/celery/broker_bench.py: a warm-up round, then a measured one), then
# Coda's (coda-durable/bench.sh url: a cold round, a round while the JIT warms up, then a warm one); then a table of the medians and the ratios.
# CODA_URL_PARAMS (e.g. '&confirm=background') is appended to Coda's engine URL; with confirm=background the enqueues
# return before the broker has the messages, so take only the one-at-a-time enqueue from such a run.
# Redis 127.0.0.1:6379 db 0, RabbitMQ 127.0.0.1:5672 guest/guest (AMQP_PORT=<port> for another node on loopback,
# whose rabbitmqctl must then be first on the PATH); every run on key prefixes and queue names of its own, deleted
# after (never a flush). Logs: target/brokers-<broker>-<time>-{celery,coda}.log.
set -euo pipefail
cd "$(dirname "$0")/.."
broker=${1:?usage: $0 redis|amqp [celery tasks] [coda tasks] [runs] [celery configs]}
celery_n=${2:-20000} coda_n=${3:-100000} runs=${4:-1} configs=${5:-prefork-c2,threads-c4,solo,2xsolo,2xsolo+results}
case $broker in
    redis) celery_url=redis://127.0.0.1:6379/0; coda_url="redis://127.0.0.1:6379/0?prefix=coda-brokers-$$" ;;
    amqp) amqp_port=${AMQP_PORT:-5672}
          celery_url=amqp://guest:guest@127.0.0.1:$amqp_port//; coda_url="amqp://guest:guest@127.0.0.1:$amqp_port/%2F?prefix=coda-brokers-$$${CODA_URL_PARAMS:-}" ;;
    *) echo "usage: $0 redis|amqp [celery tasks] [coda tasks] [runs] [celery configs]" >&2; exit 2 ;;
esac
py=$(benchmarks/celery/venv.sh)
mkdir -p target
log=target/brokers-$broker-$(date -u +%Y%m%dT%H%M%S)
: >"$log-celery.log"; : >"$log-coda.log"

# Deletes what Coda's engine stored under the prefixes bench.sh printed ("store: prefix NAME"): Redis keys
# NAME*, RabbitMQ queues and exchanges NAME* (listed by rabbitmqctl, deleted over AMQP).
delete_coda_stores() {
    for name in $(sed -n 's/^ *store: prefix //p' "$1"); do
        if [[ $broker == redis ]]; then
            redis-cli -h 127.0.0.1 --scan --pattern "$name*" | xargs -r -n 500 redis-cli -h 127.0.0.1 del >/dev/null
        else
            "$py" - "$name" "${AMQP_PORT:-5672}" <<'EOF'
import subprocess, sys, amqp
name, port = sys.argv[1], sys.argv[2]
listed = lambda what: [l for l in subprocess.run(["rabbitmqctl", "-q", "list_" + what, "name"], capture_output=True,
                                                  text=True).stdout.split("\n") if l.startswith(name)]
with amqp.Connection("127.0.0.1:" + port, userid="guest", password="guest") as c:
    ch = c.channel()
    for q in listed("queues"):
        ch.queue_delete(q)
    for x in listed("exchanges"):
        ch.exchange_delete(x)
EOF
        fi
    done
}

coda_failed=""
for ((run = 1; run <= runs; run++)); do
    echo "== run $run/$runs: Celery on $broker"
    (cd benchmarks/celery && "$py" broker_bench.py "$celery_url" "$celery_n" 2 "$configs") 2>&1 | tee -a "$log-celery.log" \
        | grep --line-buffered -v '^RESULT' || echo "   Celery's benchmark failed: see $log-celery.log"
    echo "== run $run/$runs: Coda on $broker ($coda_url)"
    run_log=$(mktemp)
    if ! coda-durable/bench.sh url "$coda_url" "$coda_n" >"$run_log" 2>&1; then
        if grep -q "no task engine for\|unknown URL scheme" "$run_log"; then
            coda_failed="Coda has no $broker engine in this checkout yet: $(grep -o 'no task engine for.*\|unknown URL scheme.*' "$run_log" | head -1)"
        else
            coda_failed="Coda's benchmark failed: see $log-coda.log"
        fi
        echo "   $coda_failed"
    fi
    tee -a "$log-coda.log" <"$run_log"
    delete_coda_stores "$run_log"
    rm -f "$run_log"
done

echo
echo "== Coda against Celery 5 on $broker: Celery $celery_n tasks per figure, Coda $coda_n, $runs run(s), $(nproc) cores${CODA_URL_PARAMS:+, Coda URL parameters $CODA_URL_PARAMS}"
if [[ ${CODA_URL_PARAMS:-} == *confirm=background* ]]; then
    # its enqueues return before the broker has the messages: batches measure the store, and the worker starts on a backlog
    echo "   (confirm=background: take the one-at-a-time enqueue from this run, batches and processing from a run without it)"
fi
"$py" benchmarks/celery/side_by_side.py "$log-celery.log" "$log-coda.log"
[[ -z $coda_failed ]] || { echo; echo "NOTE: $coda_failed (Coda's cells are n/a)"; }
echo "logs: $log-celery.log $log-coda.log"
