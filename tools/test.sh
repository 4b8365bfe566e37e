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
run_world()
{
    world=$1
    echo "== tests: $world =="
    make -s -C "$build/$world" -j"$jobs" check >"$build/check-$world.out" 2>&1 || status=1
    summarize "$build/$world"
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
if [ $status -ne 0 ]; then
    echo "tests: FAILED"
    exit 1
fi
echo "tests: all passed in both worlds"
