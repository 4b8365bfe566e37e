/*
 * What the bad input tests (test_bad_input.c, test_bad_environment.c)
 * share: the checks of a failing call, and callbacks and handles to pass.
 */

#ifndef TPOOL_TEST_BAD_INPUT_H
#define TPOOL_TEST_BAD_INPUT_H

#include "test_util.h"
#include "tpoolnt.h"

/* NTSTATUS results; the STATUS_ codes are DWORDs in winnt.h. */
#define assert_status(expr, status) assert_int_equal((ULONG)(expr), (ULONG)(status))

/* A Win32 call that must fail (FALSE or NULL) with `error` as the last error. */
#define assert_fails(call, error)                       \
    do                                                  \
    {                                                   \
        SetLastError(0xdeadbeef);                       \
        assert_false(call);                             \
        assert_int_equal(GetLastError(), (error));      \
    } while (0)

static ULONG_PTR foreign[32];   /* not a tpool object of any kind */

static inline void CALLBACK work_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
}

static inline void CALLBACK simple_callback(PTP_CALLBACK_INSTANCE instance, void *context)
{
}

static inline void CALLBACK timer_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_TIMER timer)
{
}

static inline void CALLBACK wait_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WAIT wait,
                                   TP_WAIT_RESULT result)
{
    SetEvent(context);
}

static inline void CALLBACK io_callback(PTP_CALLBACK_INSTANCE instance, void *context, void *overlapped,
                                 ULONG result, ULONG_PTR bytes, PTP_IO io)
{
}

static inline void NTAPI nt_io_callback(PTP_CALLBACK_INSTANCE instance, PVOID context, PVOID overlapped,
                                 PIO_STATUS_BLOCK status, PTP_IO io)
{
}

static inline void CALLBACK legacy_callback(void *context, BOOLEAN fired)
{
}

static inline void CALLBACK completion_routine(DWORD error, DWORD bytes, OVERLAPPED *overlapped)
{
}

static inline void NTAPI rtl_completion_routine(DWORD error, DWORD bytes, PVOID overlapped)
{
}

/* A handle an I/O object accepts: in the DLL an overlapped file; natively
 * any handle (tpool_complete_io reports its operations). */
static inline HANDLE io_handle(BOOL overlapped)
{
#ifdef _WIN32
    return temp_file_open(overlapped ? FILE_FLAG_OVERLAPPED : 0);
#else
    return test_event(TRUE, FALSE);
#endif
}

/* The handle can still be bound: a failed call did not bind it. */
static inline void assert_io_handle_unbound(HANDLE handle)
{
    PTP_IO io = CreateThreadpoolIo(handle, io_callback, NULL, NULL);

    assert_non_null(io);
    CloseThreadpoolIo(io);
}

#endif
