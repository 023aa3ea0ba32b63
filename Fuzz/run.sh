#!/usr/bin/env bash
# Runs the libFuzzer harnesses (Fuzz/README.md). Used by `make fuzz` and `make fuzz-ci`.
#
#   Fuzz/run.sh BINARY SECONDS CORPUS_ROOT [TARGET...]
#
# For each target (default: all): replays Fuzz/<reader>/regressions/ (each file once; a crash fails),
# then fuzzes for SECONDS into CORPUS_ROOT/<reader> (created from Fuzz/<reader>/seeds, grown in place,
# never inside the repository), and prints one line: executions, exec/s, coverage, corpus size. A
# reader's load target (`<reader>-load`) shares its folder and corpus with its parse target. Limits make a
# hang, a runaway allocation or a big RSS a finding: -timeout, -malloc_limit_mb, -rss_limit_mb.
# A finding stops with a non-zero status and leaves the reproducer in out/fuzz/<target>/.
# FUZZ_FORK=1 keeps going after a finding (long unattended runs). FUZZ_RUNS=N stops a target after N
# executions (SECONDS stays the cap): a campaign to a set number of executions.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN="$1"; SECONDS_EACH="$2"; CORPUS_ROOT="$3"; shift 3
TARGETS=("$@")
[[ ${#TARGETS[@]} -eq 0 ]] && TARGETS=(safetensors safetensors-load sharded onnx onnx-load hdf5 hdf5-load pytorch pytorch-load npy image config config-load)
[[ -x "$BIN" ]] || { echo "error: $BIN missing (make fuzz-build)" >&2; exit 1; }
# FUZZ_TIMEOUT: seconds of wall time one input may take (10). libFuzzer's clock is wall time: under
# `nice -n 19` on a loaded machine, raise it, or a starved process reports hangs that are not there.
LIMITS=(-rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout="${FUZZ_TIMEOUT:-10}")
# Swift's own crash handler would print a second backtrace, then fault under ASan in its memory
# server; libFuzzer's and ASan's reports are the ones wanted.
export SWIFT_BACKTRACE=enable=no
# Leaks inside libraries vitopt does not own (see the file); vitopt's own leaks still fail the run.
export LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
# Memory errors ASan sees inside libhdf5 (its own bugs; kept in Fuzz/hdf5/found/), see the file.
export ASAN_OPTIONS="suppressions=$PWD/Fuzz/asan.supp${ASAN_OPTIONS:+:$ASAN_OPTIONS}"

# Largest input per target: a whole tiny model must fit; smaller is faster.
max_len() {
    case "${1%-load}" in
        onnx|hdf5|pytorch) echo 131072 ;;
        safetensors) echo 65536 ;;
        *) echo 16384 ;;
    esac
}

status=0
summary=()
for t in "${TARGETS[@]}"; do
    reader="${t%-load}"
    dir="Fuzz/$reader"
    [[ -d "$dir/seeds" ]] || { echo "error: no $dir/seeds" >&2; exit 1; }
    artifacts="out/fuzz/$t"
    corpus="$CORPUS_ROOT/$reader"
    mkdir -p "$artifacts" "$corpus"
    dict=()
    [[ -f "$dir/$reader.dict" ]] && dict=(-dict="$dir/$reader.dict")

    regressions=("$dir"/regressions/*)
    if [[ -e "${regressions[0]}" ]]; then
        echo "== $t: replaying ${#regressions[@]} regression input(s)"
        if ! "$BIN" --target="$t" "${LIMITS[@]}" -artifact_prefix="$artifacts/" "${regressions[@]}" >"$artifacts/replay.log" 2>&1; then
            echo "FAIL $t: a regression input crashes again (log: $artifacts/replay.log)"
            tail -n 40 "$artifacts/replay.log"
            status=1
            continue
        fi
    fi

    echo "== $t: fuzzing ${SECONDS_EACH}s into $corpus"
    log="$artifacts/fuzz.log"
    extra=()
    [[ -n "${FUZZ_FORK:-}" ]] && extra=(-fork="$FUZZ_FORK" -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1)
    [[ -n "${FUZZ_RUNS:-}" ]] && extra+=(-runs="$FUZZ_RUNS")
    stamp="$artifacts/.started"; touch "$stamp"
    start=$(date +%s)
    "$BIN" --target="$t" "$corpus" "$dir/seeds" "${dict[@]}" -max_len="$(max_len "$t")" \
        -max_total_time="$SECONDS_EACH" -print_final_stats=1 -artifact_prefix="$artifacts/" "${LIMITS[@]}" "${extra[@]}" \
        >"$log" 2>&1
    rc=$?
    wall=$(( $(date +%s) - start ))
    # With -fork, findings do not stop the run: any new reproducer is a failure all the same.
    found=$(find "$artifacts" -maxdepth 1 -newer "$stamp" \( -name 'crash-*' -o -name 'leak-*' -o -name 'oom-*' -o -name 'timeout-*' -o -name 'slow-unit-*' \) | wc -l)
    [[ $rc -eq 0 && $found -gt 0 ]] && rc=1
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
    execs=${execs:-$(grep -oE '^#[0-9]+' <<<"$last" | tr -d '#')}
    cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*')
    corp=$(grep -oE 'corp: [0-9]+(/[0-9a-zA-Z]+)?' <<<"$last" | cut -d' ' -f2)
    rate=$(( ${execs:-0} / (wall > 0 ? wall : 1) ))
    line=$(printf '%-17s execs %-10s exec/s %-6s cov %-6s corpus %-12s' "$t" "${execs:-?}" "$rate" "${cov:-?}" "${corp:-?}")
    if [[ $rc -ne 0 ]]; then
        echo "FAIL $t (exit $rc, $found new reproducer(s)): see $artifacts/ (log: $log)"
        grep -m1 -E 'ERROR: (libFuzzer|AddressSanitizer)|Fatal error|SUMMARY' "$log"
        grep -E '^ *#[0-9]+ 0x' "$log" | head -n 12
        summary+=("$line FAIL")
        status=1
    else
        summary+=("$line ok")
    fi
done
echo "== fuzz summary (${SECONDS_EACH}s per target)"
printf '%s\n' "${summary[@]}"
exit $status
