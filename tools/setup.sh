#!/bin/sh
# Installs what tpool needs on a Debian bookworm machine and prepares the
# build tree: packages, CMocka cross-built for mingw-w64, a Wine prefix,
# and Wine 10.0 in a chroot (tools/wine-chroot).
# Idempotent: a second run only checks.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${TPOOL_BUILD:-$top/build}
deps=$build/deps
packages="mingw-w64 wine wine64 libcmocka-dev autoconf automake libtool pkg-config
          make cmake dpkg-dev xz-utils libglib2.0-dev libuv1-dev gnuplot-nox valgrind gcc
          debootstrap wine32:i386"

sudo_cmd=""
[ "$(id -u)" = 0 ] || sudo_cmd=sudo

missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "setup: installing$missing"
    # 32-bit Windows programs need Wine's i386 half (wine32:i386).
    dpkg --print-foreign-architectures | grep -qx i386 || $sudo_cmd dpkg --add-architecture i386
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# npm fetches the third-party Windows programs of the drop-in test.
if ! command -v npm >/dev/null; then
    echo "setup: installing npm"
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends npm >/dev/null
fi

# Debian's source packages (CMocka here, Wine's tests in winetest.sh).
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && \
   ! grep -qs '^deb-src' /etc/apt/sources.list; then
    echo "setup: adding a deb-src entry for Debian bookworm"
    $sudo_cmd sh -c 'cat > /etc/apt/sources.list.d/tpool-deb-src.sources' <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    $sudo_cmd apt-get update -qq
fi

# CMocka for each mingw-w64 target, static, from Debian's source package.
build_cmocka()
{
    triplet=$1 cmocka_prefix=$2
    [ -f "$cmocka_prefix/lib/libcmocka.a" ] && return 0
    src=$deps/src
    if [ ! -d "$src/cmocka/source" ]; then
        rm -rf "$src/cmocka"
        mkdir -p "$src/cmocka"
        (cd "$src/cmocka" && apt-get source -qq cmocka >/dev/null 2>&1)
        srcdir=$(find "$src/cmocka" -maxdepth 1 -mindepth 1 -type d -name 'cmocka-*' | head -n 1)
        [ -n "$srcdir" ] || { echo "setup: apt-get source cmocka failed" >&2; exit 1; }
        mv "$srcdir" "$src/cmocka/source"
    fi
    echo "setup: building CMocka for $triplet"
    rm -rf "$src/cmocka/build-$triplet"
    cmake -S "$src/cmocka/source" -B "$src/cmocka/build-$triplet" -DCMAKE_SYSTEM_NAME=Windows \
        -DCMAKE_C_COMPILER=$triplet-gcc -DCMAKE_RC_COMPILER=$triplet-windres \
        -DCMAKE_INSTALL_PREFIX="$cmocka_prefix" -DCMAKE_BUILD_TYPE=Release \
        -DWITH_STATIC_LIB=ON -DBUILD_SHARED_LIBS=OFF -DWITH_EXAMPLES=OFF \
        -DUNIT_TESTING=OFF >/dev/null
    cmake --build "$src/cmocka/build-$triplet" -j2 >/dev/null
    cmake --install "$src/cmocka/build-$triplet" >/dev/null
    # Static only: the test programs must not need a cmocka DLL beside them.
    rm -f "$cmocka_prefix"/lib/libcmocka.dll.a "$cmocka_prefix"/bin/*.dll
    [ -f "$cmocka_prefix/lib/libcmocka.a" ] || cp "$cmocka_prefix"/lib/libcmocka-static.a "$cmocka_prefix/lib/libcmocka.a"
}
build_cmocka x86_64-w64-mingw32 "$deps/cmocka-win64"
build_cmocka i686-w64-mingw32 "$deps/cmocka-win32"

# A Wine prefix inside the build tree, with its 32-bit half (syswow64).
prefix=$build/wineprefix
if [ ! -f "$prefix/drive_c/windows/syswow64/kernel32.dll" ]; then
    echo "setup: creating the Wine prefix"
    rm -rf "$prefix"
    mkdir -p "$prefix"
    WINEPREFIX=$prefix WINEDEBUG=-all WINEARCH=win64 WINEDLLOVERRIDES="mscoree,mshtml=" \
        wineboot -i >/dev/null 2>&1 </dev/null
    WINEPREFIX=$prefix wineserver -w
fi
# Wine 10.0 beside the host's Wine 8.0, in a Debian trixie chroot.
"$top/tools/wine-chroot" setup
echo "setup: ready"
