#!/bin/sh
# Checks the Windows build's import tables: tpool.dll never calls the
# host's thread pool, and a program linked against tpool takes every
# thread pool function from tpool.dll (a name missing from tpool's
# exports would silently bind to kernel32 instead), and tpool.dll needs
# no C runtime DLL.
# usage: tools/check-imports.sh BUILDDIR
set -eu
dir=$1
objdump=x86_64-w64-mingw32-objdump
pool_names='Threadpool|^Tp[A-Z]|CallbackMayRunLong|DisassociateCurrentThreadFromCallback|WhenCallbackReturns|QueueUserWorkItem|RegisterWait|UnregisterWait|TimerQueue|BindIoCompletionCallback|^Rtl(QueueWorkItem|RegisterWait|DeregisterWait|CreateTimer|UpdateTimer|DeleteTimer|SetIoCompletionCallback)'

# Prints "dll function" for every import of a PE file.
imports()
{
    $objdump -p "$1" | awk '
        /DLL Name:/ { dll = $3; next }
        /^$/ { dll = "" }
        dll != "" && NF >= 3 && $1 ~ /^[0-9a-f]+$/ && $2 ~ /^[0-9]+$/ { print dll, $3 }'
}

status=0
bad=$(imports "$dir/tpool.dll" | awk '{print $2}' | grep -E "$pool_names" || true)
if [ -n "$bad" ]; then
    echo "check-imports: tpool.dll imports the host's thread pool:" $bad
    status=1
fi
# A C runtime DLL among its dependencies would initialise before kernel32
# in a drop-in prefix (docs/wine-dropin.md).
crt=$(imports "$dir/tpool.dll" | awk '{print tolower($1)}' | sort -u | grep -E '^(msvcr|ucrtbase|api-ms-win-crt)' || true)
if [ -n "$crt" ]; then
    echo "check-imports: tpool.dll imports a C runtime:" $crt
    status=1
fi
for exe in "$dir"/tests/*.exe "$dir"/tools/*.exe; do
    [ -f "$exe" ] || continue
    imports "$exe" | grep -qi '^tpool.dll ' || continue
    bad=$(imports "$exe" | grep -vi '^tpool.dll ' | awk '{print $2}' | grep -E "$pool_names" || true)
    if [ -n "$bad" ]; then
        echo "check-imports: $(basename "$exe") takes thread pool functions from the system:" $bad
        status=1
    fi
done
[ $status -eq 0 ] && echo "check-imports: thread pool imports all bound to tpool.dll"
exit $status
