/*
 * Threads over CreateThread.  A thread's struct thread_state lives in a
 * TLS slot, made on the thread's first use and freed when it exits (the
 * DLL's entry point): tpool.dll has no C runtime, so no _Thread_local,
 * which mingw-w64 implements with the runtime's heap and thread-exit
 * hooks.
 */

#include "sys.h"
#include "report.h"

#include <winternl.h>

struct thread_start_context
{
    thread_entry entry;
    void *arg;
    const char *name;
};

typedef HRESULT (WINAPI *set_description_fn)(HANDLE thread, const WCHAR *description);

static INIT_ONCE set_description_once = INIT_ONCE_STATIC_INIT;
static set_description_fn set_description;

/* SetThreadDescription, where the system has it (Windows 10 1607 on). */
static BOOL WINAPI set_description_find(INIT_ONCE *once, void *param, void **context)
{
    set_description = (set_description_fn)(void *)GetProcAddress(GetModuleHandleW(L"kernelbase.dll"),
                                                                 "SetThreadDescription");
    return TRUE;
}

static void thread_set_name(const char *name)
{
    WCHAR wide[16];
    unsigned int i;

    InitOnceExecuteOnce(&set_description_once, set_description_find, NULL, NULL);
    if (!set_description)
        return;
    for (i = 0; name[i] && i < ARRAYSIZE(wide) - 1; i++)
        wide[i] = (unsigned char)name[i];
    wide[i] = 0;
    set_description(GetCurrentThread(), wide);
}

static INIT_ONCE state_slot_once = INIT_ONCE_STATIC_INIT;
static DWORD state_slot = TLS_OUT_OF_INDEXES;

static BOOL WINAPI state_slot_alloc(INIT_ONCE *once, void *param, void **context)
{
    state_slot = TlsAlloc();
    return state_slot != TLS_OUT_OF_INDEXES;
}

/* TlsGetValue read from the TEB: TlsGetValue itself clears the last
 * error, which the API functions that get here must leave alone. */
/* GCC takes NtCurrentTeb's segment read for an access to address 0x30. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
static void *state_slot_value(DWORD slot)
{
    TEB *teb = NtCurrentTeb();
    void **expansion;

    if (slot < ARRAYSIZE(teb->TlsSlots))
        return teb->TlsSlots[slot];
    expansion = teb->TlsExpansionSlots;
    return expansion ? expansion[slot - ARRAYSIZE(teb->TlsSlots)] : NULL;
}
#pragma GCC diagnostic pop

static DWORD WINAPI thread_trampoline(void *param)
{
    struct thread_start_context context = *(struct thread_start_context *)param;

    HeapFree(GetProcessHeap(), 0, param);
    thread_set_name(context.name);
    context.entry(context.arg);
    return 0;
}

static NTSTATUS status_from_error(DWORD error)
{
    switch (error)
    {
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:
    case ERROR_COMMITMENT_LIMIT:
        return STATUS_NO_MEMORY;
    default:
        return STATUS_TOO_MANY_THREADS;
    }
}

NTSTATUS thread_start(thread_entry entry, void *arg, const char *name, SIZE_T stack_reserve,
                      SIZE_T stack_commit)
{
    struct thread_start_context *context;
    HANDLE thread;
    DWORD error;

    lock_check_none_held("starting a thread");
    if (fault_injected(TPOOL_FAULT_THREAD)) return STATUS_NO_MEMORY;
    if (!(context = HeapAlloc(GetProcessHeap(), 0, sizeof(*context)))) return STATUS_NO_MEMORY;
    context->entry = entry;
    context->arg = arg;
    context->name = name;

    if (stack_reserve)
        thread = CreateThread(NULL, stack_reserve, thread_trampoline, context,
                              STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
    else
        thread = CreateThread(NULL, stack_commit, thread_trampoline, context, 0, NULL);
    if (!thread)
    {
        error = GetLastError();
        HeapFree(GetProcessHeap(), 0, context);
        return status_from_error(error);
    }
    CloseHandle(thread);
    return STATUS_SUCCESS;
}

DWORD thread_current_id(void)
{
    return GetCurrentThreadId();
}

void thread_yield(void)
{
    SwitchToThread();
}

BOOL thread_cpu_clock_open(struct thread_cpu_clock *clock)
{
    DWORD error = GetLastError();
    HANDLE thread = OpenThread(THREAD_QUERY_LIMITED_INFORMATION, FALSE, GetCurrentThreadId());

    SetLastError(error);
    clock->value = (uintptr_t)thread;
    return thread != NULL;
}

LONGLONG thread_cpu_time(const struct thread_cpu_clock *clock)
{
    FILETIME creation, exit, kernel, user;
    DWORD error = GetLastError();
    BOOL ok = GetThreadTimes((HANDLE)clock->value, &creation, &exit, &kernel, &user);

    SetLastError(error);
    if (!ok)
        return -1;
    return (LONGLONG)(((ULONGLONG)kernel.dwHighDateTime << 32 | kernel.dwLowDateTime)
                      + ((ULONGLONG)user.dwHighDateTime << 32 | user.dwLowDateTime));
}

void thread_cpu_clock_close(struct thread_cpu_clock *clock)
{
    CloseHandle((HANDLE)clock->value);
}

/* Wine's GetActiveProcessorCount sets the last error even when it
 * succeeds; the pool function that asked must not. */
unsigned int thread_cpu_count(void)
{
    DWORD error = GetLastError();
    DWORD count = GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);
    SYSTEM_INFO info;

    if (!count)
    {
        GetSystemInfo(&info);
        count = info.dwNumberOfProcessors ? info.dwNumberOfProcessors : 1;
    }
    SetLastError(error);
    return count;
}

/* Without memory for it, a thread's state cannot be had: as a failed
 * _Thread_local allocation would, that ends the process. */
static struct thread_state *thread_state_create(void)
{
    DWORD error = GetLastError();
    struct thread_state *state = NULL;

    if (!InitOnceExecuteOnce(&state_slot_once, state_slot_alloc, NULL, NULL) ||
        !(state = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*state))) ||
        !TlsSetValue(state_slot, state))
        RaiseException(STATUS_NO_MEMORY, EXCEPTION_NONCONTINUABLE, 0, NULL);
    SetLastError(error);
    return state;
}

struct thread_state *thread_state_current(void)
{
    DWORD slot = state_slot;
    struct thread_state *state;

    if (slot != TLS_OUT_OF_INDEXES && (state = state_slot_value(slot)))
        return state;
    return thread_state_create();
}

/* tpool.dll's entry point: the checked mode's lock checks and the trace are
 * set up when the process attaches; a thread that ends frees its state. */
BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, void *reserved)
{
    struct thread_state *state;

    if (reason == DLL_PROCESS_ATTACH)
    {
        checked_mode_load();
        trace_sink_open();
    }
    if (reason == DLL_THREAD_DETACH && state_slot != TLS_OUT_OF_INDEXES &&
        (state = state_slot_value(state_slot)))
    {
        TlsSetValue(state_slot, NULL);
        HeapFree(GetProcessHeap(), 0, state);
    }
    return TRUE;
}

void thread_default_stack(SIZE_T *reserve, SIZE_T *commit)
{
    const IMAGE_DOS_HEADER *dos = (const IMAGE_DOS_HEADER *)GetModuleHandleW(NULL);
    const IMAGE_NT_HEADERS *nt = (const IMAGE_NT_HEADERS *)((const char *)dos + dos->e_lfanew);

    *reserve = nt->OptionalHeader.SizeOfStackReserve;
    *commit = nt->OptionalHeader.SizeOfStackCommit;
}
