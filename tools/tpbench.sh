#!/bin/sh
# Runs the thread pool benchmark side by side and makes its tables.
# Under Wine it alternates runs of tpbench-builtin.exe (Wine's own pool)
# and tpbench.exe (tpool.dll); natively it runs tpbench against tpool,
# GLib and libuv.  In both worlds the work workloads run once more with
# tpool's trace on ("traced": TPOOL_TRACE=1, into /dev/null natively and
# a file under Wine), for what the trace costs.  Every workload runs in
# its own process, bounded by a time-out.  Prints the medians with their ratios and the issue's
# targets, and writes runs.csv, summary.csv, tables.txt and ratios.png
# (gnuplot) into build/bench/.
#
# A full run of every workload in both worlds also writes its tables
# and chart into docs/performance.md and docs/performance.png.
#
# usage: tools/tpbench.sh [--short] [--runs=N] [--world=wine|native]
#                         [--no-build] [--no-docs] [WORKLOAD...]
#   --short    smoke test: small counts, one run each.  Fails when a
#              workload fails or gets a wrong callback count (or tpool
#              did not run them all); asserts no timing.
#   --no-docs  leaves docs/ alone.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${TPOOL_BUILD:-$top/build}
out=$build/bench
bin=$top/tools

short=""
runs=""
worlds="wine native"
build_first=yes
docs=yes
only=""
for arg; do
    case $arg in
        --short) short=--short ;;
        --runs=*) runs=${arg#--runs=} ;;
        --world=wine|--world=native) worlds=${arg#--world=} ;;
        --no-build) build_first=no ;;
        --no-docs) docs=no ;;
        -*) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
        *) only="$only $arg" ;;
    esac
done
[ -z "$short$only" ] && [ "$worlds" = "wine native" ] || docs=no
if [ -n "$short" ]; then
    runs=${runs:-1}; limit=60
else
    runs=${runs:-3}; limit=120
fi
cpus=$(nproc 2>/dev/null || echo 2)

mkdir -p "$out/logs"
if [ $build_first = yes ]; then
    echo "tpbench: building"
    "$top/tools/build.sh" --no-demo >"$out/build.log" 2>&1 || { tail -n 40 "$out/build.log"; exit 1; }
fi

wine_dir=$build/win64
native_exe=$build/native/tools/tpbench
export WINEPREFIX=$build/wineprefix WINEDEBUG=-all
case $worlds in *wine*)
    # A server that outlives the runs, so that none of them pays its start.
    wineserver -p30 >/dev/null 2>&1 </dev/null || true ;;
esac

selected()
{
    [ -z "$only" ] && return 0
    case " $only " in *" $1 "*) return 0 ;; esac
    return 1
}

# ---- The plan: one line per process, "world impl workload run" ----------

# The workloads run again with the trace on: one line per call and two
# per callback, the most a program can ask of it.
traced_workload()
{
    case $1 in submit|simple|latency) return 0 ;; esac
    return 1
}

plan=$out/plan.txt
: >"$plan"
plan_wine()
{
    TPOOL_DLLDIR=$wine_dir "$bin/wine-run" "$wine_dir/tools/tpbench.exe" --list \
        >"$out/logs/wine-list.log" 2>"$out/logs/wine-list.err" </dev/null \
        || { cat "$out/logs/wine-list.log" "$out/logs/wine-list.err"; exit 1; }
    workloads=$(tr -d '\r' <"$out/logs/wine-list.log" | awk '/^[a-z0-9-]+ / {print $1}')
    run=1
    while [ $run -le $runs ]; do
        for w in $workloads; do
            selected "$w" || continue
            # Alternate which implementation goes first.
            if [ $((run % 2)) = 1 ]; then order="builtin tpool"; else order="tpool builtin"; fi
            for impl in $order; do echo "wine $impl $w $run" >>"$plan"; done
            if traced_workload "$w"; then echo "wine traced $w $run" >>"$plan"; fi
        done
        run=$((run + 1))
    done
}

plan_native()
{
    impls=""
    for impl in tpool glib libuv; do
        "$native_exe" --impl=$impl --list >"$out/logs/native-$impl-list.log" 2>/dev/null && impls="$impls $impl"
    done
    run=1
    while [ $run -le $runs ]; do
        for w in $(awk '{print $1}' "$out/logs/native-tpool-list.log"); do
            selected "$w" || continue
            for impl in $impls; do
                grep -q "^$w " "$out/logs/native-$impl-list.log" && echo "native $impl $w $run" >>"$plan"
            done
            if traced_workload "$w"; then echo "native traced $w $run" >>"$plan"; fi
        done
        run=$((run + 1))
    done
}

for world in $worlds; do "plan_$world"; done
total=$(wc -l <"$plan")

# ---- Running ------------------------------------------------------------------

csv=$out/runs.csv
echo "world,impl,workload,metric,unit,better,run,value" >"$csv"
count=0
passed=0
failed=0
started=$(date +%s)

run_one()
{
    world=$1 impl=$2 workload=$3 run=$4
    log=$out/logs/$world-$impl-$workload-$run.log
    count=$((count + 1))
    t0=$(date +%s%N)
    status=0
    trace=0 trace_file=/dev/null
    if [ "$impl" = traced ]; then
        trace=1
        # Wine writes to its NUL device through the server: a file instead
        [ "$world" = wine ] && trace_file='Z:'$(printf '%s' "$out/trace.txt" | tr / '\\')
        rm -f "$out/trace.txt"
    fi
    if [ "$world" = wine ]; then
        exe=$wine_dir/tools/tpbench.exe
        [ "$impl" = builtin ] && exe=$wine_dir/tools/tpbench-builtin.exe
        env TPOOL_TRACE=$trace TPOOL_TRACE_FILE="$trace_file" TPOOL_DLLDIR=$wine_dir \
            timeout -k 5 "$limit" "$bin/wine-run" "$exe" $short "$workload" \
            >"$log" 2>&1 </dev/null || status=$?
    else
        native_impl=$impl
        [ "$impl" = traced ] && native_impl=tpool
        env TPOOL_TRACE=$trace TPOOL_TRACE_FILE="$trace_file" \
            timeout -k 5 "$limit" "$native_exe" --impl="$native_impl" $short "$workload" \
            >"$log" 2>&1 </dev/null || status=$?
    fi
    rm -f "$out/trace.txt"
    seconds=$(( ($(date +%s%N) - t0) / 1000000 ))
    if [ $status = 0 ] && grep -q '^# ok' "$log"; then
        passed=$((passed + 1))
        verdict=ok
        tr -d '\r' <"$log" | awk -F'\t' -v OFS=, -v world="$world" -v impl="$impl" -v run="$run" \
            '$1 == "result" { print world, impl, $2, $3, $4, $5, run, $6 }' >>"$csv"
    else
        failed=$((failed + 1))
        verdict="FAILED (status $status)"
        [ $status = 124 ] && verdict="TIMED OUT after $limit s"
    fi
    printf '[%3d/%d %4ds] %-6s %-7s %-9s run %d/%d  %5d ms  %s\n' "$count" "$total" \
        $(( $(date +%s) - started )) "$world" "$impl" "$workload" "$run" "$runs" "$seconds" "$verdict"
    [ "$verdict" = ok ] || tr -d '\r' <"$log" | tail -n 15 | sed 's/^/    | /'
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
echo "tpbench: $total runs$short"
while read -r world impl workload run; do
    run_one "$world" "$impl" "$workload" "$run"
done <"$plan"

# ---- Tables -------------------------------------------------------------------

{
    echo "tpbench on $cpus cpus, $(date -u '+%Y-%m-%d %H:%M UTC'), $(wine --version 2>/dev/null || echo 'no Wine')"
    echo "load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
    "$bin/tpbench-report.sh" "$out" "$cpus" "$runs"
} | tee "$out/tables.txt"
echo "tpbench: $passed passed, $failed failed"
[ $failed = 0 ] || exit 1

# ---- docs/performance.md and docs/performance.png -------------------------------

# Replaces the lines between "<!-- tpbench:NAME -->" and "<!-- /tpbench:NAME -->"
# of the page with the contents of a file.
splice()
{
    awk -v name="$1" -v file="$2" '
        $0 == "<!-- tpbench:" name " -->" { print; while ((getline line < file) > 0) print line; skip = 1; next }
        $0 == "<!-- /tpbench:" name " -->" { skip = 0 }
        !skip' "$3" >"$3.new" && mv "$3.new" "$3"
}

if [ $docs = yes ]; then
    page=$top/docs/performance.md
    { echo '```'; grep -v '^chart:' "$out/tables.txt"; echo '```'; } >"$out/results.md"
    awk -F, 'function fmt(v) {
            if ($4 == "threads") return sprintf("%g", v)
            if (v >= 10000) return sprintf("%.0f", v)
            if (v >= 100) return sprintf("%.1f", v)
            if (v >= 1) return sprintf("%.2f", v)
            return sprintf("%.3g", v)
        }
        NR > 1 && $11 != "" {
            if (!n++) print "| World | Workload | Metric | Unit | tpool | Reference | Ratio | Target | Verdict |\n|---|---|---|---|---|---|---|---|---|"
            ref = $1 == "wine" ? fmt($6) : ($8 != "" && ($9 == "" || ($5 == "higher" ? $8 > $9 : $8 < $9)) ? fmt($8) " (GLib)" : fmt($9) " (libuv)")
            ratio = $10 == "" ? "-" : sprintf("%.3g", $10)
            printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, fmt($7), ref, ratio, $11, $12 == "met" ? "met" : "**" $12 "**"
        }' "$out/summary.csv" >"$out/targets.md"
    splice results "$out/results.md" "$page"
    splice targets "$out/targets.md" "$page"
    [ -f "$out/ratios.png" ] && cp "$out/ratios.png" "$top/docs/performance.png"
    echo "tpbench: updated docs/performance.md and docs/performance.png"
fi
