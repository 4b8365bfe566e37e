#!/bin/sh
# Installs what tpool needs on a Debian bookworm machine and prepares the
# build tree: packages, CMocka cross-built for mingw-w64, a Wine prefix.
# Idempotent: a second run only checks.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${TPOOL_BUILD:-$top/build}
deps=$build/deps
packages="mingw-w64 wine wine64 libcmocka-dev autoconf automake libtool pkg-config
          make cmake dpkg-dev xz-utils libglib2.0-dev libuv1-dev gnuplot-nox valgrind gcc"

sudo_cmd=""
[ "$(id -u)" = 0 ] || sudo_cmd=sudo

missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "setup: installing$missing"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# CMocka for x86_64-w64-mingw32, built from Debian's source package.
cmocka_prefix=$deps/cmocka-win64
if [ ! -f "$cmocka_prefix/lib/libcmocka.a" ]; then
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
    src=$deps/src
    rm -rf "$src/cmocka"
    mkdir -p "$src/cmocka"
    (cd "$src/cmocka" && apt-get source -qq cmocka >/dev/null 2>&1)
    srcdir=$(find "$src/cmocka" -maxdepth 1 -mindepth 1 -type d -name 'cmocka-*' | head -n 1)
    [ -n "$srcdir" ] || { echo "setup: apt-get source cmocka failed" >&2; exit 1; }
    echo "setup: building CMocka for x86_64-w64-mingw32"
    cmake -S "$srcdir" -B "$src/cmocka/build" -DCMAKE_SYSTEM_NAME=Windows \
        -DCMAKE_C_COMPILER=x86_64-w64-mingw32-gcc \
        -DCMAKE_RC_COMPILER=x86_64-w64-mingw32-windres \
        -DCMAKE_INSTALL_PREFIX="$cmocka_prefix" -DCMAKE_BUILD_TYPE=Release \
        -DWITH_STATIC_LIB=ON -DBUILD_SHARED_LIBS=OFF -DWITH_EXAMPLES=OFF \
        -DUNIT_TESTING=OFF >/dev/null
    cmake --build "$src/cmocka/build" -j2 >/dev/null
    cmake --install "$src/cmocka/build" >/dev/null
    # Static only: the test programs must not need a cmocka DLL beside them.
    rm -f "$cmocka_prefix"/lib/libcmocka.dll.a "$cmocka_prefix"/bin/*.dll
    [ -f "$cmocka_prefix/lib/libcmocka.a" ] || cp "$cmocka_prefix"/lib/libcmocka-static.a "$cmocka_prefix/lib/libcmocka.a"
fi

# A Wine prefix inside the build tree.
prefix=$build/wineprefix
if [ ! -f "$prefix/system.reg" ]; then
    echo "setup: creating the Wine prefix"
    mkdir -p "$prefix"
    WINEPREFIX=$prefix WINEDEBUG=-all WINEARCH=win64 WINEDLLOVERRIDES="mscoree,mshtml=" \
        wineboot -i >/dev/null 2>&1 </dev/null
    WINEPREFIX=$prefix wineserver -w
fi
echo "setup: ready"
