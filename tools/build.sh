#!/bin/sh
# Builds tpool natively (build/native), for 64-bit Windows (build/win64)
# and 32-bit Windows (build/win32), then runs the demonstration program
# natively and under Wine against tpool.dll.
# usage: tools/build.sh [--no-demo]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${TPOOL_BUILD:-$top/build}
jobs=$(nproc 2>/dev/null || echo 2)
demo=yes
[ "${1:-}" = --no-demo ] && demo=no

"$top/tools/setup.sh"

if [ ! -x "$top/configure" ]; then
    echo "build: autoreconf"
    (cd "$top" && autoreconf -fi >/dev/null 2>&1) || (cd "$top" && autoreconf -fi)
fi

configure_tree()
{
    dir=$build/$1; shift
    mkdir -p "$dir"
    if [ ! -f "$dir/Makefile" ]; then
        echo "build: configuring $(basename "$dir")"
        (cd "$dir" && "$top/configure" -q "$@")
    fi
}

configure_tree native --prefix="$build/install/native" CFLAGS="-O2 -g"
# Drop-in shims for the host's Wine and for the chroot's (tools/wine-chroot).
wine_dlls()
{
    echo "$("$top/tools/wine-dlldir" "$1") $("$top/tools/wine-chroot" dlldir "$1")"
}
PKG_CONFIG_LIBDIR=$build/deps/cmocka-win64/lib/pkgconfig \
    configure_tree win64 --host=x86_64-w64-mingw32 --prefix="$build/install/win64" CFLAGS="-O2 -g" \
        --with-wine-dlldir="$(wine_dlls x86_64)"
PKG_CONFIG_LIBDIR=$build/deps/cmocka-win32/lib/pkgconfig \
    configure_tree win32 --host=i686-w64-mingw32 --prefix="$build/install/win32" CFLAGS="-O2 -g" \
        --with-wine-dlldir="$(wine_dlls i386)"

echo "build: native"
make -s -C "$build/native" -j"$jobs" all
make -s -C "$build/native" -j"$jobs" check TESTS=
echo "build: win64"
make -s -C "$build/win64" -j"$jobs" all
make -s -C "$build/win64" -j"$jobs" check TESTS=
echo "build: win32"
make -s -C "$build/win32" -j"$jobs" all
make -s -C "$build/win32" -j"$jobs" check TESTS=

if [ $demo = yes ]; then
    echo "== demo, native (libtpool.so) =="
    "$build/native/tools/demo"
    echo "== demo, under Wine (tpool.dll) =="
    out=$build/demo-wine.out
    TPOOL_DLLDIR=$build/win64 "$top/tools/wine-run" "$build/win64/tools/demo.exe" >"$out" 2>&1 || {
        cat "$out"; exit 1; }
    cat "$out"
fi
