/*
 * The drop-in probe: a Windows program that knows nothing of tpool.  It is
 * linked against kernel32 only and runs work, simple, timer, wait, I/O and
 * legacy work-item callbacks through the Win32 thread pool API, then
 * reports which thread pool served them:
 *
 *   - the module holding the functions its import table was bound to
 *     (kernel32's CreateThreadpoolWork, ...);
 *   - whether tpool.dll is loaded, and its tpool_version();
 *   - tpool's count of callbacks started in the process
 *     (tpool_query_process_stats), before and after.
 *
 * usage: probe.exe tpool|builtin
 * Exits 0 when every callback ran and the pool that served them is the
 * one expected; prints what it found either way.
 */

#include <windows.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "tpool.h"  /* types only: the probe is not linked with tpool */

#define TIMEOUT_MS 10000

typedef const char *(WINAPI *version_fn)(void);

typedef BOOL (WINAPI *process_stats_fn)(TPOOL_PROCESS_STATS *stats);

static HANDLE done_event[6];
static LONG callbacks_run;

static void note_callback(int index)
{
    InterlockedIncrement(&callbacks_run);
    SetEvent(done_event[index]);
}

static void CALLBACK work_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    note_callback(0);
}

static void CALLBACK simple_callback(PTP_CALLBACK_INSTANCE instance, void *context)
{
    note_callback(1);
}

static void CALLBACK timer_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_TIMER timer)
{
    note_callback(2);
}

static void CALLBACK wait_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WAIT wait,
                                   TP_WAIT_RESULT result)
{
    if (result == WAIT_OBJECT_0) note_callback(3);
}

static void CALLBACK io_callback(PTP_CALLBACK_INSTANCE instance, void *context, void *overlapped,
                                 ULONG result, ULONG_PTR bytes, PTP_IO io)
{
    if (result == NO_ERROR && bytes == 5) note_callback(4);
}

static DWORD WINAPI legacy_callback(void *context)
{
    note_callback(5);
    return 0;
}

/* The module that holds the code at ADDRESS, by file name. */
static const char *module_of(const void *address, char *name, DWORD size)
{
    HMODULE module;
    char path[MAX_PATH], *base, *c;

    if (!GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                            GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                            address, &module) ||
        !GetModuleFileNameA(module, path, sizeof(path)))
        return "?";
    base = strrchr(path, '\\');
    lstrcpynA(name, base ? base + 1 : path, size);
    for (c = name; *c; c++) *c = tolower((unsigned char)*c);
    return name;
}

static BOOL run_io_callback(void)
{
    char dir[MAX_PATH], path[MAX_PATH];
    OVERLAPPED overlapped;
    HANDLE file;
    PTP_IO io;
    BOOL ok;

    if (!GetTempPathA(sizeof(dir), dir) || !GetTempFileNameA(dir, "tpp", 0, path)) return FALSE;
    file = CreateFileA(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                       FILE_FLAG_OVERLAPPED | FILE_FLAG_DELETE_ON_CLOSE, NULL);
    if (file == INVALID_HANDLE_VALUE) return FALSE;
    if (!(io = CreateThreadpoolIo(file, io_callback, NULL, NULL)))
    {
        CloseHandle(file);
        return FALSE;
    }
    memset(&overlapped, 0, sizeof(overlapped));
    StartThreadpoolIo(io);
    ok = WriteFile(file, "probe", 5, NULL, &overlapped) || GetLastError() == ERROR_IO_PENDING;
    if (!ok) CancelThreadpoolIo(io);
    WaitForThreadpoolIoCallbacks(io, FALSE);
    CloseThreadpoolIo(io);
    CloseHandle(file);
    return ok;
}

static BOOL run_callbacks(void)
{
    FILETIME due = {0};
    ULARGE_INTEGER relative;
    PTP_WORK work;
    PTP_TIMER timer;
    PTP_WAIT wait;
    HANDLE signal;
    BOOL ok = TRUE;
    int i;

    for (i = 0; i < 6; i++) done_event[i] = CreateEventA(NULL, TRUE, FALSE, NULL);

    work = CreateThreadpoolWork(work_callback, NULL, NULL);
    SubmitThreadpoolWork(work);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    CloseThreadpoolWork(work);

    ok &= TrySubmitThreadpoolCallback(simple_callback, NULL, NULL);

    relative.QuadPart = (ULONGLONG)-10000;  /* 1 ms, relative */
    due.dwLowDateTime = relative.LowPart;
    due.dwHighDateTime = relative.HighPart;
    timer = CreateThreadpoolTimer(timer_callback, NULL, NULL);
    SetThreadpoolTimer(timer, &due, 0, 0);

    signal = CreateEventA(NULL, TRUE, FALSE, NULL);
    wait = CreateThreadpoolWait(wait_callback, NULL, NULL);
    SetThreadpoolWait(wait, signal, NULL);
    SetEvent(signal);

    ok &= run_io_callback();
    ok &= QueueUserWorkItem(legacy_callback, NULL, WT_EXECUTEDEFAULT);

    if (WaitForMultipleObjects(6, done_event, TRUE, TIMEOUT_MS) != WAIT_OBJECT_0)
    {
        for (i = 0; i < 6; i++)
            if (WaitForSingleObject(done_event[i], 0) != WAIT_OBJECT_0)
                printf("callback %d did not run\n", i);
        ok = FALSE;
    }
    WaitForThreadpoolTimerCallbacks(timer, FALSE);
    CloseThreadpoolTimer(timer);
    WaitForThreadpoolWaitCallbacks(wait, FALSE);
    CloseThreadpoolWait(wait);
    CloseHandle(signal);
    return ok;
}

int main(int argc, char **argv)
{
    TPOOL_PROCESS_STATS before, after;
    HMODULE tpool = GetModuleHandleA("tpool.dll");
    process_stats_fn query = NULL;
    version_fn version = NULL;
    char name[MAX_PATH];
    const char *served_by;
    BOOL expect_tpool, ok;

    if (argc != 2 || (strcmp(argv[1], "tpool") && strcmp(argv[1], "builtin")))
    {
        fprintf(stderr, "usage: probe.exe tpool|builtin\n");
        return 2;
    }
    expect_tpool = !strcmp(argv[1], "tpool");
    memset(&before, 0, sizeof(before));
    before.size = after.size = sizeof(before);
    setvbuf(stdout, NULL, _IONBF, 0);

    served_by = module_of((const void *)CreateThreadpoolWork, name, sizeof(name));
    printf("CreateThreadpoolWork: %s\n", served_by);
    if (tpool)
    {
        version = (version_fn)(void *)GetProcAddress(tpool, "tpool_version");
        query = (process_stats_fn)(void *)GetProcAddress(tpool, "tpool_query_process_stats");
    }
    printf("tpool.dll: %s\n", tpool ? "loaded" : "not loaded");
    if (version) printf("tpool_version: %s\n", version());
    if (query && !query(&before)) query = NULL;

    ok = run_callbacks();
    printf("callbacks run: %ld of 6\n", callbacks_run);

    if (query)
    {
        if (!query(&after)) return 1;
        printf("tpool callbacks started: %llu\n", after.callbacks - before.callbacks);
        if (after.callbacks - before.callbacks < 6) ok = FALSE;
    }
    if (expect_tpool)
        ok &= tpool && version && !strcmp(served_by, "tpool.dll");
    else
        ok &= !tpool && strcmp(served_by, "tpool.dll");
    printf("probe: %s\n", ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
