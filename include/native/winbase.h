/*
 * Base API: wait results, A/W name selection and the thread pool
 * callback environment helpers.
 */

#ifndef _WINBASE_
#define _WINBASE_

#include <minwinbase.h>
#include <winerror.h>
#include <errhandlingapi.h>
#include <handleapi.h>
#include <libloaderapi.h>
#include <processthreadsapi.h>
#include <profileapi.h>
#include <synchapi.h>
#include <sysinfoapi.h>
#include <threadpoolapiset.h>
#include <threadpoollegacyapiset.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WAIT_FAILED        ((DWORD)0xffffffff)
#define WAIT_OBJECT_0      ((STATUS_WAIT_0) + 0)
#define WAIT_ABANDONED     ((STATUS_ABANDONED_WAIT_0) + 0)
#define WAIT_ABANDONED_0   ((STATUS_ABANDONED_WAIT_0) + 0)
#define WAIT_IO_COMPLETION STATUS_USER_APC

#ifdef UNICODE
#define CreateEvent     CreateEventW
#define CreateSemaphore CreateSemaphoreW
#define CreateMutex     CreateMutexW
#else
#define CreateEvent     CreateEventA
#define CreateSemaphore CreateSemaphoreA
#define CreateMutex     CreateMutexA
#endif

#if _WIN32_WINNT >= 0x0600
FORCEINLINE VOID InitializeThreadpoolEnvironment(PTP_CALLBACK_ENVIRON pcbe)
{
    TpInitializeCallbackEnviron(pcbe);
}

FORCEINLINE VOID SetThreadpoolCallbackPool(PTP_CALLBACK_ENVIRON pcbe, PTP_POOL ptpp)
{
    TpSetCallbackThreadpool(pcbe, ptpp);
}

FORCEINLINE VOID SetThreadpoolCallbackCleanupGroup(PTP_CALLBACK_ENVIRON pcbe, PTP_CLEANUP_GROUP ptpcg,
                                                   PTP_CLEANUP_GROUP_CANCEL_CALLBACK pfng)
{
    TpSetCallbackCleanupGroup(pcbe, ptpcg, pfng);
}

FORCEINLINE VOID SetThreadpoolCallbackRunsLong(PTP_CALLBACK_ENVIRON pcbe)
{
    TpSetCallbackLongFunction(pcbe);
}

FORCEINLINE VOID SetThreadpoolCallbackLibrary(PTP_CALLBACK_ENVIRON pcbe, PVOID mod)
{
    TpSetCallbackRaceWithDll(pcbe, mod);
}

#if _WIN32_WINNT >= 0x0601
FORCEINLINE VOID SetThreadpoolCallbackPriority(PTP_CALLBACK_ENVIRON pcbe, TP_CALLBACK_PRIORITY priority)
{
    TpSetCallbackPriority(pcbe, priority);
}
#endif

/* In the Windows SDK, but not in mingw-w64's winbase.h. */
FORCEINLINE VOID SetThreadpoolCallbackPersistent(PTP_CALLBACK_ENVIRON pcbe)
{
    TpSetCallbackPersistent(pcbe);
}

FORCEINLINE VOID DestroyThreadpoolEnvironment(PTP_CALLBACK_ENVIRON pcbe)
{
    TpDestroyCallbackEnviron(pcbe);
}
#endif /* _WIN32_WINNT >= 0x0600 */

#ifdef __cplusplus
}
#endif

#endif /* _WINBASE_ */
