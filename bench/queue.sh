#!/usr/bin/env bash
# A deep queue: a master alone (deployed as the systemd unit runs it, -Xmx512m) takes BUILDS submissions (default
# 100,000) for a release no worker builds, so every one stays queued. Prints the submissions answered per second
# for each tenth of them (a queue that slows as it grows shows as falling figures), the master's heap after a full
# GC and its resident memory, and status reads of a queued build with the whole queue in place (wrk, 10 s, 50
# connections).
# Needs: Java 17 (jcmd), target/fbs.jar (built when missing), wrk, curl (apt-get install -y wrk curl).
# Usage: bench/queue.sh [BUILDS=100000]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILDS=${1:-100000}
JAR=${FBS_JAR:-$ROOT/target/fbs.jar}
for tool in java jcmd wrk curl; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install -y wrk curl)" >&2; exit 2; }
done
[ -f "$JAR" ] || mvn -B -q package -DskipTests

WORK=$(mktemp -d /tmp/fbs-queue.XXXXXX)
MASTER_PID=
cleanup() {
    [ -n "$MASTER_PID" ] && kill "$MASTER_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    if [ -n "${KEEP:-}" ]; then echo "bench: kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
head -c 32 /dev/urandom > "$WORK/cluster-secret"
chmod 600 "$WORK/cluster-secret"
MASTER=http://127.0.0.1:17000
cat > "$WORK/master.yaml" <<YAML
cluster:
  name: fbs-queue-$$-$RANDOM
  members: ["127.0.0.1:17701"]
  host: 127.0.0.1
  port: 17701
  event-bus-port: 17730
  secret-file: $WORK/cluster-secret
master: {http: {host: 127.0.0.1, port: 17000}, data-dir: $WORK/master, max-queued-per-user: 1000000}
YAML
(cd "$WORK" && FBS_JAR="$JAR" FBS_JAVA_OPTS=-Xmx512m exec "$ROOT/bin/fbs" --role=master \
    --config "$WORK/master.yaml" > "$WORK/master.out" 2>&1) &
MASTER_PID=$!
for _ in $(seq 1 2400); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$MASTER/readyz")" = 200 ] && break
    kill -0 "$MASTER_PID" 2>/dev/null || { echo "bench: the master stopped:" >&2; cat "$WORK/master.out" >&2; exit 1; }
    sleep 0.05
done
echo "bench: load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench: $BUILDS submissions from 50 clients (release 99: no worker, all stay queued)"
. "$ROOT/bench/lib.bash"
bench_client "$WORK/client" "$JAR"
FILL=$("${BENCH[@]}" fill $MASTER "$BUILDS" 50 99 $((BUILDS / 10)))
echo "  $FILL"
QUEUED=$(curl -s "$MASTER/api/v1/builds/$((BUILDS / 2))" | grep -o '"state":"[A-Z]*"' | head -1)
jcmd "$MASTER_PID" GC.run >/dev/null
HEAP=$(jcmd "$MASTER_PID" GC.heap_info | grep -o 'used [0-9]*K' | head -1 | grep -o '[0-9]*')
RSS=$(( $(ps -o rss= -p "$MASTER_PID") / 1024 ))
echo "  build $((BUILDS / 2)): $QUEUED; heap after a full GC $((HEAP / 1024)) MB (of -Xmx512m), resident $RSS MB"
echo "bench: status reads, 10 s of GET /api/v1/builds/$((BUILDS / 2)) (queued, with its place in line) from 50 connections"
if [ -n "${PROFILE:-}" ]; then # thread dumps of the master during the reads, for finding where they go
    (sleep 3; for i in $(seq 1 20); do jcmd "$MASTER_PID" Thread.print > "$PROFILE.$i" 2>&1; sleep 0.2; done) &
fi
wrk -t2 -c50 -d10s "$MASTER/api/v1/builds/$((BUILDS / 2))" > "$WORK/get.txt"
GET_RPS=$(awk '/Requests\/sec/ {print $2}' "$WORK/get.txt")
GET_ERR=$(grep -E 'Non-2xx|Socket errors' "$WORK/get.txt" || true)
echo "  $GET_RPS reads/s ${GET_ERR:+($GET_ERR)}"
grep -q OutOfMemoryError "$WORK/master.out" && echo "bench: the master ran out of memory" >&2
echo "bench: load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
