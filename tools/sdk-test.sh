#!/bin/sh
# Tests the installed SDK in both worlds: `make install` of the native and
# of the mingw-w64 build (into the prefixes they were configured with, which
# tools/build.sh puts under build/install), then examples/hello.c built
# against each installation with `pkg-config --cflags --libs tpool` alone,
# and run natively and under Wine.
#
# usage: sdk-test.sh [NATIVE_BUILD_DIR WIN64_BUILD_DIR]   (default: build/native build/win64)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${TPOOL_BUILD:-$top/build}
native=${1:-$build/native}
win64=${2:-$build/win64}
work=$build/sdk-test
rm -rf "$work"
mkdir -p "$work"

fail()
{
    echo "sdk-test: FAILED: $1"
    [ -f "$2" ] && sed 's/^/    | /' "$2"
    exit 1
}

# install BUILD_DIR: installs it and prints its configured prefix.
install_sdk()
{
    make -s -C "$1" install >"$work/install-$(basename "$1").out" 2>&1 ||
        fail "make install in $1" "$work/install-$(basename "$1").out"
    sed -n 's/^prefix = //p' "$1/Makefile"
}

echo "== SDK =="
prefix=$(install_sdk "$native")
[ -f "$prefix/lib/pkgconfig/tpool.pc" ] || fail "no tpool.pc in $prefix/lib/pkgconfig" /dev/null
flags=$(PKG_CONFIG_PATH='' PKG_CONFIG_LIBDIR=$prefix/lib/pkgconfig pkg-config --cflags --libs tpool)
${CC:-cc} "$top/examples/hello.c" $flags -o "$work/hello" >"$work/cc-native.out" 2>&1 ||
    fail "building examples/hello.c natively with: $flags" "$work/cc-native.out"
LD_LIBRARY_PATH=$prefix/lib "$work/hello" >"$work/hello-native.out" 2>&1 ||
    fail "examples/hello natively" "$work/hello-native.out"
grep -q '^hello from tpool' "$work/hello-native.out" || fail "examples/hello natively" "$work/hello-native.out"
echo "  ok native: $(cat "$work/hello-native.out")"

prefix=$(install_sdk "$win64")
for file in bin/tpool.dll lib/libtpool.dll.a include/tpool.h include/tpoolnt.h lib/pkgconfig/tpool.pc; do
    [ -f "$prefix/$file" ] || fail "make install put no $file into $prefix" /dev/null
done
flags=$(PKG_CONFIG_PATH='' PKG_CONFIG_LIBDIR=$prefix/lib/pkgconfig pkg-config --cflags --libs tpool)
x86_64-w64-mingw32-gcc "$top/examples/hello.c" $flags -o "$work/hello.exe" >"$work/cc-win64.out" 2>&1 ||
    fail "building examples/hello.c with mingw-w64 with: $flags" "$work/cc-win64.out"
WINEPREFIX=${WINEPREFIX:-$build/wineprefix} TPOOL_DLLDIR=$prefix/bin \
    "$top/tools/wine-run" "$work/hello.exe" >"$work/hello-wine.out" 2>&1 ||
    fail "examples/hello.exe under Wine" "$work/hello-wine.out"
grep -q '^hello from tpool' "$work/hello-wine.out" || fail "examples/hello.exe under Wine" "$work/hello-wine.out"
echo "  ok under Wine: $(tr -d '\r' <"$work/hello-wine.out")"
echo "sdk-test: all passed"
