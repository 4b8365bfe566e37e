/*
 * The ntdll thread pool functions (Tp*) as tpool provides them, with
 * ntdll's signatures: the Win32 thread pool functions are wrappers over
 * these.  Include after <windows.h>.
 *
 * Results: the Tp*Alloc* functions and a few others return an NTSTATUS
 * and hand the object back through an out pointer; TpSetTimerEx and
 * TpSetWaitEx return the BOOL that SetThreadpoolTimerEx and
 * SetThreadpoolWaitEx return (kernel32 forwards those to them), although
 * some headers declare them NTSTATUS.
 */

#ifndef TPOOLNT_H
#define TPOOLNT_H

#ifdef _WIN32
# include <winternl.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

#ifdef _WIN32
# ifdef TPOOL_BUILDING
#  define TPOOLAPI
# else
#  define TPOOLAPI __declspec(dllimport)
# endif
#else
# define TPOOLAPI
#endif

#ifndef _WIN32
/* Laid out as Windows' (winternl.h). */
typedef struct _IO_STATUS_BLOCK
{
    union
    {
        NTSTATUS Status;
        PVOID Pointer;
    };
    ULONG_PTR Information;
} IO_STATUS_BLOCK, *PIO_STATUS_BLOCK;
#endif

/* The ntdll I/O callback: the status block carries the operation's
 * NTSTATUS and byte count (the Win32 callback gets a Win32 error). */
typedef VOID (NTAPI *PTP_IO_CALLBACK)(PTP_CALLBACK_INSTANCE Instance, PVOID Context,
                                      PVOID Overlapped, PIO_STATUS_BLOCK IoStatusBlock, PTP_IO Io);

/* Pools */
TPOOLAPI NTSTATUS NTAPI TpAllocPool(PTP_POOL *PoolReturn, PVOID Reserved);
TPOOLAPI VOID NTAPI TpReleasePool(PTP_POOL Pool);
TPOOLAPI VOID NTAPI TpSetPoolMaxThreads(PTP_POOL Pool, DWORD MaxThreads);
TPOOLAPI NTSTATUS NTAPI TpSetPoolMinThreads(PTP_POOL Pool, DWORD MinThreads);
TPOOLAPI NTSTATUS NTAPI TpSetPoolStackInformation(PTP_POOL Pool,
                                                  PTP_POOL_STACK_INFORMATION StackInformation);
TPOOLAPI NTSTATUS NTAPI TpQueryPoolStackInformation(PTP_POOL Pool,
                                                    PTP_POOL_STACK_INFORMATION StackInformation);

/* Cleanup groups */
TPOOLAPI NTSTATUS NTAPI TpAllocCleanupGroup(PTP_CLEANUP_GROUP *CleanupGroupReturn);
TPOOLAPI VOID NTAPI TpReleaseCleanupGroup(PTP_CLEANUP_GROUP CleanupGroup);
TPOOLAPI VOID NTAPI TpReleaseCleanupGroupMembers(PTP_CLEANUP_GROUP CleanupGroup,
                                                 BOOL CancelPendingCallbacks, PVOID CleanupContext);

/* Work objects and simple callbacks */
TPOOLAPI NTSTATUS NTAPI TpAllocWork(PTP_WORK *WorkReturn, PTP_WORK_CALLBACK Callback, PVOID Context,
                                    PTP_CALLBACK_ENVIRON CallbackEnviron);
TPOOLAPI VOID NTAPI TpPostWork(PTP_WORK Work);
TPOOLAPI VOID NTAPI TpWaitForWork(PTP_WORK Work, BOOL CancelPendingCallbacks);
TPOOLAPI VOID NTAPI TpReleaseWork(PTP_WORK Work);
TPOOLAPI NTSTATUS NTAPI TpSimpleTryPost(PTP_SIMPLE_CALLBACK Callback, PVOID Context,
                                        PTP_CALLBACK_ENVIRON CallbackEnviron);

/* Timers: DueTime as SetThreadpoolTimer's (0 now, negative relative,
 * positive absolute, in 100 ns), Period and WindowLength in ms. */
TPOOLAPI NTSTATUS NTAPI TpAllocTimer(PTP_TIMER *TimerReturn, PTP_TIMER_CALLBACK Callback, PVOID Context,
                                     PTP_CALLBACK_ENVIRON CallbackEnviron);
TPOOLAPI VOID NTAPI TpSetTimer(PTP_TIMER Timer, PLARGE_INTEGER DueTime, LONG Period, LONG WindowLength);
TPOOLAPI BOOL NTAPI TpSetTimerEx(PTP_TIMER Timer, PLARGE_INTEGER DueTime, LONG Period,
                                 LONG WindowLength);
TPOOLAPI BOOL NTAPI TpIsTimerSet(PTP_TIMER Timer);
TPOOLAPI VOID NTAPI TpWaitForTimer(PTP_TIMER Timer, BOOL CancelPendingCallbacks);
TPOOLAPI VOID NTAPI TpReleaseTimer(PTP_TIMER Timer);

/* Waits: a NULL Handle disarms (Timeout is then not read). */
TPOOLAPI NTSTATUS NTAPI TpAllocWait(PTP_WAIT *WaitReturn, PTP_WAIT_CALLBACK Callback, PVOID Context,
                                    PTP_CALLBACK_ENVIRON CallbackEnviron);
TPOOLAPI VOID NTAPI TpSetWait(PTP_WAIT Wait, HANDLE Handle, PLARGE_INTEGER Timeout);
TPOOLAPI BOOL NTAPI TpSetWaitEx(PTP_WAIT Wait, HANDLE Handle, PLARGE_INTEGER Timeout, PVOID Reserved);
TPOOLAPI VOID NTAPI TpWaitForWait(PTP_WAIT Wait, BOOL CancelPendingCallbacks);
TPOOLAPI VOID NTAPI TpReleaseWait(PTP_WAIT Wait);

/* I/O completion objects */
TPOOLAPI NTSTATUS NTAPI TpAllocIoCompletion(PTP_IO *IoReturn, HANDLE File, PTP_IO_CALLBACK Callback,
                                            PVOID Context, PTP_CALLBACK_ENVIRON CallbackEnviron);
TPOOLAPI VOID NTAPI TpStartAsyncIoOperation(PTP_IO Io);
TPOOLAPI VOID NTAPI TpCancelAsyncIoOperation(PTP_IO Io);
TPOOLAPI VOID NTAPI TpWaitForIoCompletion(PTP_IO Io, BOOL CancelPendingCallbacks);
TPOOLAPI VOID NTAPI TpReleaseIoCompletion(PTP_IO Io);

/* Callback instances */
TPOOLAPI NTSTATUS NTAPI TpCallbackMayRunLong(PTP_CALLBACK_INSTANCE Instance);
TPOOLAPI VOID NTAPI TpDisassociateCallback(PTP_CALLBACK_INSTANCE Instance);
TPOOLAPI VOID NTAPI TpCallbackLeaveCriticalSectionOnCompletion(PTP_CALLBACK_INSTANCE Instance,
                                                               PRTL_CRITICAL_SECTION CriticalSection);
TPOOLAPI VOID NTAPI TpCallbackReleaseMutexOnCompletion(PTP_CALLBACK_INSTANCE Instance, HANDLE Mutex);
TPOOLAPI VOID NTAPI TpCallbackReleaseSemaphoreOnCompletion(PTP_CALLBACK_INSTANCE Instance,
                                                           HANDLE Semaphore, DWORD ReleaseCount);
TPOOLAPI VOID NTAPI TpCallbackSetEventOnCompletion(PTP_CALLBACK_INSTANCE Instance, HANDLE Event);
TPOOLAPI VOID NTAPI TpCallbackUnloadDllOnCompletion(PTP_CALLBACK_INSTANCE Instance, HMODULE Module);

/* The legacy pool (the kernel32 names are wrappers over these).  A
 * CompletionEvent of INVALID_HANDLE_VALUE waits for the callbacks, an event
 * is set once they are done, NULL returns at once; STATUS_PENDING tells
 * that callbacks were still outstanding. */
typedef VOID (NTAPI *PRTL_WORK_ITEM_ROUTINE)(PVOID Context);
typedef VOID (NTAPI *RTL_WAITORTIMERCALLBACKFUNC)(PVOID Context, BOOLEAN TimerOrWaitFired);
/* Gets a Win32 error, as LPOVERLAPPED_COMPLETION_ROUTINE. */
typedef VOID (NTAPI *PRTL_OVERLAPPED_COMPLETION_ROUTINE)(DWORD ErrorCode, DWORD BytesTransferred,
                                                         PVOID Overlapped);

TPOOLAPI NTSTATUS NTAPI RtlQueueWorkItem(PRTL_WORK_ITEM_ROUTINE Function, PVOID Context, ULONG Flags);
TPOOLAPI NTSTATUS NTAPI RtlRegisterWait(PHANDLE WaitHandle, HANDLE Handle,
                                        RTL_WAITORTIMERCALLBACKFUNC Function, PVOID Context,
                                        ULONG Milliseconds, ULONG Flags);
TPOOLAPI NTSTATUS NTAPI RtlDeregisterWait(HANDLE WaitHandle);
TPOOLAPI NTSTATUS NTAPI RtlDeregisterWaitEx(HANDLE WaitHandle, HANDLE CompletionEvent);
TPOOLAPI NTSTATUS NTAPI RtlCreateTimerQueue(PHANDLE TimerQueue);
TPOOLAPI NTSTATUS NTAPI RtlCreateTimer(HANDLE TimerQueue, PHANDLE Timer,
                                       RTL_WAITORTIMERCALLBACKFUNC Function, PVOID Context,
                                       DWORD DueTime, DWORD Period, ULONG Flags);
TPOOLAPI NTSTATUS NTAPI RtlUpdateTimer(HANDLE TimerQueue, HANDLE Timer, DWORD DueTime, DWORD Period);
TPOOLAPI NTSTATUS NTAPI RtlDeleteTimer(HANDLE TimerQueue, HANDLE Timer, HANDLE CompletionEvent);
TPOOLAPI NTSTATUS NTAPI RtlDeleteTimerQueue(HANDLE TimerQueue);
TPOOLAPI NTSTATUS NTAPI RtlDeleteTimerQueueEx(HANDLE TimerQueue, HANDLE CompletionEvent);
TPOOLAPI NTSTATUS NTAPI RtlSetIoCompletionCallback(HANDLE File, PRTL_OVERLAPPED_COMPLETION_ROUTINE Function,
                                                   ULONG Flags);

/* Exported by kernel32 but declared by no SDK header. */
TPOOLAPI HANDLE WINAPI RegisterWaitForSingleObjectEx(HANDLE Object, WAITORTIMERCALLBACK Callback,
                                                     PVOID Context, ULONG Milliseconds, ULONG Flags);

#ifdef __cplusplus
}
#endif

#endif
