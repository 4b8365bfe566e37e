#!/bin/sh
# Checks the layering of the sources (docs/design.md): a file of
# dlls/tpool/sys includes only layer 1's headers, one of dlls/tpool/core
# only layers 1 and 2's, and none includes a header of a layer above it.
# The public headers of include/ are open to every layer.  The build gives
# each layer only its own include paths and those below (Makefile.am);
# this also catches a header found beside the including file.
# usage: tools/check-layers.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/dlls/tpool
status=0

headers()
{
    for header in "$src/$1"/*.h; do basename "$header"; done
}

# check LAYER NAME FORBIDDEN...: no file of LAYER includes a header of the
# FORBIDDEN layers.
check()
{
    layer=$1 name=$2
    shift 2
    for upper in "$@"; do
        for header in $(headers "$upper"); do
            found=$(grep -ln "^[[:space:]]*#[[:space:]]*include[[:space:]]*[\"<]$header[\">]" \
                "$src/$layer"/*.c "$src/$layer"/*.h 2>/dev/null || true)
            for file in $found; do
                echo "check-layers: ${file#$top/} ($name) includes $upper/$header"
                status=1
            done
        done
    done
}

check sys "layer 1" core api
check core "layer 2" api
[ $status -eq 0 ] && echo "check-layers: every include goes down or stays in its layer"
exit $status
