#!/usr/bin/env bash
# Dispatch latency, FBS against Celery + RabbitMQ side by side in one run on the same no-op build: submit to the
# build's start on the worker (Celery: the task's first line; FBS: the worker's RUNNING timestamp), sequential
# (one every 20 ms, as the Celery client spaces them) and a burst of BURST from 50 clients. Prints both and the
# ratio of the p99s. Celery runs twice: the peer's task, which writes one line, and the same task followed by the
# stand-in tool FBS's worker runs for each build (bench/celery/tool_tasks.py), so that the work a build does after
# it starts weighs on both sides. That tool is bench/noop-lorax.c when a C compiler is there (else bench/noop-lorax).
# Needs: Java 17, target/fbs.jar (built when missing), curl, python3-celery and rabbitmq-server
# (apt-get install -y python3-celery rabbitmq-server), and the peer's files (../shared/peers/celery, or
# CELERY_PEER=DIR), which are copied into a temporary dir at run time.
# Usage: bench/dispatch.sh [SEQUENTIAL=200] [BURST=500]; FBS_JAR=other.jar measures another build of FBS.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SEQ_N=${1:-200}
BURST_N=${2:-500}
JAR=${FBS_JAR:-$ROOT/target/fbs.jar}

PEER=${CELERY_PEER:-}
if [ -z "$PEER" ]; then
    for dir in "$ROOT/../shared/peers/celery" "$ROOT/../../shared/peers/celery"; do
        [ -f "$dir/tasks.py" ] && PEER=$(cd "$dir" && pwd) && break
    done
fi
[ -n "$PEER" ] && [ -f "$PEER/tasks.py" ] || { echo "bench: no Celery peer (set CELERY_PEER=DIR)" >&2; exit 2; }
for tool in java curl /usr/lib/rabbitmq/bin/rabbitmq-server; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install -y python3-celery rabbitmq-server curl)" >&2; exit 2; }
done
/usr/bin/python3 -c 'import celery' || { echo "bench: python3-celery is missing" >&2; exit 2; }
[ -f "$JAR" ] || mvn -B -q package -DskipTests

WORK=$(mktemp -d /tmp/fbs-dispatch.XXXXXX)
PIDS=()
# A RabbitMQ node of this run's own (name, ports, data and cookie in WORK), not the system's.
export RABBITMQ_NODENAME="fbsbench$$@localhost" RABBITMQ_NODE_PORT=$((20000 + RANDOM % 10000))
export RABBITMQ_DIST_PORT=$((RABBITMQ_NODE_PORT + 10000)) RABBITMQ_MNESIA_BASE="$WORK/rabbit/mnesia"
export RABBITMQ_LOG_BASE="$WORK/rabbit/log" RABBITMQ_ENABLED_PLUGINS_FILE="$WORK/rabbit/plugins"
export RABBITMQ_PID_FILE="$WORK/rabbit/pid"
# (in WORK: a CLI that fails writes erl_crash.dump into its working dir)
rabbitmqctl() { (cd "$WORK" && HOME="$WORK/rabbit" exec /usr/lib/rabbitmq/bin/rabbitmqctl -n "$RABBITMQ_NODENAME" "$@"); }
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    rabbitmqctl stop >/dev/null 2>&1 || true
    [ -f "$RABBITMQ_PID_FILE" ] && kill "$(cat "$RABBITMQ_PID_FILE")" 2>/dev/null || true
    wait 2>/dev/null || true
    if [ -n "${KEEP:-}" ]; then echo "bench: kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
. "$ROOT/bench/lib.bash"
noop_tool "$WORK/tool" # the same for both: FBS's worker and Celery's second run fork it for each build

echo "bench: load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- Celery + RabbitMQ ------------------------------------------------------------------------------------------
# FBS_ONLY=1 leaves it out (for looking into FBS alone; the ratios then mean nothing).
if [ -z "${FBS_ONLY:-}" ]; then
    mkdir -p "$WORK/rabbit" "$WORK/celery"
    echo '[].' > "$RABBITMQ_ENABLED_PLUGINS_FILE"
    cp "$PEER/tasks.py" "$PEER/client.py" "$WORK/celery/"
    echo "bench: starting RabbitMQ (node $RABBITMQ_NODENAME, port $RABBITMQ_NODE_PORT) and a Celery worker (-c 2)"
    (cd "$WORK/rabbit" && HOME="$WORK/rabbit" /usr/lib/rabbitmq/bin/rabbitmq-server -detached)
    # The node registers with epmd some seconds after -detached returns; until then await_startup fails at once.
    for _ in $(seq 1 180); do
        rabbitmqctl await_startup --timeout 180 >/dev/null 2>&1 && break
        sleep 1
    done
    rabbitmqctl await_startup --timeout 10 >/dev/null
    export BROKER="amqp://guest@127.0.0.1:$RABBITMQ_NODE_PORT//" LAT_OUT="$WORK/celery/lat.txt"
    export NOOP_TOOL
    cp "$ROOT/bench/celery/tool_tasks.py" "$WORK/celery/"
    celery_run() { # APP: the peer's tasks, or tool_tasks (the same task, then FBS's no-op tool)
        (cd "$WORK/celery" && exec /usr/bin/python3 -m celery -A "$1" worker -Q fedora-17 -c 2 --loglevel=WARNING \
            > "$WORK/celery/worker-$1.out" 2>&1) &
        PIDS+=("$!")
        local pid=$!
        sleep 5 # the worker connects and declares its queue
        (cd "$WORK/celery" && /usr/bin/python3 client.py "$SEQ_N" "$BURST_N")
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    }
    CELERY=$(celery_run tasks)
    echo "$CELERY" | sed 's/^/  celery /'
    CELERY_TOOL=$(celery_run tool_tasks)
    echo "$CELERY_TOOL" | sed 's/^/  celery+tool /'
    rabbitmqctl stop >/dev/null 2>&1 || true
else
    CELERY=$(printf 'seq p50=0 p99=0\nburst p50=0 p99=0')
    CELERY_TOOL=$CELERY
fi

# ---- FBS --------------------------------------------------------------------------------------------------------
head -c 32 /dev/urandom > "$WORK/cluster-secret"
chmod 600 "$WORK/cluster-secret"
CLUSTER="fbs-dispatch-$$-$RANDOM"
MEMBERS='["127.0.0.1:16701", "127.0.0.1:16702"]'
MASTER=http://127.0.0.1:16000
node() { # NAME ROLE HAZELCAST_PORT YAML_BODY
    cat > "$WORK/$1.yaml" <<YAML
cluster:
  name: $CLUSTER
  members: $MEMBERS
  host: 127.0.0.1
  port: $3
  event-bus-port: $(($3 + 100))
  secret-file: $WORK/cluster-secret
$4
YAML
    (cd "$WORK" && FBS_JAR="$JAR" exec "$ROOT/bin/fbs" --role="$2" --config "$WORK/$1.yaml" > "$WORK/$1.out" 2>&1) &
    PIDS+=("$!")
}
ready() {
    for _ in $(seq 1 2400); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' "$1/readyz")" = 200 ] && return 0
        sleep 0.05
    done
    echo "bench: $1 never became ready" >&2
    return 1
}
echo "bench: starting an FBS master and one worker (256 slots, no-op lorax) from $JAR"
node master master 16701 "master: {http: {host: 127.0.0.1, port: 16000}, data-dir: $WORK/master, max-queued-per-user: 1000000}"
ready $MASTER
MASTER_PID=${PIDS[-1]}
node w1 worker 16702 "worker:
  id: w1
  http: {host: 127.0.0.1, port: 16101}
  arches: [x86_64]
  releases: [\"41\"]
  slots: 256
  work-dir: $WORK/w1
  tools: {lorax: $NOOP_TOOL}"
ready http://127.0.0.1:16101
WORKER_PID=${PIDS[-1]}
sleep 2 # the worker announced
bench_client "$WORK/client" "$JAR"
# Warm-up: a service that has run a while, in both shapes measured, until its JIT has compiled what they run: rounds
# of 500 sequential builds and 500 from 50 clients, until a round makes fewer than WARM_QUIET (100) compilations in
# the master and the worker together, at most WARM_ROUNDS (16).
warm_round() {
    "${BENCH[@]}" dispatch $MASTER 500 1 41 5
    settle
    "${BENCH[@]}" dispatch $MASTER 500 50 41
}
WARMED=$(warm_up "${WARM_ROUNDS:-16}" "${WARM_QUIET:-100}" "$MASTER_PID" "$WORKER_PID" -- warm_round)
echo "$WARMED"
JIT_BEFORE=$(compiled "$MASTER_PID" "$WORKER_PID")
CPU=$(cpu_times)
FBS_SEQ=$("${BENCH[@]}" dispatch $MASTER "$SEQ_N" 1 41 20)
SEQ_BUSY=$(cpu_busy "$CPU")
echo "  fbs seq $FBS_SEQ (CPUs ${SEQ_BUSY}% busy)"
settle
CPU=$(cpu_times)
FBS_BURST=$("${BENCH[@]}" dispatch $MASTER "$BURST_N" 50 41)
BURST_BUSY=$(cpu_busy "$CPU")
echo "  fbs burst $FBS_BURST (CPUs ${BURST_BUSY}% busy)"
JIT_DURING=$(($(compiled "$MASTER_PID" "$WORKER_PID") - JIT_BEFORE))
echo "bench: JIT compilations during the measured phases: $JIT_DURING"

field() { echo "$1" | grep -o "\"$2\":[0-9.]*" | head -1 | cut -d: -f2; } # the first: the whole span
celery_field() { echo "${3:-$CELERY}" | grep "^$1 " | grep -o "$2=[0-9.]*" | cut -d= -f2; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
CS50=$(celery_field seq p50); CS99=$(celery_field seq p99)
CB50=$(celery_field burst p50); CB99=$(celery_field burst p99)
TS50=$(celery_field seq p50 "$CELERY_TOOL"); TS99=$(celery_field seq p99 "$CELERY_TOOL")
TB50=$(celery_field burst p50 "$CELERY_TOOL"); TB99=$(celery_field burst p99 "$CELERY_TOOL")
FS50=$(field "$FBS_SEQ" p50_ms); FS99=$(field "$FBS_SEQ" p99_ms)
FB50=$(field "$FBS_BURST" p50_ms); FB99=$(field "$FBS_BURST" p99_ms)
cat <<MD

$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average after: $(cut -d' ' -f1-3 /proc/loadavg), FBS $(basename "$JAR") $(git rev-parse --short=12 HEAD 2>/dev/null || echo)

| | Celery + RabbitMQ, p50 / p99 | FBS, p50 / p99 | FBS / Celery at p99 | Celery running FBS's no-op tool too, p50 / p99 | FBS / that at p99 |
| --- | --- | --- | --- | --- | --- |
| sequential, $SEQ_N (20 ms apart) | $CS50 / $CS99 ms | $FS50 / $FS99 ms | $(ratio "$FS99" "$CS99") | $TS50 / $TS99 ms | $(ratio "$FS99" "$TS99") |
| $BURST_N from 50 clients | $CB50 / $CB99 ms | $FB50 / $FB99 ms | $(ratio "$FB99" "$CB99") | $TB50 / $TB99 ms | $(ratio "$FB99" "$TB99") |

FBS: ${WARMED#bench: }; $JIT_DURING JIT compilations during the two phases measured. The CPUs were
$SEQ_BUSY% busy during the sequential phase and $BURST_BUSY% during the burst. The no-op lorax: $NOOP_TOOL.

Growth over the sequential run, FBS, submission to RUNNING: the first 100 $(echo "$FBS_SEQ" | grep -o '"first100":{[^}]*}' | cut -d: -f2-),
the last 100 $(echo "$FBS_SEQ" | grep -o '"last100":{[^}]*}' | cut -d: -f2-).

FBS's span split by the build's history: QUEUED to ASSIGNED (the master's offer and the worker's answer, which
waits for its run marker on disk) and ASSIGNED to RUNNING (the worker's first event):
sequential $(echo "$FBS_SEQ" | grep -o '"queued_to_assigned":{[^}]*}' | cut -d: -f2-) / $(echo "$FBS_SEQ" | grep -o '"assigned_to_running":{[^}]*}' | cut -d: -f2-);
burst $(echo "$FBS_BURST" | grep -o '"queued_to_assigned":{[^}]*}' | cut -d: -f2-) / $(echo "$FBS_BURST" | grep -o '"assigned_to_running":{[^}]*}' | cut -d: -f2-)
MD
