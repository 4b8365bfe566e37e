/*
 * Native last error, thread and process ids, sleeping and time.
 *
 * Thread ids are the kernel's (gettid()), the value thread_current_id()
 * gives too.  The performance counter is the monotonic clock in 100 ns
 * units, so its frequency is 10 MHz, as on current Windows.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "sys.h"

#include <pthread.h>
#include <unistd.h>

#define PERFORMANCE_FREQUENCY (TICKS_PER_MS * 1000LL)

static _Thread_local DWORD last_error;
/* gettid() is a system call; GetCurrentThreadId() is on every lock path. */
static _Thread_local DWORD current_thread_id;
static pthread_once_t fork_handler_once = PTHREAD_ONCE_INIT;

DWORD WINAPI GetLastError(void)
{
    return last_error;
}

void WINAPI SetLastError(DWORD error)
{
    last_error = error;
}

/* The thread that forks goes on in the child under another id. */
static void forget_thread_id(void)
{
    current_thread_id = 0;
}

static void install_fork_handler(void)
{
    pthread_atfork(NULL, NULL, forget_thread_id);
}

DWORD WINAPI GetCurrentThreadId(void)
{
    if (!current_thread_id)
    {
        pthread_once(&fork_handler_once, install_fork_handler);
        current_thread_id = (DWORD)gettid();
    }
    return current_thread_id;
}

DWORD WINAPI GetCurrentProcessId(void)
{
    return (DWORD)getpid();
}

/* Linux does not tell whether another thread ran, so this always says so. */
BOOL WINAPI SwitchToThread(void)
{
    thread_yield();
    return TRUE;
}

/* There are no APCs natively, so an alertable sleep is never cut short. */
DWORD WINAPI SleepEx(DWORD ms, BOOL alertable)
{
    (void)alertable;
    if (!ms)
    {
        thread_yield();
        return 0;
    }
    thread_blocking_begin();
    clock_sleep_until(clock_deadline_from_ms(ms));
    thread_blocking_end();
    return 0;
}

void WINAPI Sleep(DWORD ms)
{
    SleepEx(ms, FALSE);
}

ULONGLONG WINAPI GetTickCount64(void)
{
    return (ULONGLONG)clock_monotonic() / TICKS_PER_MS;
}

DWORD WINAPI GetTickCount(void)
{
    return (DWORD)GetTickCount64();
}

static void filetime_from_ticks(FILETIME *time, LONGLONG ticks)
{
    time->dwLowDateTime = (DWORD)ticks;
    time->dwHighDateTime = (DWORD)((ULONGLONG)ticks >> 32);
}

void WINAPI GetSystemTimeAsFileTime(LPFILETIME time)
{
    filetime_from_ticks(time, clock_system());
}

void WINAPI GetSystemTimePreciseAsFileTime(LPFILETIME time)
{
    filetime_from_ticks(time, clock_system());
}

BOOL WINAPI QueryPerformanceCounter(LARGE_INTEGER *counter)
{
    counter->QuadPart = clock_monotonic();
    return TRUE;
}

BOOL WINAPI QueryPerformanceFrequency(LARGE_INTEGER *frequency)
{
    frequency->QuadPart = PERFORMANCE_FREQUENCY;
    return TRUE;
}
