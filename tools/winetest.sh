#!/bin/sh
# Runs Wine's own thread pool conformance tests against tpool.dll under Wine
# (docs/conformance.md).  Wine's test sources come from Debian's wine source
# package, fetched into the build tree; tools/winetest/tests.list names the
# test functions, each of which runs in its own process.
#
# usage: tools/winetest.sh [OPTIONS]
#   --mode windows|wine|both  the expectations checked (default both):
#                             Windows' (WINETEST_PLATFORM=windows, checks Wine
#                             marks todo must pass) and/or Wine's
#   --runs N                  repeat the whole run N times (default 1)
#   --builtin                 build the same tests without tpool and run them
#                             against the Wine's builtin thread pool
#   --arch x86_64|i686        build the tests as 64-bit (default) or 32-bit
#                             programs
#   --tpool-build DIR         the mingw build of tpool (default build/win64,
#                             or build/win32 with --arch i686)
#   --wine-source DIR         take the tests from this Wine source tree
#                             instead of Debian's source package
#   --fetch COMMAND           run as "COMMAND DIR" to download Debian's wine
#                             source tarball into DIR (default: apt-get source
#                             of the host's Debian; tools/wine-chroot source
#                             for the chroot's Wine)
#   --table FILE              also write the result tables (Markdown) to FILE
#   --out DIR                 where sources, programs and logs go
#                             (default build/winetest)
# Environment: WINE (default wine; a Wine build tree's loader finds its own
# wineserver), WINEPREFIX (default build/wineprefix), TPOOL_BUILD (default
# build).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${TPOOL_BUILD:-$top/build}
list=$top/tools/winetest/tests.list

modes="windows wine"
runs=1
variant=tpool
arch=x86_64
tpool_build=""
wine_source=""
fetch=""
table=""
out=$build/winetest
while [ $# -gt 0 ]; do
    case $1 in
    --mode) case $2 in both) modes="windows wine" ;; windows|wine) modes=$2 ;;
                       *) echo "winetest: unknown mode $2" >&2; exit 2 ;; esac; shift ;;
    --runs) runs=$2; shift ;;
    --builtin) variant=builtin ;;
    --arch) case $2 in x86_64|i686) arch=$2 ;; *) echo "winetest: unknown arch $2" >&2; exit 2 ;; esac
            shift ;;
    --tpool-build) tpool_build=$(cd "$2" && pwd); shift ;;
    --fetch) fetch=$2; shift ;;
    --wine-source) wine_source=$(cd "$2" && pwd); shift ;;
    --table) table=$2; shift ;;
    --out) mkdir -p "$2"; out=$(cd "$2" && pwd); shift ;;
    *) sed -n '7,29s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
    esac
    shift
done

[ -n "$tpool_build" ] || { [ $arch = x86_64 ] && tpool_build=$build/win64 || tpool_build=$build/win32; }
bin=$out/$variant-$arch
WINE=${WINE:-wine}
WINEPREFIX=${WINEPREFIX:-$build/wineprefix}
WINEDEBUG=${WINEDEBUG:--all}
export WINEPREFIX WINEDEBUG
cc=$arch-w64-mingw32-gcc
timeout_s=180

die() { echo "winetest: $*" >&2; exit 1; }

# ---- Wine's sources -------------------------------------------------------

# The files of Wine's tree the programs need.
needed_files()
{
    awk '$1 == "program" { print $3 }' "$list"
    echo include/wine/test.h
    echo include/wine/debug.h
}

# Headers that some Wine versions have and others do not (Wine 10 has
# neither).
optional_files()
{
    echo dlls/ntdll/tests/ntdll_test.h
    echo include/wine/heap.h
}

add_deb_src()
{
    grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && return
    grep -qs '^deb-src' /etc/apt/sources.list && return
    sudo_cmd=""
    [ "$(id -u)" = 0 ] || sudo_cmd=sudo
    echo "winetest: adding a deb-src entry for Debian bookworm"
    $sudo_cmd sh -c 'cat > /etc/apt/sources.list.d/tpool-deb-src.sources' <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    $sudo_cmd apt-get update -qq
}

# Extracts the needed files of Debian's upstream wine tarball into $out/src.
fetch_source()
{
    src=$out/src
    if [ -f "$src/.complete" ]; then return; fi
    [ -n "$fetch" ] || add_deb_src
    rm -rf "$out/download" "$src"
    mkdir -p "$out/download" "$src"
    if [ -n "$fetch" ]; then
        $fetch "$out/download" >"$out/download/apt.log" 2>&1 ||
            { cat "$out/download/apt.log" >&2; die "$fetch failed"; }
    else
        (cd "$out/download" && apt-get source -qq --download-only --tar-only wine >apt.log 2>&1) ||
            { cat "$out/download/apt.log" >&2; die "apt-get source wine failed"; }
    fi
    tarball=$(ls "$out"/download/wine_*.orig.tar.* 2>/dev/null | head -n 1)
    [ -n "$tarball" ] || die "no wine tarball in $out/download"
    root=$(tar -tf "$tarball" | head -n 1 | cut -d/ -f1)
    tar -tf "$tarball" >"$out/download/list"
    optional=$(optional_files | sed "s|^|$root/|" | grep -Fx -f - "$out/download/list" || true)
    tar -xf "$tarball" -C "$src" --strip-components=1 \
        $(needed_files | sed "s|^|$root/|") $optional || die "extracting from $tarball failed"
    echo "$tarball" | sed 's|.*/||' >"$src/.complete"
    rm -rf "$out/download"
}

# ---- Building -------------------------------------------------------------

# Writes to stdout the lines of file $1 that the specification file $2
# (lines "whole", "head<TAB>LINE", "line<TAB>LINE", "part<TAB>FUNCTION<TAB>LINE")
# takes.
extract()
{
    awk -v specs="$2" -v name="$3" '
        function fail(msg) { print "winetest: " FILENAME ": " msg > "/dev/stderr"; bad = 1; exit 1 }
        BEGIN {
            while ((getline spec < specs) > 0) {
                n++; k = split(spec, f, "\t")
                kind[n] = f[1]; fn[n] = (k == 3) ? f[2] : ""; start[n] = f[k]
            }
        }
        { line[NR] = $0 }
        END {
            if (bad) exit 1
            for (i = 1; i <= n; i++) {
                if (kind[i] == "whole") { for (l = 1; l <= NR; l++) print line[l]; continue }
                hits = 0
                for (l = 1; l <= NR; l++)
                    if (index(line[l], start[i]) == 1) { hits++; first = l }
                if (hits != 1) fail("\"" start[i] "\" starts " hits " lines")
                printf "#line %d \"%s\"\n", kind[i] == "head" ? 1 : first, name
                if (kind[i] == "head") { for (l = 1; l <= first; l++) print line[l]; continue }
                if (kind[i] == "line") { print line[first]; continue }
                def = 0
                for (l = first; l <= NR && !def; l++)
                    if (line[l] ~ ("^static [^(]*[ *]" fn[i] "\\(")) def = l
                if (!def) fail("no definition of " fn[i] " after \"" start[i] "\"")
                for (last = def; last <= NR && line[last] != "}"; last++) ;
                if (last > NR) fail("no end of " fn[i])
                for (l = first; l <= last; l++) print line[l]
            }
        }' "$1"
}

# The test functions START_TEST of $1 calls.
start_test_calls()
{
    awk '/^START_TEST/ { on = 1 } on && /^}/ { on = 0 }
         on && match($0, /^ +test_[A-Za-z0-9_]+\(\);/) {
             name = substr($0, RSTART, RLENGTH); sub(/^ +test_/, "", name); sub(/\(\);$/, "", name)
             print name }' "$1"
}

# Generates, for each program of tests.list, its source (the extracted test
# code and one entry point per test function) and its test list (Wine's
# STANDALONE mechanism of wine/test.h), in $gen.
generate()
{
    gen=$out/gen
    rm -rf "$gen"
    mkdir -p "$gen"
    programs=""
    prog=""
    tab=$(printf '\t')
    while read -r kind a rest; do
        case $kind in ''|\#*) continue ;; esac
        [ -n "$prog" ] || [ "$kind" = program ] || die "tests.list: $kind before program"
        case $kind in
        program)
            prog=$a; programs="$programs $prog"
            echo "$rest" >"$gen/$prog.file"
            : >"$gen/$prog.tests"; : >"$gen/$prog.setup"; : >"$gen/$prog.specs" ;;
        whole) echo whole >>"$gen/$prog.specs" ;;
        head) echo "head$tab$a${rest:+ $rest}" >>"$gen/$prog.specs" ;;
        part) echo "part$tab$a$tab$rest" >>"$gen/$prog.specs" ;;
        line) echo "line$tab$a${rest:+ $rest}" >>"$gen/$prog.specs" ;;
        test) echo "$a" >>"$gen/$prog.tests"; echo "$a $rest" >>"$gen/$prog.setup" ;;
        *) die "tests.list: unknown line $kind" ;;
        esac
    done <"$list"

    for prog in $programs; do
        file=$src/$(cat "$gen/$prog.file")
        [ -f "$file" ] || die "$file missing"
        # A whole file runs exactly what its START_TEST runs; a part of a
        # file only functions its START_TEST runs.
        start_test_calls "$file" | sort >"$gen/$prog.start"
        sort "$gen/$prog.tests" >"$gen/$prog.listed"
        if grep -qx whole "$gen/$prog.specs"; then
            cmp -s "$gen/$prog.start" "$gen/$prog.listed" ||
                die "$prog: tests.list differs from START_TEST of $file"
        else
            missing=$(comm -13 "$gen/$prog.start" "$gen/$prog.listed")
            [ -z "$missing" ] || die "$prog: not run by START_TEST: $missing"
        fi
        {
            printf '#line 1 "%s"\n' "$(cat "$gen/$prog.file")"
            extract "$file" "$gen/$prog.specs" "$(cat "$gen/$prog.file")" || exit 1
            echo '#line 1 "tests.list"'
            while read -r name setup; do
                printf 'void func_%s(void)\n{\n    %s\n    test_%s();\n    winetest_tpool_report();\n}\n' \
                    "$name" "${setup:-}" "$name"
            done <"$gen/$prog.setup"
        } >"$gen/$prog.c" || die "$prog: extraction failed"
        {
            echo '#define STANDALONE'
            echo '#include "wine/test.h"'
            sed 's/.*/extern void func_&(void);/' "$gen/$prog.tests"
            echo 'const struct test winetest_testlist[] ='
            echo '{'
            sed 's/.*/    { "&", func_& },/' "$gen/$prog.tests"
            echo '    { 0, 0 }'
            echo '};'
        } >"$gen/${prog}_list.c"
    done
}

build_programs()
{
    rm -rf "$bin"
    mkdir -p "$bin/tests"
    flags="-O1 -g -include $top/tools/winetest/compat.h -I$src/include -I$src/dlls/ntdll/tests -I$top/include"
    libs=""
    if [ $variant = tpool ]; then
        [ -f "$tpool_build/tpool.dll" ] && [ -f "$tpool_build/libtpool.dll.a" ] ||
            die "no tpool.dll in $tpool_build (build it, or give --tpool-build)"
        # The one copy Wine loads: beside the programs (tools/check-imports.sh
        # looks for it one level up).
        cp "$tpool_build/tpool.dll" "$tpool_build/libtpool.dll.a" "$bin/tests/"
        ln -s tests/tpool.dll "$bin/tpool.dll"
        flags="$flags -DWINETEST_TPOOL"
        libs="-L$bin/tests -ltpool"
        dll_path="Z:$(printf '%s' "$bin/tests/tpool.dll" | tr / '\\')"
    fi
    for prog in $programs; do
        $cc $flags -o "$bin/tests/$prog.exe" "$gen/$prog.c" "$gen/${prog}_list.c" \
            "$top/tools/winetest/support.c" $libs -lntdll >"$bin/$prog.build.log" 2>&1 ||
            { cat "$bin/$prog.build.log" >&2; die "building $prog failed"; }
    done
    if [ $variant = tpool ]; then
        "$top/tools/check-imports.sh" "$bin" >"$bin/check-imports.log" 2>&1 ||
            { cat "$bin/check-imports.log" >&2; die "a program imports the system's pool"; }
    fi
}

# ---- Running --------------------------------------------------------------

# Prints a line of the results, and appends it to the --table file.
say()
{
    echo "$1"
    [ -z "$table" ] || echo "$1" >>"$table"
}

# Runs one test function in its own process; prints its table row and
# returns 1 when it failed.
run_one()
{
    prog=$1 name=$2 mode=$3 log=$4
    rc=0
    began=$(date +%s)
    WINETEST_PLATFORM=$mode WINETEST_COLOR=0 \
        timeout -k 10 $timeout_s "$WINE" "$bin/tests/$prog.exe" "$name" >"$log" 2>&1 </dev/null || rc=$?
    elapsed=$(( $(date +%s) - began ))
    summary=$(grep -a "^[0-9a-f]*:$name:.* tests executed" "$log" | tail -n 1 || true)
    checks=$(printf '%s\n' "$summary" | sed -n 's/.* \([0-9]*\) tests executed.*/\1/p')
    todo=$(printf '%s\n' "$summary" | sed -n 's/.*(\([0-9]*\) marked as todo.*/\1/p')
    failures=$(printf '%s\n' "$summary" | sed -n 's/.*, \([0-9]*\) failures\{0,1\}).*/\1/p')
    skipped=$(printf '%s\n' "$summary" | sed -n 's/.*, \([0-9]*\) skipped\..*/\1/p')
    # Wine's harness counts a todo_wine check that passes as a failure, so
    # that Wine's developers remove the todo: here it is a check passed as
    # on Windows, counted apart.
    todo_ok=$(grep -ac 'Test succeeded inside todo block' "$log" || true)
    [ -z "$failures" ] || failures=$((failures - todo_ok))
    proof=$(grep -a '^tpool: ' "$log" | tail -n 1 || true)
    callbacks=$(printf '%s\n' "$proof" | sed -n 's/.* \([0-9]*\) callbacks run.*/\1/p')
    result=pass
    if [ $rc -eq 137 ] && [ $elapsed -lt $timeout_s ] && [ "${failures:-1}" = 0 ]; then
        # Every check done and passed, then SIGKILLed by the wineserver,
        # which kills a process still alive 0.5 s after it asked to exit
        # (docs/conformance.md): not a verdict on the checks.
        result=killed-at-exit
    elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
        result=timeout
    elif [ -z "$summary" ] || grep -aq 'unhandled exception' "$log"; then
        result=crash
    elif [ "${failures:-1}" != 0 ]; then
        result=FAIL
    elif [ "${skipped:-1}" != 0 ]; then
        result=skipped
    elif [ $variant = tpool ]; then
        # The proof of redirection: tpool.dll from this directory, no pool
        # function taken from the system, callbacks run by tpool.
        case $proof in
        "tpool: loaded from $dll_path, "*" 0 left to the system, "*) ;;
        *) result="not-tpool" ;;
        esac
        [ "${callbacks:-0}" -gt 0 ] || result="not-tpool"
    else
        case $proof in "tpool: not loaded"*) ;; *) result="not-builtin" ;; esac
    fi
    say "$(printf '| %-16s | %-27s | %6s | %4s | %7s | %4s | %4s | %9s | %-11s |' "$prog" "$name" \
        "${checks:--}" "${todo:--}" "$todo_ok" "${skipped:--}" "${failures:--}" "${callbacks:--}" \
        "$result")"
    [ $result = pass ]
}

run_mode()
{
    mode=$1 run=$2
    logs=$out/logs/$variant-$arch-$mode-$run
    rm -rf "$logs"
    mkdir -p "$logs"
    passed=0 failed=0
    say ""
    say "Wine's thread pool tests, $($WINE --version 2>/dev/null | cut -d' ' -f1), $variant, $arch, $mode expectations (run $run of $runs):"
    say ""
    say '| program          | function                    | checks | todo | todo ok | skip | fail | callbacks | result      |'
    say '|------------------|-----------------------------|-------:|-----:|--------:|-----:|-----:|----------:|-------------|'
    for prog in $programs; do
        while read -r name; do
            if run_one "$prog" "$name" "$mode" "$logs/$prog-$name.log" ||
               { [ $result = killed-at-exit ] &&
                 run_one "$prog" "$name" "$mode" "$logs/$prog-$name.rerun.log"; }; then
                passed=$((passed + 1))
            else
                failed=$((failed + 1))
                failed_logs="$failed_logs $logs/$prog-$name.log"
            fi
        done <"$gen/$prog.tests"
    done
    say ""
    say "$passed passed, $failed failed"
    [ $failed -eq 0 ]
}

[ -n "$wine_source" ] && src=$wine_source || { fetch_source; src=$out/src; }
generate
build_programs
echo "winetest: tests from $( [ -n "$wine_source" ] && echo "$wine_source" || cat "$src/.complete"), $variant build in $bin"

"$WINE" wineboot >/dev/null 2>&1 </dev/null || true

[ -z "$table" ] || : >"$table"
status=0
failed_logs=""
run=1
start=$(date +%s)
while [ $run -le "$runs" ]; do
    for mode in $modes; do
        run_mode "$mode" "$run" || status=1
    done
    run=$((run + 1))
done
echo
echo "winetest: $(( $(date +%s) - start )) s; logs in $out/logs"
for log in $failed_logs; do
    echo "---- $log"
    tail -n 30 "$log"
done
exit $status
