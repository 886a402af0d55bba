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
