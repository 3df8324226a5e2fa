#!/usr/bin/env bash
# tests/fuzz/run.sh [SECONDS] [TARGET...] - build (if needed) and run the libFuzzer targets.
#
# Each target runs for SECONDS (default 15) from its committed seeds in
# tests/fuzz/corpus/<target>/ (read only: what it finds goes to a scratch directory under
# the build directory, emptied at every run), with its dictionary from tests/fuzz/dict/.
# Targets run FUZZ_JOBS at a time (default: the number of cores). Crash, leak, timeout and
# out-of-memory inputs are written to $FUZZ_BUILD_DIR/artifacts/<target>/, never to the
# corpus. Prints one line per target and, last, a summary line:
#   fuzz: fuzz_request 123456 execs, fuzz_form 234567 execs, ...
# Exit status: 0 if every target ran clean; 1 if any crashed, leaked, timed out, ran out
# of memory or did not run.
#
# Environment:
#   FUZZ_BUILD_DIR   build directory                                  (default <repo>/build-fuzz)
#   FUZZ_JOBS        targets run at once                              (default: number of cores)
#   FUZZ_FLAGS       extra libFuzzer flags for every target, e.g. "-seed=1 -jobs=1"
#   FUZZ_KEEP_CORPUS 1: keep the scratch corpus of the previous run (grow it over runs)
set -uo pipefail

FUZZ_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOP="$(cd "$FUZZ_DIR/../.." && pwd)"
OUT="${FUZZ_BUILD_DIR:-$TOP/build-fuzz}"
export FUZZ_BUILD_DIR="$OUT"
SECS="${1:-15}"
[ "$#" -gt 0 ] && shift
JOBS="${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}"

case "$SECS" in ''|*[!0-9]*) echo "usage: tests/fuzz/run.sh [SECONDS] [TARGET...]" >&2; exit 2 ;; esac

if [ "$#" -gt 0 ]; then
    TARGETS=("$@")
else
    TARGETS=()
    for f in "$FUZZ_DIR"/fuzz_*.c; do
        t="$(basename "$f" .c)"
        [ "$t" = fuzz_common ] || TARGETS+=("$t")
    done
fi

# the longest input each target is given: a request's parameters, a body, a header
max_len() {
    case "$1" in
        fuzz_request) echo 2048 ;;
        fuzz_handlers) echo 8192 ;;
        fuzz_form) echo 2048 ;;
        fuzz_json_*) echo 8192 ;;
        fuzz_venafi_scope) echo 512 ;;
        fuzz_filter) echo 1024 ;;
        fuzz_if_match) echo 256 ;;
        fuzz_authorization) echo 1024 ;;
        fuzz_jose) echo 4096 ;;
        *) echo 4096 ;;
    esac
}

dict_for() {
    local t="$1"
    if [ -f "$FUZZ_DIR/dict/$t.dict" ]; then
        echo "$FUZZ_DIR/dict/$t.dict"
    elif [ "${t#fuzz_json_}" != "$t" ] && [ -f "$FUZZ_DIR/dict/json.dict" ]; then
        echo "$FUZZ_DIR/dict/json.dict"
    fi
}

echo "==> building fuzz targets in $OUT"
BUILD_START=$(date +%s)
mkdir -p "$OUT"
"$FUZZ_DIR/build.sh" "${TARGETS[@]}" >"$OUT/build.log" 2>&1 || {
    tail -n 40 "$OUT/build.log"
    echo "fuzz: build FAILED (see $OUT/build.log)"
    exit 1
}
grep -h 'WARNING' "$OUT/build.log" || true
echo "==> built in $(( $(date +%s) - BUILD_START ))s; running ${#TARGETS[@]} targets for ${SECS}s each, $JOBS at a time"

# Sanitizer behaviour is ours, not whatever the caller's environment says.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:allocator_may_return_null=0:handle_abort=1:symbolize=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:symbolize=1"
export LSAN_OPTIONS="report_objects=0"
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ]; then
    for s in llvm-symbolizer-14 llvm-symbolizer; do
        if command -v "$s" >/dev/null 2>&1; then export ASAN_SYMBOLIZER_PATH; ASAN_SYMBOLIZER_PATH="$(command -v "$s")"; break; fi
    done
fi

run_one() {
    local t="$1" bin="$OUT/bin/$1" seeds="$FUZZ_DIR/corpus/$1"
    local scratch="$OUT/run/$1/corpus" art="$OUT/artifacts/$1" log="$OUT/run/$1/fuzz.log" dict rc=0
    [ "${FUZZ_KEEP_CORPUS:-0}" = 1 ] || rm -rf "$scratch"
    mkdir -p "$scratch" "$art"
    [ -d "$seeds" ] || mkdir -p "$seeds"
    dict="$(dict_for "$t")"
    local args=(-max_total_time="$SECS" -max_len="$(max_len "$t")" -timeout=10 -rss_limit_mb=2048
        -print_final_stats=1 -artifact_prefix="$art/")
    [ -n "$dict" ] && args+=(-dict="$dict")
    # shellcheck disable=SC2206
    [ -n "${FUZZ_FLAGS:-}" ] && args+=(${FUZZ_FLAGS})
    # new inputs go to the first directory (scratch); the committed seeds are only read
    timeout -k 10 $((SECS + 120)) "$bin" "${args[@]}" "$scratch" "$seeds" >"$log" 2>&1 || rc=$?
    echo "$rc" >"$OUT/run/$1/rc"
}

mkdir -p "$OUT/run"
touch "$OUT/run/.started"      # artifacts newer than this are this run's
running=0
for t in "${TARGETS[@]}"; do
    [ -x "$OUT/bin/$t" ] || { echo "fuzz: no binary $OUT/bin/$t"; exit 1; }
    rm -f "$OUT/run/$t/rc"
    run_one "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$JOBS" ]; then
        wait -n
        running=$((running - 1))
    fi
done
wait

fail=0
summary=()
for t in "${TARGETS[@]}"; do
    log="$OUT/run/$t/fuzz.log"
    rc="$(cat "$OUT/run/$t/rc" 2>/dev/null || echo missing)"
    execs="$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)"
    [ -n "$execs" ] || execs="$(sed -n 's/^Done \([0-9]*\) runs in.*/\1/p' "$log" | tail -n 1)"
    speed="$(sed -n 's/^stat::average_exec_per_sec: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)"
    cov="$(grep -Eo 'cov: [0-9]+' "$log" | tail -n 1 | sed 's/cov: //')"
    added="$(sed -n 's/^stat::new_units_added: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)"
    status=ok
    if [ "$rc" != 0 ] || grep -Eq '^==[0-9]+== ?ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|^SUMMARY: |runtime error:' "$log"; then
        status="FAILED (exit $rc)"
        fail=1
    elif [ -z "$execs" ] || [ "$execs" -eq 0 ]; then
        status="FAILED (no executions)"
        fail=1
    fi
    printf '%-20s %10s execs %8s exec/s  cov %-5s new %-5s %s\n' "$t" "${execs:-?}" "${speed:-?}" "${cov:-?}" \
        "${added:-?}" "$status"
    if [ "$status" != ok ]; then
        echo "----- $t: $log -----"
        grep -E -m1 -A40 '==[0-9]+== ?ERROR|invariant broken|runtime error:|ERROR: libFuzzer' "$log" | head -n 60
        find "$OUT/artifacts/$t" -type f -newer "$OUT/run/.started" 2>/dev/null | sed 's|^|  artifact: |'
        echo "-----"
        summary+=("$t FAILED")
    else
        summary+=("$t ${execs} execs")
    fi
done

line="fuzz:"
for i in "${!summary[@]}"; do
    [ "$i" -eq 0 ] && line="$line ${summary[$i]}" || line="$line, ${summary[$i]}"
done
echo "$line"
exit "$fail"
