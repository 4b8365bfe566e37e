/*
 * Threads over pthreads.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "sys.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

struct thread_start_context
{
    thread_entry entry;
    void *arg;
    const char *name;
};

static _Thread_local struct thread_state thread_state;

static void *thread_trampoline(void *param)
{
    struct thread_start_context context = *(struct thread_start_context *)param;

    free(param);
    pthread_setname_np(pthread_self(), context.name);
    context.entry(context.arg);
    return NULL;
}

static size_t stack_size_for(SIZE_T reserve)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t size = reserve;

    if (size < (size_t)PTHREAD_STACK_MIN) size = PTHREAD_STACK_MIN;
    return (size + page - 1) / page * page;
}

static NTSTATUS status_from_errno(int err)
{
    return err == EAGAIN ? STATUS_TOO_MANY_THREADS : STATUS_NO_MEMORY;
}

NTSTATUS thread_start(thread_entry entry, void *arg, const char *name, SIZE_T stack_reserve,
                      SIZE_T stack_commit)
{
    struct thread_start_context *context;
    pthread_attr_t attr;
    pthread_t thread;
    int err;

    lock_check_none_held("starting a thread");
    (void)stack_commit;  /* pthreads commit stack pages on demand */
    if (fault_injected(TPOOL_FAULT_THREAD)) return STATUS_NO_MEMORY;
    if (!(context = malloc(sizeof(*context)))) return STATUS_NO_MEMORY;
    context->entry = entry;
    context->arg = arg;
    context->name = name;

    if ((err = pthread_attr_init(&attr)))
    {
        free(context);
        return status_from_errno(err);
    }
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (stack_reserve) err = pthread_attr_setstacksize(&attr, stack_size_for(stack_reserve));
    if (!err) err = pthread_create(&thread, &attr, thread_trampoline, context);
    pthread_attr_destroy(&attr);
    if (err)
    {
        free(context);
        return status_from_errno(err);
    }
    return STATUS_SUCCESS;
}

/* The same cached id as GetCurrentThreadId (a system call otherwise). */
DWORD thread_current_id(void)
{
    return GetCurrentThreadId();
}

void thread_yield(void)
{
    sched_yield();
}

BOOL thread_cpu_clock_open(struct thread_cpu_clock *clock)
{
    clockid_t id;

    if (pthread_getcpuclockid(pthread_self(), &id))
        return FALSE;
    clock->value = (uintptr_t)(intptr_t)id;
    return TRUE;
}

LONGLONG thread_cpu_time(const struct thread_cpu_clock *clock)
{
    struct timespec used;

    if (clock_gettime((clockid_t)(intptr_t)clock->value, &used))
        return -1;
    return (LONGLONG)used.tv_sec * 10000000 + used.tv_nsec / 100;
}

void thread_cpu_clock_close(struct thread_cpu_clock *clock)
{
}

unsigned int thread_cpu_count(void)
{
    cpu_set_t set;
    long online;
    int count;

    if (!sched_getaffinity(0, sizeof(set), &set) && (count = CPU_COUNT(&set)) > 0)
        return count;
    online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? (unsigned int)online : 1;
}

struct thread_state *thread_state_current(void)
{
    return &thread_state;
}

void thread_default_stack(SIZE_T *reserve, SIZE_T *commit)
{
    pthread_attr_t attr;
    size_t size = 0;

    if (!pthread_attr_init(&attr))
    {
        pthread_attr_getstacksize(&attr, &size);
        pthread_attr_destroy(&attr);
    }
    *reserve = *commit = size;
}
