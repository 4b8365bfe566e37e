#!/bin/sh
# End-to-end test of the Wine drop-in (docs/wine-dropin.md).  First the
# shim generator on a sample DLL; then, in a fresh prefix: the probes
# (tests/dropin/probe.c, linked against kernel32 only, or through the
# thread pool API set) run on Wine's pool; tpool-wine refuses prefixes it
# must not touch; after a global install the probes' callbacks run on tpool
# and Wine's own programs still work; after uninstall the probes run on
# Wine's pool again and the prefix is as before; then the same for a
# per-program install.
#
# usage: dropin-test.sh [WIN64_BUILD_DIR]   (default: build/win64)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${TPOOL_BUILD:-$top/build}
dlls=$(cd "${1:-$build/win64}" && pwd)
work=$build/dropin-test
tool=$top/tools/tpool-wine
probe=$dlls/tests/dropin/probe.exe
probe_apiset=$dlls/tests/dropin/probe-apiset.exe
if [ ! -f "$probe" ] || [ ! -f "$probe_apiset" ] || [ ! -f "$dlls/dlls/kernel32/kernel32.dll" ]; then
    echo "dropin-test: build $dlls first (the shims and the probes of tests/dropin)" >&2
    exit 1
fi

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
# output in $work/NAME.out; the output is never piped.
run()
{
    name=$1; shift
    "$@" >"$work/$name.out" 2>&1 </dev/null
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

# What an install may change: the files of system32 and the override keys.
snapshot()
{
    (cd "$WINEPREFIX/drive_c/windows/system32" && find . -type f -exec sha256sum {} + | sort -k 2) \
        >"$work/$1.files"
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
    diff "$dir/expected" "$dir/shim.exports"
}

echo "== Wine drop-in =="
expect_ok shim-generator generator_test

started=$(date +%s)
trap 'wineserver -k >/dev/null 2>&1 || true' EXIT
run wineboot-init env WINEARCH=win64 WINEDLLOVERRIDES="mscoree,mshtml=" wineboot -i ||
    { cp "$work/wineboot-init.out" "$log"; fail "wineboot -i"; }
wineserver -w
wineserver -p 30 >/dev/null 2>&1 </dev/null || true
echo "  fresh prefix in $(( $(date +%s) - started )) s"

expect_ok probe-before wine "$probe" builtin
expect_ok probe-apiset-before wine "$probe_apiset" builtin
snapshot before

# Prefixes the tool must refuse.
expect_refusal refuse-missing "no such Wine prefix" "$tool" install --prefix="$work/missing" --dlls="$dlls"
mkdir -p "$work/empty"
expect_refusal refuse-uninitialised "not an initialised Wine prefix" \
    "$tool" install --prefix="$work/empty" --dlls="$dlls"
mkdir -p "$work/win32/drive_c/windows/system32"
printf 'WINE REGISTRY Version 2\n#arch=win32\n' >"$work/win32/system.reg"
cp "$work/win32/system.reg" "$work/win32/user.reg"
cp "$WINEPREFIX/drive_c/windows/system32/kernel32.dll" "$work/win32/drive_c/windows/system32/"
expect_refusal refuse-win32 "win32-architecture prefix" "$tool" install --prefix="$work/win32" --dlls="$dlls"
expect_ok foreign-override wine reg add 'HKCU\Software\Wine\DllOverrides' /v kernelbase /d builtin /f
expect_refusal refuse-foreign-override "already overrides kernelbase" \
    "$tool" install --prefix="$WINEPREFIX" --dlls="$dlls"
expect_ok foreign-override-removed wine reg delete 'HKCU\Software\Wine\DllOverrides' /v kernelbase /f
: >"$WINEPREFIX/drive_c/windows/system32/tpool.dll"
expect_refusal refuse-foreign-file "tpool.dll exists" "$tool" install --prefix="$WINEPREFIX" --dlls="$dlls"
rm "$WINEPREFIX/drive_c/windows/system32/tpool.dll"
same_as_before after-refusals

# For every program of the prefix.
expect_ok install "$tool" install --prefix="$WINEPREFIX" --dlls="$dlls"
expect_ok status "$tool" status --prefix="$WINEPREFIX"
expect_refusal refuse-second-install "already installed" "$tool" install --prefix="$WINEPREFIX" --dlls="$dlls"
expect_ok probe-installed wine "$probe" tpool
sed 's/^/    /' "$work/probe-installed.out"
expect_ok probe-apiset-installed wine "$probe_apiset" tpool
wine_programs_work installed
expect_ok uninstall "$tool" uninstall --prefix="$WINEPREFIX"
expect_refusal status-uninstalled "not installed" "$tool" status --prefix="$WINEPREFIX"
expect_ok probe-uninstalled wine "$probe" builtin
expect_ok probe-apiset-uninstalled wine "$probe_apiset" builtin
same_as_before after-uninstall

# For one program: the probe gets tpool, the same program under another
# name does not.
cp "$probe" "$work/other.exe"
expect_ok install-program "$tool" install --prefix="$WINEPREFIX" --program=probe.exe --dlls="$dlls"
expect_ok probe-program wine "$probe" tpool
expect_ok other-program wine "$work/other.exe" builtin
wine_programs_work program
expect_ok uninstall-program "$tool" uninstall --prefix="$WINEPREFIX"
expect_ok probe-program-uninstalled wine "$probe" builtin
same_as_before after-program-uninstall

echo "dropin-test: all passed in $(( $(date +%s) - started )) s"
