# xorriso for the FBS TEST STAND-INS (sourced by them, never run; not part of any Fedora tool).
#
# Debian's xorriso 1.5.4 dies now and then of a SIGSEGV of its own ("UNIX-SIGNAL: SIGSEGV", about 1 run in 150 on a
# loaded machine; seen the same when started from bash as from the worker's JVM: same environment, limits, umask,
# stdin /dev/null, no blocked signals), which made builds of the stand-ins fail for no reason of FBS's. So a
# stand-in makes its ISO again when xorriso died of a signal, and says so in its log; any other failure stands.

STANDIN_XORRISO_ATTEMPTS=3

standin_xorriso() { # LOG_FUNCTION PROGRAM_LOG XORRISO_ARGS...: LOG_FUNCTION LEVEL MESSAGE writes the tool's log
    local log_fn="$1" program_log="$2" attempt rc out
    shift 2
    out="$(mktemp)"
    for ((attempt = 1; ; attempt++)); do
        rc=0
        xorriso "$@" >"$out" 2>&1 </dev/null || rc=$?
        cat -- "$out" >>"$program_log"
        if ((rc == 0)); then
            rm -f -- "$out"
            return 0
        fi
        if ((attempt >= STANDIN_XORRISO_ATTEMPTS)) || { ((rc <= 128)) && ! grep -q 'UNIX-SIGNAL' -- "$out"; }; then
            rm -f -- "$out"
            return "$rc"
        fi
        "$log_fn" WARNING "stand-in: xorriso died of a signal (exit $rc, attempt $attempt of $STANDIN_XORRISO_ATTEMPTS; a crash of xorriso 1.5.4 itself, not of the build): making the ISO again"
    done
}
