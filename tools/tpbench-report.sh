#!/bin/sh
# Makes the tables of tools/tpbench.sh from its runs.csv: the median of
# the runs of each implementation, the ratios and the targets.
# Prints the tables and writes summary.csv and, with gnuplot, ratios.png.
# usage: tools/tpbench-report.sh DIRECTORY CPUS RUNS
set -eu
dir=$1 cpus=$2 runs=$3

# Targets: world workload metric kind threshold.  A ratio is tpool's
# median over the builtin's (under Wine) or over the better of GLib and
# libuv (natively); "glib" compares with GLib alone; "value" is tpool's
# median itself (for a "/floor" row, its ratio to the floor).
work="submit submitwait objects simple parallel prod2one prod4one prod2many prod4many"
targets="wine submit time ratio<= 0.1
wine submitwait time ratio<= 0.1
wine objects time ratio<= 0.2
wine simple time ratio<= 0.1
wine simple pool_threads value<= $((cpus + 2))
wine parallel time ratio<= 1
wine prod2one time ratio<= 1
wine prod4one time ratio<= 1
wine prod2many time ratio<= 1
wine prod4many time ratio<= 1
wine blocking time ratio<= 1
wine mixed time ratio<= 1
wine latency busy_p50 ratio<= 0.25
wine latency idle_p50 ratio<= 0.25
wine timers lateness_p99 value<= 2000
wine timers set_cost ratio<= 0.2
wine waits2k arm_cost ratio<= 1
wine waits2k signal_rate ratio>= 1
wine waits2k arm_cost/floor value<= 1.25
wine waits2k signal_rate/floor value>= 0.8
wine waits10k arm_cost ratio<= 1
wine waits10k signal_rate ratio>= 1
wine waits10k arm_cost/floor value<= 1.25
wine waits10k signal_rate/floor value>= 0.8
wine io time ratio<= 1
wine io time/floor value<= 1.25
native submit time ratio<= 0.5
native objects time ratio<= 1
native simple time ratio<= 1
native parallel time ratio<= 1
native prod2one time ratio<= 1
native prod4one time ratio<= 1
native prod2many time ratio<= 1
native prod4many time ratio<= 1
native blocking time ratio<= 1
native latency busy_p50 glib<= 1
native latency idle_p50 glib<= 1"
for w in $work; do
    targets="$targets
wine $w-busy time ratio<= 0.2
native $w-busy time ratio<= 1"
done

# Floors: world-independent pairs "workload metric floor_metric"; each
# run's value over its own floor becomes a row "<metric>/floor" ("x floor").
floors="waits2k arm_cost signal_floor
waits2k signal_rate signal_floor_rate
waits10k arm_cost signal_floor
waits10k signal_rate signal_floor_rate
io time io_floor
latency idle_p50 idle_floor_p50
latency busy_p50 busy_floor_p50"
runs_csv=$dir/runs-floors.csv
printf '%s\n' "$floors" | awk -v OFS=, '
FNR == NR { floor_of[$1 SUBSEP $2] = $3; next }
FNR == 1 { FS = ","; print; next }
{
    print
    key = $1 SUBSEP $2 SUBSEP $3 SUBSEP $7
    value[key SUBSEP $4] = $8; better[key SUBSEP $4] = $6
    if (!seen[key]++) keys[++n] = key
}
END {
    for (i = 1; i <= n; i++) {
        split(keys[i], part, SUBSEP)
        for (pair in floor_of) {
            split(pair, p, SUBSEP)
            if (p[1] != part[3]) continue
            m = keys[i] SUBSEP p[2]; f = keys[i] SUBSEP floor_of[pair]
            if (!(m in value) || !(f in value) || value[f] == 0) continue
            print part[1], part[2], part[3], p[2] "/floor", "x floor", better[m], part[4], value[m] / value[f]
        }
    }
}' - "$dir/runs.csv" >"$runs_csv"

printf '%s\n' "$targets" | awk -v dir="$dir" -v runs="$runs" '
function median(key,    n, i, j, t) {
    n = count[key]
    if (!n) return ""
    split("", sorted)
    for (i = 1; i <= n; i++) sorted[i] = values[key, i]
    for (i = 2; i <= n; i++) {
        t = sorted[i]
        for (j = i - 1; j >= 1 && sorted[j] > t; j--) sorted[j + 1] = sorted[j]
        sorted[j + 1] = t
    }
    return n % 2 ? sorted[(n + 1) / 2] : (sorted[n / 2] + sorted[n / 2 + 1]) / 2
}
function number(v, u) {
    if (v == "") return "-"
    if (u == "threads") return sprintf("%g", v)
    if (v >= 10000) return sprintf("%.0f", v)
    if (v >= 100) return sprintf("%.1f", v)
    if (v >= 1) return sprintf("%.2f", v)
    return sprintf("%.3g", v)
}
function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "" : a / b }
function better_of(a, b, higher) {
    if (a == "") return b
    if (b == "") return a
    return higher ? (a > b ? a : b) : (a < b ? a : b)
}
# Sets verdict and target_text for row key; returns the target advantage
# (how many times better tpool must be) for the chart, or "?".
function judge(key, value, r, rglib,    kind, limit, v) {
    verdict = ""; target_text = ""
    if (!(key in target_kind)) return "?"
    kind = target_kind[key]; limit = target_limit[key]
    if (kind == "ratio<=") { v = r; target_text = "<= " limit "x" }
    if (kind == "ratio>=") { v = r; target_text = ">= " limit "x" }
    if (kind == "value<=") { v = value; target_text = "<= " limit }
    if (kind == "value>=") { v = value; target_text = ">= " limit }
    if (kind == "glib<=") { v = rglib; target_text = "<= " limit "x GLib" }
    if (v == "") verdict = "no data"
    else if (kind == "ratio>=" || kind == "value>=") verdict = v >= limit ? "met" : "NOT MET"
    else verdict = v <= limit ? "met" : "NOT MET"
    if (kind == "ratio<=") return 1 / limit
    if (kind == "ratio>=") return limit
    return "?"
}
function advantage(r, higher) {
    if (r == "" || r == 0) return "?"
    return higher ? r : 1 / r
}
function color(verdict) {
    if (verdict == "met") return "0x2ca02c"
    if (verdict == "NOT MET") return "0xd62728"
    return "0x7f7f7f"
}
FNR == NR { target_kind[$1 SUBSEP $2 SUBSEP $3] = $4; target_limit[$1 SUBSEP $2 SUBSEP $3] = $5; next }
FNR == 1 { FS = ","; next }
{
    key = $1 SUBSEP $3 SUBSEP $4
    if (!(key in unit)) { order[++rows] = key; unit[key] = $5; higher[key] = ($6 == "higher") }
    n = ++count[key SUBSEP $2]
    values[key SUBSEP $2, n] = $8 + 0
}
END {
    summary = dir "/summary.csv"
    print "world,workload,metric,unit,better,builtin,tpool,glib,libuv,ratio,target,verdict" > summary
    for (world = 1; world <= 2; world++) {
        w = world == 1 ? "wine" : "native"
        chart = dir "/chart-" w ".dat"
        printf "" > chart
        bars = 0; header = 0
        for (i = 1; i <= rows; i++) {
            split(order[i], part, SUBSEP)
            if (part[1] != w) continue
            key = order[i]; h = higher[key]
            tp = median(key SUBSEP "tpool")
            if (w == "wine") {
                bi = median(key SUBSEP "builtin"); gl = ""; uv = ""
                ref = bi
            } else {
                bi = ""; gl = median(key SUBSEP "glib"); uv = median(key SUBSEP "libuv")
                ref = better_of(gl, uv, h)
            }
            r = ratio(tp, ref)
            goal = judge(key, tp, r, ratio(tp, gl))
            if (!header++) {
                if (w == "wine")
                    printf "\nUnder Wine: the builtin pool against tpool.dll, median of %d run(s)\n%-9s %-13s %-11s %10s %10s %10s  %-13s %s\n", runs, "workload", "metric", "unit", "builtin", "tpool", "ratio", "target", "" 
                else
                    printf "\nNatively: GLib and libuv against libtpool, median of %d run(s); ratio: tpool / the better\n%-9s %-13s %-11s %10s %10s %10s %10s  %-13s %s\n", runs, "workload", "metric", "unit", "glib", "libuv", "tpool", "ratio", "target", ""
            }
            if (w == "wine")
                printf "%-9s %-13s %-11s %10s %10s %10s  %-13s %s\n", part[2], part[3], unit[key], number(bi, unit[key]), number(tp, unit[key]), number(r), target_text, verdict
            else
                printf "%-9s %-13s %-11s %10s %10s %10s %10s  %-13s %s\n", part[2], part[3], unit[key], number(gl, unit[key]), number(uv, unit[key]), number(tp, unit[key]), number(r), target_text, verdict
            print w "," part[2] "," part[3] "," unit[key] "," (h ? "higher" : "lower") "," bi "," tp "," gl "," uv "," r "," target_text "," verdict >> summary
            if (part[3] != "pool_threads" && part[3] != "peak_memory" && part[3] !~ /\/floor$/ && r != "")
                printf "%d \"%s %s\" %s %s %s\n", bars++, part[2], part[3], advantage(r, h), goal, color(verdict) >> chart
        }
        close(chart)
    }
    for (world = 1; world <= 2; world++) {
        w = world == 1 ? "wine" : "native"
        header = 0
        for (i = 1; i <= rows; i++) {
            split(order[i], part, SUBSEP)
            key = order[i]
            if (part[1] != w || (tr = median(key SUBSEP "traced")) == "") continue
            tp = median(key SUBSEP "tpool")
            if (!header++)
                printf "\n%s: the trace on (TPOOL_TRACE=1) against off, median of %d run(s); ratio: on / off\n%-9s %-13s %-11s %10s %10s %10s\n", w == "wine" ? "Under Wine" : "Natively", runs, "workload", "metric", "unit", "off", "on", "ratio"
            printf "%-9s %-13s %-11s %10s %10s %10s\n", part[2], part[3], unit[key], number(tp, unit[key]), number(tr, unit[key]), number(ratio(tr, tp))
        }
    }
}' - "$runs_csv"

command -v gnuplot >/dev/null 2>&1 || { echo "(gnuplot not found: no chart)"; exit 0; }
panels=0
for w in wine native; do [ -s "$dir/chart-$w.dat" ] && panels=$((panels + 1)); done
[ $panels -gt 0 ] || exit 0
{
    echo "set terminal pngcairo noenhanced size 1100,$((420 * panels)) font 'sans,10'"
    echo "set output '$dir/ratios.png'"
    echo "set multiplot layout $panels,1"
    echo "set datafile missing '?'"
    echo "set logscale y; set grid ytics"
    echo "set style fill solid 0.8 border -1; set boxwidth 0.7"
    echo "set xtics rotate by -30 left nomirror; set key top right"
    echo "set ylabel 'times better than the reference'"
    for w in wine native; do
        [ -s "$dir/chart-$w.dat" ] || continue
        if [ $w = wine ]; then
            echo "set title 'Under Wine: tpool.dll against the builtin pool (green: target met, red: not met)'"
        else
            echo "set title 'Natively: libtpool against the better of GLib and libuv'"
        fi
        echo "plot '$dir/chart-$w.dat' using 1:3:5:xtic(2) with boxes lc rgb variable notitle, \\"
        echo "     '' using 1:4 with points pt 9 ps 1.8 lc rgb 'black' title 'target', \\"
        echo "     1 with lines dt 2 lc rgb 'black' notitle"
    done
    echo "unset multiplot"
} >"$dir/ratios.gp"
gnuplot "$dir/ratios.gp" && echo "chart: ratios.png"
