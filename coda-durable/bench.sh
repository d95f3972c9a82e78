#!/usr/bin/env bash
# Throughput benchmark of the durable task engines (not part of the tests):
#   coda-durable/bench.sh [sqlite|postgres|both] [tasks=100000] [concurrency=256] [claimBatch=256] [prefetch=256]
#   coda-durable/bench.sh url <CODA_TASKS_URL> [tasks=100000] [concurrency] [claimBatch] [prefetch]
# PostgreSQL: 127.0.0.1:5432, database test, user postgres (or CODA_TEST_PG_URL); a schema of its own, dropped after.
# url: the engine TaskEngine.fromUrl opens, each round on a fresh currentSchema (dropped after) or prefix (printed as
# "store: prefix NAME"; deleting a broker's keys and queues is left to the caller, see benchmarks/brokers.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
# the engine modules that exist in this checkout (Redis, RabbitMQ), found by ServiceLoader on the class path
engines=""
for module in coda-durable-redis coda-durable-rabbitmq; do
    [[ -d $module ]] && engines="$engines $module"
done
modules=coda-tasks,coda-durable$(printf ',%s' $engines)
mvn -q -B -pl "$modules" -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
classpath="coda-durable/target/test-classes:coda-durable/target/classes:$(cat coda-durable/target/bench.classpath)"
for module in $engines; do
    classpath="$classpath:$module/target/classes:$(cat $module/target/bench.classpath)"
done
java="${JAVA:-}"
if [[ -z "$java" ]]; then
    for candidate in "${JAVA_HOME:-}/bin/java" /usr/lib/jvm/*/bin/java; do
        [[ -x "$candidate" ]] || continue
        major=$("$candidate" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p')
        if [[ "${major:-0}" -ge 21 ]]; then java="$candidate"; fi
    done
fi
[[ -n "$java" ]] || { echo "needs Java 21 or later (set JAVA)" >&2; exit 1; }
exec "$java" --enable-native-access=ALL-UNNAMED -Xmx2g \
    -cp "$classpath" \
    dev.coda.durable.DurableBenchmark "$@"
