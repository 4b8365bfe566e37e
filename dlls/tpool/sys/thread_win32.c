/*
 * Threads over CreateThread.
 */

#include "sys.h"

#include <stdlib.h>

struct thread_start_context
{
    thread_entry entry;
    void *arg;
};

static _Thread_local struct thread_state thread_state;

static DWORD WINAPI thread_trampoline(void *param)
{
    struct thread_start_context context = *(struct thread_start_context *)param;

    free(param);
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

NTSTATUS thread_start(thread_entry entry, void *arg, SIZE_T stack_reserve, SIZE_T stack_commit)
{
    struct thread_start_context *context;
    HANDLE thread;
    DWORD error;

    if (fault_injected(TPOOL_FAULT_THREAD)) return STATUS_NO_MEMORY;
    if (!(context = malloc(sizeof(*context)))) return STATUS_NO_MEMORY;
    context->entry = entry;
    context->arg = arg;

    if (stack_reserve)
        thread = CreateThread(NULL, stack_reserve, thread_trampoline, context,
                              STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
    else
        thread = CreateThread(NULL, stack_commit, thread_trampoline, context, 0, NULL);
    if (!thread)
    {
        error = GetLastError();
        free(context);
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

unsigned int thread_cpu_count(void)
{
    SYSTEM_INFO info;
    DWORD count = GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);

    if (count) return count;
    GetSystemInfo(&info);
    return info.dwNumberOfProcessors ? info.dwNumberOfProcessors : 1;
}

struct thread_state *thread_state_current(void)
{
    return &thread_state;
}

void thread_default_stack(SIZE_T *reserve, SIZE_T *commit)
{
    const IMAGE_DOS_HEADER *dos = (const IMAGE_DOS_HEADER *)GetModuleHandleW(NULL);
    const IMAGE_NT_HEADERS *nt = (const IMAGE_NT_HEADERS *)((const char *)dos + dos->e_lfanew);

    *reserve = nt->OptionalHeader.SizeOfStackReserve;
    *commit = nt->OptionalHeader.SizeOfStackCommit;
}
