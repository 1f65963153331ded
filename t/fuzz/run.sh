#!/bin/bash
#
# t/fuzz/run.sh [SECONDS]: builds the libFuzzer targets t/fuzz/fuzz_*.c with
# AddressSanitizer and UndefinedBehaviorSanitizer into build/fuzz/, runs each
# for SECONDS (default 15) on a copy of its seed corpus, then runs every file
# under t/fuzz/regressions/<target>/ once.  Exits non-zero on any crash,
# sanitizer report, timeout or out-of-memory (the input that did it is kept
# as build/fuzz/<target>-crash-*, -timeout-*, -oom-* or -leak-*).
#
#   t/fuzz/run.sh          15 s per target   (make fuzz)
#   t/fuzz/run.sh 600      10 min per target
#   t/fuzz/run.sh 0        build, then the regressions and seeds only
#
# Environment:
#   FUZZ_TARGETS="fuzz_text fuzz_query"   only these targets
#   FUZZ_CFLAGS="-DFUZZ_LAX -fno-sanitize=pointer-overflow"
#                                          extra compiler flags, last on the
#                                          command line: FUZZ_LAX skips the
#                                          design checks of fuzz_text that
#                                          known regressions fail, to explore
#                                          past a known bug)
#   FUZZ_JSONL_FINISH=N                    fuzz_jsonl: one input in N (default
#                                          16; 1 all, 0 none) is also built on
#                                          its own, finished, opened, verified
#                                          and read back (slow: see the file)
#   CC=clang-14                            the compiler (default clang)
#
# Nothing is installed here: it needs clang with the libFuzzer runtime
# (Debian: clang libclang-rt-14-dev) and the libraries the loader links
# (liblmdb-dev libutf8proc-dev libjansson-dev libpcre2-dev).
#
# The committed corpus t/fuzz/corpus/<target>/ is only read: the fuzzer
# works in build/fuzz/corpus-<target>/, which keeps what it found from one
# run to the next (remove it to start afresh).  To keep a new regression,
# copy the crash input to t/fuzz/regressions/<target>/.

set -euo pipefail

seconds=${1:-15}

if ! [[ "$seconds" =~ ^[0-9]+$ ]]; then
    echo "usage: $0 [SECONDS]" >&2
    exit 2
fi

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

out=build/fuzz
CC=${CC:-clang}
FUZZ_CFLAGS=${FUZZ_CFLAGS:-}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
CFLAGS="-g -O1 -std=gnu99 -Isrc -Isrc/loader"
LIBS="-llmdb -llz4 -lz -lutf8proc -ljansson -lpcre2-8"

# --- what is needed, checked, never installed --------------------------------

if ! command -v "$CC" >/dev/null 2>&1; then
    echo "fuzz: $CC not found; on Debian: apt-get install -y clang libclang-rt-14-dev" >&2
    exit 1
fi

mkdir -p "$out"

probe=$out/probe.c
cat > "$probe" <<'EOF'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return 0; }
EOF

if ! "$CC" -fsanitize=fuzzer,address,undefined "$probe" -o "$out/probe" \
        > "$out/probe.log" 2>&1; then
    echo "fuzz: $CC cannot link a libFuzzer target with ASan+UBSan" \
         "(the libFuzzer runtime is missing?):" >&2
    sed 's/^/    /' "$out/probe.log" | head -5 >&2
    echo "on Debian: apt-get install -y clang libclang-rt-14-dev" >&2
    exit 1
fi

for h in lmdb.h utf8proc.h jansson.h pcre2.h; do
    if ! echo "#define PCRE2_CODE_UNIT_WIDTH 8
#include <$h>" | "$CC" -E -x c - >/dev/null 2>&1; then
        echo "fuzz: <$h> not found (make deps installs the -dev packages)" >&2
        exit 1
    fi
done

rm -f "$probe" "$out/probe" "$out/probe.log"

# --- build -------------------------------------------------------------------

# the nginx-free sources, as the loader links them, but not its main()
srcs=$(ls src/resources_*.c src/loader/*.c | grep -v '/resources_load\.c$')

targets=${FUZZ_TARGETS:-$(cd t/fuzz && ls fuzz_*.c | sed 's/\.c$//')}

mkdir -p "$out/obj"
objs=""

start=$(date +%s)

for src in $srcs; do
    obj=$out/obj/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')
    objs="$objs $obj"
    # coverage instrumentation without libFuzzer's main()
    "$CC" $CFLAGS $SAN -fsanitize=fuzzer-no-link $FUZZ_CFLAGS -c "$src" -o "$obj" &
done

wait_all() {
    local rc=0 pid
    for pid in $(jobs -p); do
        wait "$pid" || rc=1
    done
    return $rc
}

if ! wait_all; then
    echo "fuzz: build failed" >&2
    exit 1
fi

for t in $targets; do
    "$CC" $CFLAGS $SAN -fsanitize=fuzzer $FUZZ_CFLAGS "t/fuzz/$t.c" $objs -o "$out/$t" \
        $LIBS &
done

if ! wait_all; then
    echo "fuzz: build failed" >&2
    exit 1
fi

echo "fuzz: built $(echo $targets | wc -w) targets in $(( $(date +%s) - start ))s into $out/"

# --- run ---------------------------------------------------------------------

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TMPDIR=${FUZZ_TMPDIR:-/tmp}

ntargets=0
total=0
crashes=0
failed=""

for t in $targets; do
    ntargets=$((ntargets + 1))
    corpus=$out/corpus-$t
    log=$out/$t.log
    mkdir -p "$corpus"

    if [ -d "t/fuzz/corpus/$t" ]; then
        cp -n t/fuzz/corpus/$t/* "$corpus/" 2>/dev/null || true
    fi


    rc=0

    if [ "$seconds" -gt 0 ]; then
        "$out/$t" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
            -rss_limit_mb=2048 -print_final_stats=1 \
            -artifact_prefix="$out/$t-" "$corpus" > "$log" 2>&1 || rc=$?
    else
        # no fuzzing: every seed once
        "$out/$t" -runs=0 -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
            -print_final_stats=1 -artifact_prefix="$out/$t-" "$corpus" \
            > "$log" 2>&1 || rc=$?
    fi

    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    new=$(sed -n 's/^stat::new_units_added: *//p' "$log" | tail -1)
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)

    if [ -z "$execs" ]; then
        # a crash leaves no final stats: the last status line says how far
        execs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
        execs=${execs:-0}
    fi

    status=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -o 'cov: [0-9]* ft: [0-9]* corp: [^ ]*' || true)

    total=$((total + execs))

    if [ "$rc" -ne 0 ]; then
        crashes=$((crashes + 1))
        failed="$failed $t"
        art=$(ls -t "$out" | grep "^$t-\(crash\|timeout\|oom\|leak\)-" | head -1 || true)
        echo "fuzz: $t: FAILED (exit $rc) after $execs executions; input: $out/$art; log: $log"
        grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|.*check failed at line)' "$log" \
            | head -5 | sed 's/^/    /'
    else
        echo "fuzz: $t: $execs executions, ${rate:-0} exec/s, ${new:-0} new units, ${status:-?}, peak rss ${rss:-?} MB"
    fi

    # the regressions, once each

    if [ -d "t/fuzz/regressions/$t" ]; then
        for f in t/fuzz/regressions/$t/*; do
            [ -f "$f" ] || continue
            rlog=$out/$t.regression-$(basename "$f").log
            if "$out/$t" -runs=1 -timeout=10 -rss_limit_mb=2048 "$f" > "$rlog" 2>&1; then
                echo "fuzz: $t: regression $f: ok"
            else
                crashes=$((crashes + 1))
                failed="$failed $t:$(basename "$f")"
                echo "fuzz: $t: regression $f: FAILED (log: $rlog)"
                grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|.*check failed at line)|in (resources|fuzz)_' "$rlog" \
                    | head -6 | sed 's/^/    /'
            fi
            total=$((total + 1))
        done
    fi
done

# fuzz_jsonl's LMDB files left by a process that crashed (no atexit)
for f in "$TMPDIR"/fuzz_jsonl.*.mdb; do
    [ -f "$f" ] || continue
    pid=${f##*/fuzz_jsonl.}
    pid=${pid%%.*}
    kill -0 "$pid" 2>/dev/null || rm -f "$f"
done

echo "fuzz: $ntargets targets, $total executions, $crashes crashes"

if [ "$crashes" -ne 0 ]; then
    echo "fuzz: failed:$failed" >&2
    exit 1
fi
