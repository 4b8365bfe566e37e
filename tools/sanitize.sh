#!/bin/sh
# Builds the native test suite three more times and runs it: under
# AddressSanitizer + UndefinedBehaviorSanitizer, under ThreadSanitizer, and
# under valgrind memcheck.  Every report fails the run (docs/reliability.md).
# usage: tools/sanitize.sh [asan] [tsan] [valgrind]   (default: all three)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${TPOOL_BUILD:-$top/build}
jobs=$(nproc 2>/dev/null || echo 2)
variants=${*:-asan tsan valgrind}

# Static library: the test programs are real executables (no libtool
# wrapper scripts for valgrind to trip on) and carry the runtime.
configure_variant()
{
    dir=$build/sanitize-$1; shift
    mkdir -p "$dir"
    if [ ! -f "$dir/Makefile" ]; then
        (cd "$dir" && "$top/configure" -q --disable-shared "$@")
    fi
}

# Counts the reports of one tool in the test logs.
count_reports()
{
    dir=$1 pattern=$2
    cat "$dir"/tests/*.log 2>/dev/null | grep -c -E "$pattern" || true
}

tests_run()
{
    sed -n 's/^\[==========\] \([0-9]*\) test(s) run\./\1/p' "$1"/tests/*.log 2>/dev/null |
        awk '{s+=$1} END {print s+0}'
}

programs_passed()
{
    grep -l '^:test-result: PASS' "$1"/tests/*.trs 2>/dev/null | wc -l
}

status=0
run_variant()
{
    name=$1 flags=$2 pattern=$3
    shift 3
    dir=$build/sanitize-$name
    start=$(date +%s)
    configure_variant "$name" CFLAGS="-O1 -g -fno-omit-frame-pointer $flags" LDFLAGS="$flags"
    make -s -C "$dir" -j"$jobs" all >"$dir/build.out" 2>&1 &&
        make -s -C "$dir" -j"$jobs" check TESTS= >>"$dir/build.out" 2>&1 ||
        { cat "$dir/build.out"; echo "sanitize: $name: build failed"; status=1; return; }
    built=$(date +%s)
    rm -f "$dir"/tests/*.log "$dir"/tests/*.trs
    result=passed
    make -s -C "$dir" -j"$jobs" check "$@" >"$dir/check.out" 2>&1 || { result=FAILED; status=1; }
    done_at=$(date +%s)
    programs=$(ls "$dir"/tests/*.trs 2>/dev/null | wc -l)
    printf 'sanitize: %-8s %s: build %ss, tests %ss, %s/%s programs passed, %s tests run, %s reports\n' \
        "$name" "$result" $((built - start)) $((done_at - built)) "$(programs_passed "$dir")" \
        "$programs" "$(tests_run "$dir")" "$(count_reports "$dir" "$pattern")"
    if [ $result != passed ]; then
        for trs in "$dir"/tests/*.trs; do
            grep -q '^:test-result: PASS' "$trs" && continue
            echo "  == ${trs%.trs}.log"
            tail -n 60 "${trs%.trs}.log" | sed 's/^/    | /'
        done
    fi
}

export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=0:strict_string_checks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1"

for variant in $variants; do
    case $variant in
    asan)
        run_variant asan "-fsanitize=address,undefined -fno-sanitize-recover=all" \
            'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' ;;
    tsan)
        # gcc 12's TSan cannot map its shadow under the high ASLR entropy
        # of recent kernels ("unexpected memory mapping"): no randomization.
        run_variant tsan "-fsanitize=thread" 'WARNING: ThreadSanitizer|FATAL: ThreadSanitizer' \
            LOG_COMPILER="setarch $(uname -m) --addr-no-randomize" ;;
    valgrind)
        run_variant valgrind "" 'ERROR SUMMARY: [1-9]|definitely lost: [1-9]|indirectly lost: [1-9]' \
            LOG_COMPILER="valgrind --error-exitcode=99 --leak-check=full \
                --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
                --child-silent-after-fork=yes" ;;
    *)
        echo "usage: $0 [asan] [tsan] [valgrind]" >&2; exit 2 ;;
    esac
done
exit $status
