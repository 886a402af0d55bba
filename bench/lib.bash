# Shell functions the benchmarks share; sourced by them, not run (bench/run runs the *.sh files).

# settle: waits until the master at $MASTER has no build queued, assigned or running, so that one phase's builds do
# not slow the next.
settle() {
    for _ in $(seq 1 600); do
        local busy=0
        for state in QUEUED ASSIGNED RUNNING; do
            curl -s "$MASTER/api/v1/builds?state=$state&limit=1" | grep -q '"id"' && busy=1
        done
        [ "$busy" = 0 ] && return 0
        sleep 0.2
    done
    echo "bench: builds still running after 2 minutes" >&2
    return 1
}
