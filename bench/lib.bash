# Shell functions the benchmarks share; sourced by them, not run (bench/run runs the *.sh files).

# settle: waits until the master at $MASTER has no build queued, assigned or running, so that one phase's builds do
# not slow the next.
settle() {
    for _ in $(seq 1 600); do
        local busy=0
        for state in QUEUED ASSIGNED RUNNING; do
            curl -s "$MASTER/api/v1/builds?state=$state&limit=1" | grep -q '"id"' && busy=1
        done
        [ "$busy" = 0 ] && { quiet; return 0; }
        sleep 0.2
    done
    echo "bench: builds still running after 2 minutes" >&2
    return 1
}

# quiet: waits (up to 30 s) for a second in which the CPUs are at least 90% idle: what the last phase left going (the
# master's and the worker's own work once the builds have ended, garbage collection, the JIT) must not be measured in
# the next one.
quiet() {
    for _ in $(seq 1 30); do
        local a b
        a=$(head -1 /proc/stat)
        sleep 1
        b=$(head -1 /proc/stat)
        awk -v a="$a" -v b="$b" 'BEGIN { split(a, x); split(b, y); t = 0
            for (i = 2; i <= 8; i++) t += y[i] - x[i]
            exit !(t > 0 && (y[5] - x[5] + y[6] - x[6]) / t >= 0.9) }' && return 0
    done
    echo "bench: the CPUs were still busy 30 s after the phase ended" >&2
}

# bench_client DIR JAR: compiles the benchmark client (bench/src/ServiceBench.java) into DIR once and sets BENCH to the
# command that runs it. Compiled ahead and run with the quick compiler only (-XX:TieredStopAtLevel=1): the client
# shares the 2 cores with what it measures, and the source launcher's compile and the full JIT's work while a phase
# runs would be charged to the service.
bench_client() {
    mkdir -p "$1"
    javac -nowarn -d "$1" -cp "$2" "$(dirname "${BASH_SOURCE[0]}")/src/ServiceBench.java"
    BENCH=(java -XX:TieredStopAtLevel=1 -cp "$2:$1" ServiceBench)
}

# noop_tool DIR: sets NOOP_TOOL to the no-op stand-in for lorax: bench/noop-lorax.c compiled into DIR when a C
# compiler is there (one process per build; linked statically when it can be, which halves its start: 1.5 ms
# against 2.5 ms here), else the script bench/noop-lorax (sh and mkdir, 6.7 ms).
noop_tool() {
    local here
    here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
    NOOP_TOOL=$here/noop-lorax
    if command -v cc >/dev/null && mkdir -p "$1" && { cc -O2 -static -o "$1/noop-lorax" "$here/noop-lorax.c" 2>/dev/null \
            || cc -O2 -o "$1/noop-lorax" "$here/noop-lorax.c"; }; then
        NOOP_TOOL=$1/noop-lorax
    fi
    echo "bench: the no-op lorax is $NOOP_TOOL"
}

# compiled PID...: how many methods the JIT of these JVMs has compiled so far, all tiers (jstat -compiler).
compiled() {
    local pid n=0
    for pid; do
        n=$((n + $(jstat -compiler "$pid" | awk 'NR == 2 { print $1 }')))
    done
    echo "$n"
}

# warm_up MAX_ROUNDS QUIET PID... -- COMMAND...: runs COMMAND (one round of warm-up work) until a round makes the
# JIT of the JVMs PID... compile fewer than QUIET methods, or MAX_ROUNDS rounds have run. A method a service runs once
# per build reaches the optimizing compiler only after thousands of builds, and until then the compiler takes CPU
# from whatever is measured (a sixth of 2 cores after 2,000 builds). Prints the rounds and the last round's count.
warm_up() {
    local max=$1 quiet=$2 pids=() round before after
    shift 2
    while [ "$1" != -- ]; do pids+=("$1"); shift; done
    shift
    after=$(compiled "${pids[@]}")
    for round in $(seq 1 "$max"); do
        before=$after
        "$@" >/dev/null
        settle
        after=$(compiled "${pids[@]}")
        [ $((after - before)) -lt "$quiet" ] && break
    done
    echo "bench: warmed up in $round round(s); the last one made $((after - before)) JIT compilations"
}

# cpu_times: the CPUs' times so far (the first line of /proc/stat); cpu_busy TIMES: the share of the time since TIMES
# the CPUs were busy, in percent (everything but idle and iowait).
cpu_times() { head -1 /proc/stat; }
cpu_busy() {
    awk -v a="$1" -v b="$(cpu_times)" 'BEGIN { split(a, x); split(b, y); t = 0
        for (i = 2; i <= 8; i++) t += y[i] - x[i]
        printf "%.0f", (t > 0 ? 100 * (1 - (y[5] - x[5] + y[6] - x[6]) / t) : 0) }'
}
