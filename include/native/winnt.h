/*
 * NT types: status codes, critical sections and the thread pool callback
 * environment, laid out as in the Windows SDK.
 */

#ifndef _WINNT_
#define _WINNT_

#include <windef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* WCHAR is 16 bits, so wide literals are u"" rather than L"" here. */
#ifdef UNICODE
typedef WCHAR TCHAR;
#define __TEXT(quote) u##quote
#else
typedef char TCHAR;
#define __TEXT(quote) quote
#endif
typedef TCHAR *PTSTR, *LPTSTR;
typedef const TCHAR *PCTSTR, *LPCTSTR;
#define TEXT(quote) __TEXT(quote)

typedef struct _LIST_ENTRY
{
    struct _LIST_ENTRY *Flink;
    struct _LIST_ENTRY *Blink;
} LIST_ENTRY, *PLIST_ENTRY;

/* Skipped when <ntstatus.h> came first: its definitions stand. */
#if !defined(WIN32_NO_STATUS) && !defined(STATUS_WAIT_0)
#define STATUS_WAIT_0                     ((DWORD)0x00000000)
#define STATUS_ABANDONED_WAIT_0           ((DWORD)0x00000080)
#define STATUS_USER_APC                   ((DWORD)0x000000C0)
#define STATUS_TIMEOUT                    ((DWORD)0x00000102)
#define STATUS_PENDING                    ((DWORD)0x00000103)
#define DBG_EXCEPTION_HANDLED             ((DWORD)0x00010001)
#define DBG_CONTINUE                      ((DWORD)0x00010002)
#define STATUS_SEGMENT_NOTIFICATION       ((DWORD)0x40000005)
#define STATUS_FATAL_APP_EXIT             ((DWORD)0x40000015)
#define DBG_TERMINATE_THREAD              ((DWORD)0x40010003)
#define DBG_TERMINATE_PROCESS             ((DWORD)0x40010004)
#define DBG_CONTROL_C                     ((DWORD)0x40010005)
#define DBG_PRINTEXCEPTION_C              ((DWORD)0x40010006)
#define DBG_RIPEXCEPTION                  ((DWORD)0x40010007)
#define DBG_CONTROL_BREAK                 ((DWORD)0x40010008)
#define DBG_COMMAND_EXCEPTION             ((DWORD)0x40010009)
#define DBG_PRINTEXCEPTION_WIDE_C         ((DWORD)0x4001000A)
#define STATUS_GUARD_PAGE_VIOLATION       ((DWORD)0x80000001)
#define STATUS_DATATYPE_MISALIGNMENT      ((DWORD)0x80000002)
#define STATUS_BREAKPOINT                 ((DWORD)0x80000003)
#define STATUS_SINGLE_STEP                ((DWORD)0x80000004)
#define STATUS_LONGJUMP                   ((DWORD)0x80000026)
#define STATUS_UNWIND_CONSOLIDATE         ((DWORD)0x80000029)
#define DBG_EXCEPTION_NOT_HANDLED         ((DWORD)0x80010001)
#define STATUS_ACCESS_VIOLATION           ((DWORD)0xC0000005)
#define STATUS_IN_PAGE_ERROR              ((DWORD)0xC0000006)
#define STATUS_INVALID_HANDLE             ((DWORD)0xC0000008)
#define STATUS_INVALID_PARAMETER          ((DWORD)0xC000000D)
#define STATUS_NO_MEMORY                  ((DWORD)0xC0000017)
#define STATUS_ILLEGAL_INSTRUCTION        ((DWORD)0xC000001D)
#define STATUS_NONCONTINUABLE_EXCEPTION   ((DWORD)0xC0000025)
#define STATUS_INVALID_DISPOSITION        ((DWORD)0xC0000026)
#define STATUS_ARRAY_BOUNDS_EXCEEDED      ((DWORD)0xC000008C)
#define STATUS_FLOAT_DENORMAL_OPERAND     ((DWORD)0xC000008D)
#define STATUS_FLOAT_DIVIDE_BY_ZERO       ((DWORD)0xC000008E)
#define STATUS_FLOAT_INEXACT_RESULT       ((DWORD)0xC000008F)
#define STATUS_FLOAT_INVALID_OPERATION    ((DWORD)0xC0000090)
#define STATUS_FLOAT_OVERFLOW             ((DWORD)0xC0000091)
#define STATUS_FLOAT_STACK_CHECK          ((DWORD)0xC0000092)
#define STATUS_FLOAT_UNDERFLOW            ((DWORD)0xC0000093)
#define STATUS_INTEGER_DIVIDE_BY_ZERO     ((DWORD)0xC0000094)
#define STATUS_INTEGER_OVERFLOW           ((DWORD)0xC0000095)
#define STATUS_PRIVILEGED_INSTRUCTION     ((DWORD)0xC0000096)
#define STATUS_STACK_OVERFLOW             ((DWORD)0xC00000FD)
#define STATUS_DLL_NOT_FOUND              ((DWORD)0xC0000135)
#define STATUS_ORDINAL_NOT_FOUND          ((DWORD)0xC0000138)
#define STATUS_ENTRYPOINT_NOT_FOUND       ((DWORD)0xC0000139)
#define STATUS_CONTROL_C_EXIT             ((DWORD)0xC000013A)
#define STATUS_DLL_INIT_FAILED            ((DWORD)0xC0000142)
#define STATUS_FLOAT_MULTIPLE_FAULTS      ((DWORD)0xC00002B4)
#define STATUS_FLOAT_MULTIPLE_TRAPS       ((DWORD)0xC00002B5)
#define STATUS_REG_NAT_CONSUMPTION        ((DWORD)0xC00002C9)
#define STATUS_HEAP_CORRUPTION            ((DWORD)0xC0000374)
#define STATUS_STACK_BUFFER_OVERRUN       ((DWORD)0xC0000409)
#define STATUS_INVALID_CRUNTIME_PARAMETER ((DWORD)0xC0000417)
#define STATUS_ASSERTION_FAILURE          ((DWORD)0xC0000420)
#define STATUS_SXS_EARLY_DEACTIVATION     ((DWORD)0xC015000F)
#define STATUS_SXS_INVALID_DEACTIVATION   ((DWORD)0xC0150010)
#endif

#define MAXIMUM_WAIT_OBJECTS 64

typedef struct _RTL_CRITICAL_SECTION_DEBUG
{
    WORD Type;
    WORD CreatorBackTraceIndex;
    struct _RTL_CRITICAL_SECTION *CriticalSection;
    LIST_ENTRY ProcessLocksList;
    DWORD EntryCount;
    DWORD ContentionCount;
    DWORD Flags;
    WORD CreatorBackTraceIndexHigh;
    WORD SpareWORD;
} RTL_CRITICAL_SECTION_DEBUG, *PRTL_CRITICAL_SECTION_DEBUG;

typedef struct _RTL_CRITICAL_SECTION
{
    PRTL_CRITICAL_SECTION_DEBUG DebugInfo;
    LONG LockCount;
    LONG RecursionCount;
    HANDLE OwningThread;
    HANDLE LockSemaphore;
    ULONG_PTR SpinCount;
} RTL_CRITICAL_SECTION, *PRTL_CRITICAL_SECTION;

typedef VOID (NTAPI *WAITORTIMERCALLBACKFUNC)(PVOID, BOOLEAN);
typedef WAITORTIMERCALLBACKFUNC WAITORTIMERCALLBACK;

#define WT_EXECUTEDEFAULT              0x00000000
#define WT_EXECUTEINIOTHREAD           0x00000001
#define WT_EXECUTEINUITHREAD           0x00000002
#define WT_EXECUTEINWAITTHREAD         0x00000004
#define WT_EXECUTEONLYONCE             0x00000008
#define WT_EXECUTEINTIMERTHREAD        0x00000020
#define WT_EXECUTELONGFUNCTION         0x00000010
#define WT_EXECUTEINPERSISTENTIOTHREAD 0x00000040
#define WT_EXECUTEINPERSISTENTTHREAD   0x00000080
#define WT_TRANSFER_IMPERSONATION      0x00000100
#define WT_SET_MAX_THREADPOOL_THREADS(Flags, Limit) ((Flags) |= (Limit) << 16)
#define WT_EXECUTEDELETEWAIT           0x00000008
#define WT_EXECUTEINLONGTHREAD         0x00000010

struct _ACTIVATION_CONTEXT;

typedef DWORD TP_VERSION, *PTP_VERSION;
typedef struct _TP_CALLBACK_INSTANCE TP_CALLBACK_INSTANCE, *PTP_CALLBACK_INSTANCE;
typedef VOID (NTAPI *PTP_SIMPLE_CALLBACK)(PTP_CALLBACK_INSTANCE Instance, PVOID Context);
typedef struct _TP_POOL TP_POOL, *PTP_POOL;

typedef enum _TP_CALLBACK_PRIORITY
{
    TP_CALLBACK_PRIORITY_HIGH,
    TP_CALLBACK_PRIORITY_NORMAL,
    TP_CALLBACK_PRIORITY_LOW,
    TP_CALLBACK_PRIORITY_INVALID,
    TP_CALLBACK_PRIORITY_COUNT = TP_CALLBACK_PRIORITY_INVALID
} TP_CALLBACK_PRIORITY;

typedef struct _TP_POOL_STACK_INFORMATION
{
    SIZE_T StackReserve;
    SIZE_T StackCommit;
} TP_POOL_STACK_INFORMATION, *PTP_POOL_STACK_INFORMATION;

typedef struct _TP_CLEANUP_GROUP TP_CLEANUP_GROUP, *PTP_CLEANUP_GROUP;
typedef VOID (NTAPI *PTP_CLEANUP_GROUP_CANCEL_CALLBACK)(PVOID ObjectContext, PVOID CleanupContext);

/* Only the version selected by _WIN32_WINNT is declared, as in the SDK. */
#if _WIN32_WINNT >= 0x0601
typedef struct _TP_CALLBACK_ENVIRON_V3
{
    TP_VERSION Version;
    PTP_POOL Pool;
    PTP_CLEANUP_GROUP CleanupGroup;
    PTP_CLEANUP_GROUP_CANCEL_CALLBACK CleanupGroupCancelCallback;
    PVOID RaceDll;
    struct _ACTIVATION_CONTEXT *ActivationContext;
    PTP_SIMPLE_CALLBACK FinalizationCallback;
    union
    {
        DWORD Flags;
        struct
        {
            DWORD LongFunction : 1;
            DWORD Persistent : 1;
            DWORD Private : 30;
        } s;
    } u;
    TP_CALLBACK_PRIORITY CallbackPriority;
    DWORD Size;
} TP_CALLBACK_ENVIRON_V3;
typedef TP_CALLBACK_ENVIRON_V3 TP_CALLBACK_ENVIRON, *PTP_CALLBACK_ENVIRON;
#else
typedef struct _TP_CALLBACK_ENVIRON_V1
{
    TP_VERSION Version;
    PTP_POOL Pool;
    PTP_CLEANUP_GROUP CleanupGroup;
    PTP_CLEANUP_GROUP_CANCEL_CALLBACK CleanupGroupCancelCallback;
    PVOID RaceDll;
    struct _ACTIVATION_CONTEXT *ActivationContext;
    PTP_SIMPLE_CALLBACK FinalizationCallback;
    union
    {
        DWORD Flags;
        struct
        {
            DWORD LongFunction : 1;
            DWORD Persistent : 1;
            DWORD Private : 30;
        } s;
    } u;
} TP_CALLBACK_ENVIRON_V1;
typedef TP_CALLBACK_ENVIRON_V1 TP_CALLBACK_ENVIRON, *PTP_CALLBACK_ENVIRON;
#endif

typedef struct _TP_WORK TP_WORK, *PTP_WORK;
typedef VOID (NTAPI *PTP_WORK_CALLBACK)(PTP_CALLBACK_INSTANCE Instance, PVOID Context, PTP_WORK Work);
typedef struct _TP_TIMER TP_TIMER, *PTP_TIMER;
typedef VOID (NTAPI *PTP_TIMER_CALLBACK)(PTP_CALLBACK_INSTANCE Instance, PVOID Context, PTP_TIMER Timer);
typedef DWORD TP_WAIT_RESULT;
typedef struct _TP_WAIT TP_WAIT, *PTP_WAIT;
typedef VOID (NTAPI *PTP_WAIT_CALLBACK)(PTP_CALLBACK_INSTANCE Instance, PVOID Context, PTP_WAIT Wait,
                                        TP_WAIT_RESULT WaitResult);
typedef struct _TP_IO TP_IO, *PTP_IO;

FORCEINLINE VOID TpInitializeCallbackEnviron(PTP_CALLBACK_ENVIRON cbe)
{
#if _WIN32_WINNT >= 0x0601
    cbe->Version = 3;
#else
    cbe->Version = 1;
#endif
    cbe->Pool = NULL;
    cbe->CleanupGroup = NULL;
    cbe->CleanupGroupCancelCallback = NULL;
    cbe->RaceDll = NULL;
    cbe->ActivationContext = NULL;
    cbe->FinalizationCallback = NULL;
    cbe->u.Flags = 0;
#if _WIN32_WINNT >= 0x0601
    cbe->CallbackPriority = TP_CALLBACK_PRIORITY_NORMAL;
    cbe->Size = sizeof(TP_CALLBACK_ENVIRON);
#endif
}

FORCEINLINE VOID TpSetCallbackThreadpool(PTP_CALLBACK_ENVIRON cbe, PTP_POOL pool)
{
    cbe->Pool = pool;
}

FORCEINLINE VOID TpSetCallbackCleanupGroup(PTP_CALLBACK_ENVIRON cbe, PTP_CLEANUP_GROUP cleanup_group,
                                           PTP_CLEANUP_GROUP_CANCEL_CALLBACK cleanup_group_cb)
{
    cbe->CleanupGroup = cleanup_group;
    cbe->CleanupGroupCancelCallback = cleanup_group_cb;
}

FORCEINLINE VOID TpSetCallbackActivationContext(PTP_CALLBACK_ENVIRON cbe, struct _ACTIVATION_CONTEXT *actx)
{
    cbe->ActivationContext = actx;
}

FORCEINLINE VOID TpSetCallbackNoActivationContext(PTP_CALLBACK_ENVIRON cbe)
{
    cbe->ActivationContext = (struct _ACTIVATION_CONTEXT *)(LONG_PTR)-1;
}

FORCEINLINE VOID TpSetCallbackLongFunction(PTP_CALLBACK_ENVIRON cbe)
{
    cbe->u.s.LongFunction = 1;
}

FORCEINLINE VOID TpSetCallbackRaceWithDll(PTP_CALLBACK_ENVIRON cbe, PVOID h)
{
    cbe->RaceDll = h;
}

FORCEINLINE VOID TpSetCallbackFinalizationCallback(PTP_CALLBACK_ENVIRON cbe, PTP_SIMPLE_CALLBACK fini_cb)
{
    cbe->FinalizationCallback = fini_cb;
}

#if _WIN32_WINNT >= 0x0601
FORCEINLINE VOID TpSetCallbackPriority(PTP_CALLBACK_ENVIRON cbe, TP_CALLBACK_PRIORITY prio)
{
    cbe->CallbackPriority = prio;
}
#endif

FORCEINLINE VOID TpSetCallbackPersistent(PTP_CALLBACK_ENVIRON cbe)
{
    cbe->u.s.Persistent = 1;
}

FORCEINLINE VOID TpDestroyCallbackEnviron(PTP_CALLBACK_ENVIRON cbe)
{
    UNREFERENCED_PARAMETER(cbe);
}

#ifdef __cplusplus
}
#endif

#endif /* _WINNT_ */
