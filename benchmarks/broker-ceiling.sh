#!/usr/bin/env bash
# RabbitMQ's own ceiling on this machine, with the plain Java client (issue 15; see BrokerCeiling):
#   benchmarks/broker-ceiling.sh [amqp URI=amqp://guest:guest@127.0.0.1:5672/%2F] [messages=100000]
# Compiled alone with javac against the client's jar in the local Maven repository (no module build needed).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=${MAVEN_REPO:-$HOME/.m2/repository}
cp=$(ls "$repo"/com/rabbitmq/amqp-client/5.38.0/amqp-client-5.38.0.jar):$(ls "$repo"/org/slf4j/slf4j-api/*/slf4j-api-*.jar | grep -v sources | tail -1)
jdk=${JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
out=target/broker-ceiling
mkdir -p "$out"
"$jdk/bin/javac" -d "$out" -cp "$cp" benchmarks/src/main/java/dev/coda/benchmarks/BrokerCeiling.java
echo "loadavg before: $(cat /proc/loadavg)"
"$jdk/bin/java" -cp "$out:$cp" dev.coda.benchmarks.BrokerCeiling "$@"
echo "loadavg after: $(cat /proc/loadavg)"
