/*
 * What Wine's conformance test programs of tools/winetest.sh link besides
 * the tests: the redirection of their lookups to tpool and its proof (used
 * only in the programs built against tpool, WINETEST_TPOOL), and the debug
 * string helper that Wine's ntdll provides to its own tests.
 */

#include <stdio.h>
#include <string.h>
#include <windows.h>
#include "tpool.h"

/* compat.h, force-included here too, redirects the tests' calls to this
 * file; its own calls are the system's. */
#undef GetProcAddress

FARPROC WINAPI winetest_get_proc_address(HMODULE module, LPCSTR name);
void winetest_tpool_report(void);
const char * __cdecl __wine_dbg_strdup(const char *str);

static LONG redirected;
static LONG left_to_system;

/* Names of the thread pool functions, as tools/check-imports.sh knows them. */
static BOOL is_pool_function(const char *name)
{
    static const char *const parts[] =
    {
        "Threadpool", "CallbackMayRunLong", "DisassociateCurrentThreadFromCallback",
        "WhenCallbackReturns", "QueueUserWorkItem", "RegisterWait", "UnregisterWait",
        "TimerQueue", "BindIoCompletionCallback", "RtlQueueWorkItem", "RtlDeregisterWait",
        "RtlCreateTimer", "RtlUpdateTimer", "RtlDeleteTimer", "RtlSetIoCompletionCallback",
    };
    unsigned int i;

    if (name[0] == 'T' && name[1] == 'p' && name[2] >= 'A' && name[2] <= 'Z') return TRUE;
    for (i = 0; i < ARRAYSIZE(parts); i++)
        if (strstr(name, parts[i])) return TRUE;
    return FALSE;
}

static BOOL is_system_module(HMODULE module)
{
    return module && (module == GetModuleHandleA("ntdll.dll") ||
                      module == GetModuleHandleA("kernel32.dll") ||
                      module == GetModuleHandleA("kernelbase.dll"));
}

FARPROC WINAPI winetest_get_proc_address(HMODULE module, LPCSTR name)
{
    HMODULE tpool = GetModuleHandleA("tpool.dll");
    FARPROC proc;

    if (IS_INTRESOURCE(name) || !is_system_module(module)) return GetProcAddress(module, name);
    if (tpool && (proc = GetProcAddress(tpool, name)))
    {
        InterlockedIncrement(&redirected);
        return proc;
    }
    if (is_pool_function(name))
    {
        printf("tpool: %s looked up in the system\n", name);
        InterlockedIncrement(&left_to_system);
    }
    return GetProcAddress(module, name);
}

void winetest_tpool_report(void)
{
    HMODULE tpool = GetModuleHandleA("tpool.dll");
    char path[MAX_PATH];
#ifdef WINETEST_TPOOL
    TPOOL_PROCESS_STATS stats;
#endif

    if (!tpool)
    {
        printf("tpool: not loaded\n");
        return;
    }
    if (!GetModuleFileNameA(tpool, path, sizeof(path))) strcpy(path, "?");
#ifdef WINETEST_TPOOL
    /* Imported: a program built against tpool loads it at startup even if
     * the tests import nothing from it. */
    stats.size = sizeof(stats);
    if (tpool_query_process_stats(&stats))
    {
        printf("tpool: loaded from %s, %ld lookups redirected, %ld left to the system, "
               "%I64u callbacks run\n", path, redirected, left_to_system, stats.callbacks);
        return;
    }
#endif
    printf("tpool: %s loaded, without its statistics\n", path);
}

/* wine/debug.h formats wine_dbgstr_*() into a buffer and keeps a copy
 * here; the copies live until 64 more are made, as in Wine. */
const char * __cdecl __wine_dbg_strdup(const char *str)
{
    static char ring[64][1024];
    static LONG next;
    char *copy = ring[(ULONG)InterlockedIncrement(&next) % ARRAYSIZE(ring)];

    lstrcpynA(copy, str, sizeof(ring[0]));
    return copy;
}
