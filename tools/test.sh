#!/bin/sh
# Builds everything and runs the whole test suite in both worlds: the
# native test programs against libtpool, and the same sources built with
# mingw-w64, 64-bit and 32-bit, against tpool.dll under each Wine version:
# the host's (Debian 12's 8.0) and Debian 13's 10.0 in a chroot
# (tools/wine-chroot).  Under each Wine: the suites of both architectures,
# the drop-in test and Wine's conformance tests of that version.  Fails if
# anything fails.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${TPOOL_BUILD:-$top/build}
jobs=$(nproc 2>/dev/null || echo 2)

"$top/tools/build.sh" --no-demo

export WINEDEBUG=-all
host_path=$PATH
status=0
# The model-checked stress test runs 1,000,000 operations natively and
# 100,000 under each Wine (plain make check runs a short default).
stress_native="TPOOL_STRESS_RUNS=10 TPOOL_STRESS_OPS=100000"
stress_wine="TPOOL_STRESS_RUNS=2 TPOOL_STRESS_OPS=50000"

# run_suites WORLD LABEL: make check in build/WORLD; the logs are kept in
# build/results/LABEL.
run_suites()
{
    world=$1 label=$2
    echo "== tests: $label =="
    case $world in native) stress=$stress_native ;; *) stress=$stress_wine ;; esac
    env $stress make -s -C "$build/$world" -j"$jobs" check >"$build/check-$label.out" 2>&1 || status=1
    results=$build/results/$label
    rm -rf "$results"
    mkdir -p "$results"
    cp "$build/$world"/tests/*.log "$build/$world"/tests/*.trs "$results/" 2>/dev/null || true
    summarize "$results"
    grep -h '^stress:' "$results/test_stress.log" 2>/dev/null | sed 's/^/  /' || true
}

summarize()
{
    for log in "$1"/*.log; do
        [ -f "$log" ] || continue
        test_name=$(basename "$log" .log)
        run=$(sed -n 's/^\[==========\] \([0-9]*\) test(s) run\./\1/p' "$log" | awk '{s+=$1} END {print s+0}')
        passed=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\./\1/p' "$log" | awk '{s+=$1} END {print s+0}')
        failed=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s), listed below:/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
        result=$(sed -n 's/^:test-result: //p' "$1/$test_name.trs" 2>/dev/null | head -n 1)
        printf '  %-20s %4s run %4s passed %4s failed   %s\n' "$test_name" "$run" "$passed" "$failed" "$result"
        case $result in PASS) ;; *) sed 's/^/    | /' "$log" | tail -n 40 ;; esac
    done
}

# under_wine VERSION: everything Windows, under one Wine version.
under_wine()
{
    version=$1
    if [ "$version" = chroot ]; then
        PATH=$("$top/tools/wine-chroot" bin):$host_path
        fetch="$top/tools/wine-chroot source"
    else
        PATH=$host_path
        fetch=""
    fi
    export PATH
    wine_name=$(wine --version | cut -d' ' -f1)
    WINEPREFIX=$build/wineprefix
    [ "$version" = host ] || WINEPREFIX=$build/wineprefix-$wine_name
    export WINEPREFIX
    if [ ! -f "$WINEPREFIX/drive_c/windows/syswow64/kernel32.dll" ]; then
        rm -rf "$WINEPREFIX"
        WINEARCH=win64 WINEDLLOVERRIDES="mscoree,mshtml=" wineboot -i >/dev/null 2>&1 </dev/null || true
        wineserver -w
    fi
    wineserver -p >/dev/null 2>&1 </dev/null || true
    wine wineboot >/dev/null 2>&1 </dev/null || true
    run_suites win64 "$wine_name-win64"
    run_suites win32 "$wine_name-win32"
    # The Wine drop-in in fresh prefixes, 64-bit and 32-bit programs.
    "$top/tools/dropin-test.sh" "$build/win64" "$build/win32" || status=1
    # Wine's own thread pool conformance tests of this version, in
    # Windows' expectations, as 64-bit and as 32-bit programs.
    for arch in x86_64 i686; do
        echo "== Wine's conformance tests: $wine_name, $arch =="
        "$top/tools/winetest.sh" --mode windows --arch $arch ${fetch:+--fetch "$fetch"} \
            --out "$build/winetest-$wine_name" >"$build/winetest-$wine_name-$arch.out" 2>&1 || status=1
        grep -E '^\| [a-z]|^[0-9]+ passed' "$build/winetest-$wine_name-$arch.out" || true
        grep -q ' 0 failed$' "$build/winetest-$wine_name-$arch.out" ||
            { tail -n 40 "$build/winetest-$wine_name-$arch.out"; status=1; }
    done
    wineserver -k >/dev/null 2>&1 || true
}

"$top/tools/check-layers.sh" || status=1
run_suites native native
for dir in "$build/win64" "$build/win32"; do
    "$top/tools/check-imports.sh" "$dir" || status=1
done
trap 'wineserver -k >/dev/null 2>&1 || true' EXIT
under_wine host
under_wine chroot
PATH=$host_path
export WINEPREFIX=$build/wineprefix
wineserver -p >/dev/null 2>&1 </dev/null || true
# The installed SDK in both worlds.
"$top/tools/sdk-test.sh" "$build/native" "$build/win64" || status=1
# The benchmark's smoke mode: every workload completes with the right
# callback counts, all run by tpool; no timing is asserted.
echo "== tpbench smoke test =="
if "$top/tools/tpbench.sh" --short --no-build >"$build/tpbench-short.out" 2>&1; then
    tail -n 1 "$build/tpbench-short.out"
else
    grep -v '^\[.* ok$' "$build/tpbench-short.out" | tail -n 60
    status=1
fi
wineserver -k >/dev/null 2>&1 || true
# The native suite again under ASan+UBSan, TSan and valgrind memcheck.
echo "== sanitizers =="
"$top/tools/sanitize.sh" || status=1
if [ $status -ne 0 ]; then
    echo "tests: FAILED"
    exit 1
fi
echo "tests: all passed in both worlds, under Wine 8.0 and 10.0"
