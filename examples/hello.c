/*
 * A program using the Windows thread pool API through tpool, built
 * against an installed tpool with pkg-config, natively or with mingw-w64:
 *
 *     cc hello.c $(pkg-config --cflags --libs tpool) -o hello
 *
 * It runs a work callback four times and a timer callback once, and says
 * which implementation served them.
 */

#include <windows.h>
#include <stdio.h>
#include <tpool.h>

static LONG work_runs;

static void CALLBACK work_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    InterlockedIncrement(&work_runs);
}

static void CALLBACK timer_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_TIMER timer)
{
    SetEvent(context);
}

int main(void)
{
    HANDLE fired = CreateEventA(NULL, TRUE, FALSE, NULL);
    ULARGE_INTEGER due_time;
    FILETIME due;
    PTP_WORK work;
    PTP_TIMER timer;
    int i;

    if (!fired || !(work = CreateThreadpoolWork(work_callback, NULL, NULL)) ||
        !(timer = CreateThreadpoolTimer(timer_callback, fired, NULL)))
    {
        fprintf(stderr, "hello: cannot create the thread pool objects (error %lu)\n", GetLastError());
        return 1;
    }
    for (i = 0; i < 4; i++) SubmitThreadpoolWork(work);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    CloseThreadpoolWork(work);

    due_time.QuadPart = (ULONGLONG)-10 * 1000 * 10;  /* 10 ms from now */
    due.dwLowDateTime = due_time.LowPart;
    due.dwHighDateTime = due_time.HighPart;
    SetThreadpoolTimer(timer, &due, 0, 0);
    if (WaitForSingleObject(fired, 10000) != WAIT_OBJECT_0)
    {
        fprintf(stderr, "hello: the timer did not fire\n");
        return 1;
    }
    WaitForThreadpoolTimerCallbacks(timer, FALSE);
    CloseThreadpoolTimer(timer);
    CloseHandle(fired);

    printf("hello from %s: %ld work callbacks and a timer\n", tpool_version(), work_runs);
    return work_runs == 4 ? 0 : 1;
}
