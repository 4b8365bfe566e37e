#!/bin/sh
# Builds everything and runs the whole test suite in both worlds: the
# native test programs against libtpool, and the same sources built with
# mingw-w64 under Wine against tpool.dll.  Fails if either world fails.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${TPOOL_BUILD:-$top/build}
jobs=$(nproc 2>/dev/null || echo 2)

"$top/tools/build.sh" --no-demo

export WINEPREFIX=$build/wineprefix WINEDEBUG=-all
wineserver -p >/dev/null 2>&1 </dev/null || true
wine wineboot >/dev/null 2>&1 </dev/null || true
trap 'wineserver -k >/dev/null 2>&1 || true' EXIT

status=0
# The model-checked stress test runs 1,000,000 operations natively and
# 100,000 under Wine (plain make check runs a short default).
stress_native="TPOOL_STRESS_RUNS=10 TPOOL_STRESS_OPS=100000"
stress_win64="TPOOL_STRESS_RUNS=2 TPOOL_STRESS_OPS=50000"

run_world()
{
    world=$1
    echo "== tests: $world =="
    eval "stress=\$stress_$world"
    env $stress make -s -C "$build/$world" -j"$jobs" check >"$build/check-$world.out" 2>&1 || status=1
    summarize "$build/$world"
    grep -h '^stress:' "$build/$world/tests/test_stress.log" 2>/dev/null | sed 's/^/  /' || true
}

summarize()
{
    for log in "$1"/tests/*.log; do
        [ -f "$log" ] || continue
        name=$(basename "$log" .log)
        run=$(sed -n 's/^\[==========\] \([0-9]*\) test(s) run\./\1/p' "$log" | awk '{s+=$1} END {print s+0}')
        passed=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\./\1/p' "$log" | awk '{s+=$1} END {print s+0}')
        failed=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s), listed below:/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
        result=$(sed -n 's/^:test-result: //p' "$1/tests/$name.trs" 2>/dev/null | head -n 1)
        printf '  %-20s %4s run %4s passed %4s failed   %s\n' "$name" "$run" "$passed" "$failed" "$result"
        case $result in PASS) ;; *) sed 's/^/    | /' "$log" | tail -n 40 ;; esac
    done
}

run_world native
"$top/tools/check-imports.sh" "$build/win64" || status=1
run_world win64
# The installed SDK in both worlds, and the Wine drop-in in a fresh prefix.
"$top/tools/sdk-test.sh" "$build/native" "$build/win64" || status=1
"$top/tools/dropin-test.sh" "$build/win64" || status=1
# Wine's own thread pool conformance tests, in Windows' expectations.
echo "== Wine's conformance tests =="
"$top/tools/winetest.sh" --mode windows --tpool-build "$build/win64" || status=1
# The benchmark's smoke mode: every workload completes with the right
# callback counts, all run by tpool; no timing is asserted.
echo "== tpbench smoke test =="
if "$top/tools/tpbench.sh" --short --no-build >"$build/tpbench-short.out" 2>&1; then
    tail -n 1 "$build/tpbench-short.out"
else
    grep -v '^\[.* ok$' "$build/tpbench-short.out" | tail -n 60
    status=1
fi
# The native suite again under ASan+UBSan, TSan and valgrind memcheck.
echo "== sanitizers =="
"$top/tools/sanitize.sh" || status=1
if [ $status -ne 0 ]; then
    echo "tests: FAILED"
    exit 1
fi
echo "tests: all passed in both worlds"
