# Shared parts of the FBS TEST STAND-INS for livemedia-creator, kiwi-ng, pungi, pungi-4.9 and ksflatten. Sourced by them,
# never run. None of this is a Fedora tool: see each stand-in's header for what it models and how strictly.
#
# Test controls (environment), the same for every stand-in:
#   FBS_STANDIN_FAIL=1          print a few progress lines, then "ERROR: stand-in told to fail", exit 1
#   FBS_STANDIN_SLEEP=N         spend N seconds (may be fractional) spread over the progress lines
#   FBS_STANDIN_REQUIRE_ROOT=1  do the real tool's root check (skipped otherwise, so tests run as anyone)
#   FBS_STANDIN_VERSION=N       the version number the version option reports (default: the upstream release
#                               the stand-in models), so a test can show a worker an older or newer tool
# Every stand-in that builds starts one child process ("stand-in child process PID") that lives as long as
# the stand-in does. On a normal exit the stand-in ends it; on SIGTERM it does NOT (image tools leave
# children behind when killed): so a test can prove that FBS stops the whole process tree, not just the tool.
#
# No eval; every expansion is quoted; commands are run with argument lists.

# shellcheck source=xorriso.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/xorriso.sh"

# ---- the option table and a parser shared by the stand-ins -------------------------------------------------

declare -A OPT_TABLE=() # option string -> "KIND KEY"; KIND is value, append, flag, help or version
declare -A VAL=()       # KEY -> value (append: values joined by newlines)
declare -A SEEN=()      # KEY -> 1 once given
EMPTY_VALUES=()         # option strings given an empty value
POSITIONALS=()
UNKNOWN=()
EXTRAS=()               # unknown options and positionals in command-line order, as argparse reports them
REST=()                 # what follows the first positional, when parsing stops there

standin_option() { # KIND KEY OPTION_STRING...
    local kind="$1" key="$2" name
    shift 2
    for name in "$@"; do
        OPT_TABLE["$name"]="$kind $key"
    done
}

# The long option that NAME abbreviates, the way Python argparse (allow_abbrev, the default) resolves it:
# an exact match wins, else a unique prefix; several prefixes are an error (Lib/argparse.py
# _parse_optional/_get_option_tuples, Python 3.6-3.13). Prints the option string, or nothing if unknown.
standin_resolve_abbrev() { # NAME
    local name="$1" option matches=()
    if [[ -n "${OPT_TABLE[$name]:-}" || "$name" != --* ]]; then
        printf '%s' "$name"
        return 0
    fi
    for option in "${!OPT_TABLE[@]}"; do
        [[ "$option" == --* && "$option" == "$name"* ]] && matches+=("$option")
    done
    if ((${#matches[@]} > 1)); then
        local sorted
        sorted="$(printf '%s\n' "${matches[@]}" | sort | paste -sd, | sed 's/,/, /g')"
        standin_usage_error "ambiguous option: $name could match $sorted"
    fi
    ((${#matches[@]} == 1)) && printf '%s' "${matches[0]}"
    return 0
}

# Parses "$@" against OPT_TABLE: "--opt value", "--opt=value", "-o value", "-ovalue". Unknown options go to
# UNKNOWN (the caller reports them as its tool does). With STOP_AT_POSITIONAL=1 parsing stops at the first
# positional, which goes to POSITIONALS and the rest to REST. An option without its value calls
# "standin_usage_error MESSAGE", which each stand-in defines in its tool's words. With ALLOW_ABBREV=1 a long
# option may be abbreviated as argparse allows. A "version" option calls standin_show_version (if the
# stand-in defines it) and exits 0 where it stands, as argparse's version action does: the arguments after
# it are never looked at.
standin_parse() {
    local args=("$@") n=$# i=0 arg name value has_value entry kind key
    while ((i < n)); do
        arg="${args[i]}"
        i=$((i + 1))
        if [[ "$arg" == "--" ]]; then
            POSITIONALS+=("${args[@]:i}")
            return 0
        fi
        if [[ "$arg" != -* || "$arg" == "-" ]]; then
            POSITIONALS+=("$arg")
            EXTRAS+=("$arg")
            if [[ "${STOP_AT_POSITIONAL:-0}" == "1" ]]; then
                REST=("${args[@]:i}")
                return 0
            fi
            continue
        fi
        name="$arg" has_value=0 value=""
        if [[ "$arg" == --*=* ]]; then
            name="${arg%%=*}" value="${arg#*=}" has_value=1
        elif [[ "$arg" != --* && ${#arg} -gt 2 && -n "${OPT_TABLE[${arg:0:2}]:-}" ]]; then
            name="${arg:0:2}" value="${arg:2}" has_value=1
        fi
        if [[ "${ALLOW_ABBREV:-0}" == "1" ]]; then
            name="$(standin_resolve_abbrev "$name")" || exit 2
            [[ -z "$name" ]] && name="$arg"
        fi
        entry="${OPT_TABLE[$name]:-}"
        if [[ -z "$entry" ]]; then
            UNKNOWN+=("$arg")
            EXTRAS+=("$arg")
            continue
        fi
        kind="${entry% *}" key="${entry#* }"
        if [[ "$kind" == version ]] && ((!has_value)) && declare -F standin_show_version >/dev/null; then
            standin_show_version
            exit 0
        fi
        case "$kind" in
            flag | help | version)
                if ((has_value)); then
                    standin_usage_error "argument $name: ignored explicit argument '$value'"
                fi
                SEEN["$key"]=1
                continue
                ;;
        esac
        if ((!has_value)); then
            if ((i < n)) && [[ "${args[i]}" != -* || "${args[i]}" == "-" ]]; then
                value="${args[i]}"
                i=$((i + 1))
            else
                standin_usage_error "argument $name: expected one argument"
            fi
        fi
        [[ -z "$value" ]] && EMPTY_VALUES+=("$name")
        if [[ "$kind" == append && -n "${SEEN[$key]:-}" ]]; then
            VAL["$key"]+=$'\n'"$value"
        else
            VAL["$key"]="$value"
        fi
        SEEN["$key"]=1
    done
}

standin_values() { # KEY -> the values of an append option, one per line
    [[ -n "${SEEN[$1]:-}" ]] && printf '%s\n' "${VAL[$1]}"
    return 0
}

# ---- running --------------------------------------------------------------------------------------------

STANDIN_STEP_SLEEP="0.000"
STANDIN_SIGNALED=0
STANDIN_CHILD_PID=""
STANDIN_NAP_PID=""
STANDIN_CLEANUP_DIRS=()

standin_check_controls() { # STEPS: the progress lines that share FBS_STANDIN_SLEEP
    local total="${FBS_STANDIN_SLEEP:-0}"
    if ! [[ "$total" =~ ^[0-9]+([.][0-9]+)?$ ]]; then
        printf '%s stand-in: FBS_STANDIN_SLEEP must be a number of seconds, not %s\n' "$STANDIN_TOOL" "$total" >&2
        exit 1
    fi
    STANDIN_STEP_SLEEP="$(awk -v total="$total" -v steps="$1" 'BEGIN { printf "%.3f", total / steps }')"
}

# shellcheck disable=SC2317 # called from traps
standin_cleanup() {
    local dir
    [[ -n "$STANDIN_NAP_PID" ]] && kill "$STANDIN_NAP_PID" 2>/dev/null
    if ((STANDIN_SIGNALED == 0)) && [[ -n "$STANDIN_CHILD_PID" ]]; then
        kill "$STANDIN_CHILD_PID" 2>/dev/null
    fi
    for dir in "${STANDIN_CLEANUP_DIRS[@]}"; do
        [[ -d "$dir" ]] && rm -rf -- "$dir"
    done
    return 0
}
# shellcheck disable=SC2317
standin_on_signal() { # SIGNAL: die by it, leaving the child behind as a killed image tool would
    STANDIN_SIGNALED=1
    standin_cleanup
    trap - EXIT "$1"
    kill -s "$1" "$$"
}
standin_install_traps() {
    trap standin_cleanup EXIT
    trap 'standin_on_signal TERM' TERM
    trap 'standin_on_signal INT' INT
    trap 'standin_on_signal HUP' HUP
}

standin_start_child() {
    # A plain sleep in the background: it does not die with its parent, which is the point.
    sleep 2147483647 &
    STANDIN_CHILD_PID=$!
    standin_log INFO "stand-in child process $STANDIN_CHILD_PID started (it lives as long as the stand-in)"
}

standin_nap() {
    if [[ "$STANDIN_STEP_SLEEP" != "0.000" ]]; then
        sleep "$STANDIN_STEP_SLEEP" &
        STANDIN_NAP_PID=$!
        wait "$STANDIN_NAP_PID"
        STANDIN_NAP_PID=""
    fi
}

standin_progress() { # MESSAGE: one progress line, then this step's share of FBS_STANDIN_SLEEP
    standin_log INFO "$1"
    standin_nap
}

standin_fail() { # MESSAGE [EXIT_CODE]
    standin_log ERROR "$1"
    exit "${2:-1}"
}

standin_maybe_fail() {
    if [[ "${FBS_STANDIN_FAIL:-0}" == "1" ]]; then
        standin_fail "ERROR: stand-in told to fail"
    fi
}

standin_is_root_or_skip() { # MESSAGE: the real tool's words when not root
    if [[ "${FBS_STANDIN_REQUIRE_ROOT:-0}" == "1" ]]; then
        if [[ "$(id -u)" != "0" ]]; then
            standin_fail "$1"
        fi
    else
        standin_log INFO "stand-in: root check skipped (the real tool refuses to run unless root; set FBS_STANDIN_REQUIRE_ROOT=1 to check)"
    fi
}

# A repository URL as dnf would take it; a file:// rpm-md repository must have its metadata.
standin_check_repo() { # URL WHAT
    case "$1" in
        http://* | https://* | ftp://*) return 0 ;;
        file://*)
            if [[ ! -f "${1#file://}/repodata/repomd.xml" ]]; then
                standin_fail "$2: cannot download repomd.xml: ${1#file://}/repodata/repomd.xml does not exist"
            fi
            ;;
        *) standin_fail "$2: '$1' is not an http://, https://, ftp:// or file:// URL" ;;
    esac
}

# Kickstart checks every stand-in that reads one makes. pykickstart resolves %include itself, from paths
# that exist on the build machine; FBS must hand over a flattened kickstart, so one left over is refused.
standin_check_kickstart() { # FILE
    local include
    include="$(grep -m1 -E '^[[:space:]]*%include[[:space:]]' -- "$1" || true)"
    if [[ -n "$include" ]]; then
        standin_fail "stand-in check: $1 still has '$include'; FBS must flatten kickstarts (ksflatten) before running the tool"
    fi
    local url
    while read -r url; do
        standin_check_repo "$url" "kickstart repo"
    done < <(sed -n -E 's/^[[:space:]]*repo[[:space:]].*--baseurl[= ]+"?([^" ]+)"?.*/\1/p' -- "$1")
}

# A real (not bootable) ISO 9660 image of STAGEDIR.
standin_make_iso() { # VOLID ISO STAGEDIR PROGRAM_LOG
    command -v xorriso >/dev/null 2>&1 || standin_fail "stand-in: xorriso not found on PATH"
    mkdir -p -- "$(dirname -- "$2")"
    if ! standin_xorriso standin_log "$4" -as mkisofs -quiet -R -J -V "$1" -o "$2" "$3"; then
        standin_fail "xorriso failed, see $4"
    fi
}
