/*
 * Layout of the public structures and behaviour of the inline callback
 * environment helpers.  Builds against the native headers and against
 * mingw-w64's, and must give the same answers with both.
 */

#include <windows.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

/* Expected value on 64-bit and on 32-bit Windows. */
#ifdef _WIN64
#define W(v64, v32) (v64)
#else
#define W(v64, v32) (v32)
#endif

#define assert_offset(type, field, v64, v32) \
    assert_int_equal(offsetof(type, field), W(v64, v32))

/* The SDK declares only the environment selected by _WIN32_WINNT. */
#if _WIN32_WINNT >= 0x0601
typedef struct
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
} environ_v1;
#else
typedef TP_CALLBACK_ENVIRON_V1 environ_v1;
#endif

static void test_base_types(void **state)
{
    (void)state;
    assert_int_equal(sizeof(BYTE), 1);
    assert_int_equal(sizeof(BOOLEAN), 1);
    assert_int_equal(sizeof(WCHAR), 2);
    assert_int_equal(sizeof(SHORT), 2);
    assert_int_equal(sizeof(BOOL), 4);
    assert_int_equal(sizeof(LONG), 4);
    assert_int_equal(sizeof(ULONG), 4);
    assert_int_equal(sizeof(DWORD), 4);
    assert_int_equal(sizeof(LONGLONG), 8);
    assert_int_equal(sizeof(ULONGLONG), 8);
    assert_int_equal(sizeof(NTSTATUS), 4);
    assert_int_equal(sizeof(ULONG_PTR), W(8, 4));
    assert_int_equal(sizeof(LONG_PTR), W(8, 4));
    assert_int_equal(sizeof(DWORD_PTR), W(8, 4));
    assert_int_equal(sizeof(SIZE_T), W(8, 4));
    assert_int_equal(sizeof(HANDLE), W(8, 4));
    assert_int_equal(sizeof(HMODULE), W(8, 4));
    assert_true((LONG)-1 < 0);
    assert_true((DWORD)-1 > 0);
}

static void test_large_integer(void **state)
{
    LARGE_INTEGER li;
    ULARGE_INTEGER uli;

    (void)state;
    assert_int_equal(sizeof(LARGE_INTEGER), 8);
    assert_offset(LARGE_INTEGER, LowPart, 0, 0);
    assert_offset(LARGE_INTEGER, HighPart, 4, 4);
    assert_offset(LARGE_INTEGER, u.LowPart, 0, 0);
    assert_offset(LARGE_INTEGER, u.HighPart, 4, 4);
    assert_offset(LARGE_INTEGER, QuadPart, 0, 0);

    li.QuadPart = -0x100000000LL + 2;
    assert_int_equal(li.LowPart, 2);
    assert_int_equal(li.HighPart, -1);
    assert_int_equal(li.u.LowPart, 2);
    assert_int_equal(li.u.HighPart, -1);

    assert_int_equal(sizeof(ULARGE_INTEGER), 8);
    assert_offset(ULARGE_INTEGER, LowPart, 0, 0);
    assert_offset(ULARGE_INTEGER, HighPart, 4, 4);
    assert_offset(ULARGE_INTEGER, QuadPart, 0, 0);
    uli.QuadPart = 0xfffffffe00000003ULL;
    assert_int_equal(uli.LowPart, 3);
    assert_int_equal(uli.HighPart, 0xfffffffe);
}

static void test_filetime(void **state)
{
    (void)state;
    assert_int_equal(sizeof(FILETIME), 8);
    assert_offset(FILETIME, dwLowDateTime, 0, 0);
    assert_offset(FILETIME, dwHighDateTime, 4, 4);
}

static void test_environ_v3_layout(void **state)
{
    (void)state;
#if _WIN32_WINNT >= 0x0601
    assert_int_equal(sizeof(TP_CALLBACK_ENVIRON_V3), W(72, 40));
    assert_int_equal(sizeof(TP_CALLBACK_ENVIRON), sizeof(TP_CALLBACK_ENVIRON_V3));
    assert_offset(TP_CALLBACK_ENVIRON_V3, Version, 0, 0);
    assert_offset(TP_CALLBACK_ENVIRON_V3, Pool, 8, 4);
    assert_offset(TP_CALLBACK_ENVIRON_V3, CleanupGroup, 16, 8);
    assert_offset(TP_CALLBACK_ENVIRON_V3, CleanupGroupCancelCallback, 24, 12);
    assert_offset(TP_CALLBACK_ENVIRON_V3, RaceDll, 32, 16);
    assert_offset(TP_CALLBACK_ENVIRON_V3, ActivationContext, 40, 20);
    assert_offset(TP_CALLBACK_ENVIRON_V3, FinalizationCallback, 48, 24);
    assert_offset(TP_CALLBACK_ENVIRON_V3, u, 56, 28);
    assert_offset(TP_CALLBACK_ENVIRON_V3, u.Flags, 56, 28);
    assert_offset(TP_CALLBACK_ENVIRON_V3, CallbackPriority, 60, 32);
    assert_offset(TP_CALLBACK_ENVIRON_V3, Size, 64, 36);
    assert_int_equal(sizeof(((TP_CALLBACK_ENVIRON_V3 *)0)->u), 4);
    assert_int_equal(sizeof(TP_CALLBACK_PRIORITY), 4);
#else
    skip();
#endif
}

static void test_environ_v1_layout(void **state)
{
    (void)state;
    assert_int_equal(sizeof(environ_v1), W(64, 32));
    assert_offset(environ_v1, Version, 0, 0);
    assert_offset(environ_v1, Pool, 8, 4);
    assert_offset(environ_v1, CleanupGroup, 16, 8);
    assert_offset(environ_v1, CleanupGroupCancelCallback, 24, 12);
    assert_offset(environ_v1, RaceDll, 32, 16);
    assert_offset(environ_v1, ActivationContext, 40, 20);
    assert_offset(environ_v1, FinalizationCallback, 48, 24);
    assert_offset(environ_v1, u, 56, 28);
    assert_offset(environ_v1, u.Flags, 56, 28);
}

static void test_priority_values(void **state)
{
    (void)state;
    assert_int_equal(TP_CALLBACK_PRIORITY_HIGH, 0);
    assert_int_equal(TP_CALLBACK_PRIORITY_NORMAL, 1);
    assert_int_equal(TP_CALLBACK_PRIORITY_LOW, 2);
    assert_int_equal(TP_CALLBACK_PRIORITY_INVALID, 3);
    assert_int_equal(TP_CALLBACK_PRIORITY_COUNT, 3);
}

static void test_stack_information_layout(void **state)
{
    (void)state;
    assert_int_equal(sizeof(TP_POOL_STACK_INFORMATION), W(16, 8));
    assert_offset(TP_POOL_STACK_INFORMATION, StackReserve, 0, 0);
    assert_offset(TP_POOL_STACK_INFORMATION, StackCommit, 8, 4);
}

static void test_critical_section_layout(void **state)
{
    (void)state;
    assert_int_equal(sizeof(RTL_CRITICAL_SECTION), W(40, 24));
    assert_int_equal(sizeof(CRITICAL_SECTION), sizeof(RTL_CRITICAL_SECTION));
    assert_offset(RTL_CRITICAL_SECTION, DebugInfo, 0, 0);
    assert_offset(RTL_CRITICAL_SECTION, LockCount, 8, 4);
    assert_offset(RTL_CRITICAL_SECTION, RecursionCount, 12, 8);
    assert_offset(RTL_CRITICAL_SECTION, OwningThread, 16, 12);
    assert_offset(RTL_CRITICAL_SECTION, LockSemaphore, 24, 16);
    assert_offset(RTL_CRITICAL_SECTION, SpinCount, 32, 20);

    assert_int_equal(sizeof(RTL_CRITICAL_SECTION_DEBUG), W(48, 32));
    assert_offset(RTL_CRITICAL_SECTION_DEBUG, Type, 0, 0);
    assert_offset(RTL_CRITICAL_SECTION_DEBUG, CreatorBackTraceIndex, 2, 2);
    assert_offset(RTL_CRITICAL_SECTION_DEBUG, CriticalSection, 8, 4);
    assert_offset(RTL_CRITICAL_SECTION_DEBUG, ProcessLocksList, 16, 8);
    assert_offset(RTL_CRITICAL_SECTION_DEBUG, EntryCount, 32, 16);
    assert_offset(RTL_CRITICAL_SECTION_DEBUG, ContentionCount, 36, 20);
    assert_offset(RTL_CRITICAL_SECTION_DEBUG, Flags, 40, 24);
    assert_offset(RTL_CRITICAL_SECTION_DEBUG, CreatorBackTraceIndexHigh, 44, 28);
    assert_offset(RTL_CRITICAL_SECTION_DEBUG, SpareWORD, 46, 30);
}

static void test_overlapped_layout(void **state)
{
    (void)state;
    assert_int_equal(sizeof(OVERLAPPED), W(32, 20));
    assert_offset(OVERLAPPED, Internal, 0, 0);
    assert_offset(OVERLAPPED, InternalHigh, 8, 4);
    assert_offset(OVERLAPPED, Offset, 16, 8);
    assert_offset(OVERLAPPED, OffsetHigh, 20, 12);
    assert_offset(OVERLAPPED, Pointer, 16, 8);
    assert_offset(OVERLAPPED, hEvent, 24, 16);

    assert_int_equal(sizeof(SECURITY_ATTRIBUTES), W(24, 12));
    assert_offset(SECURITY_ATTRIBUTES, nLength, 0, 0);
    assert_offset(SECURITY_ATTRIBUTES, lpSecurityDescriptor, 8, 4);
    assert_offset(SECURITY_ATTRIBUTES, bInheritHandle, 16, 8);
}

static void test_constants(void **state)
{
    (void)state;
    assert_int_equal(WAIT_OBJECT_0, 0);
    assert_int_equal(WAIT_ABANDONED_0, 0x80);
    assert_int_equal(WAIT_IO_COMPLETION, 0xc0);
    assert_int_equal(WAIT_TIMEOUT, 258);
    assert_int_equal(WAIT_FAILED, 0xffffffff);
    assert_int_equal(INFINITE, 0xffffffff);
    assert_int_equal(MAXIMUM_WAIT_OBJECTS, 64);
    assert_int_equal(STATUS_TIMEOUT, 0x102);
    assert_int_equal(STATUS_PENDING, 0x103);
    assert_ptr_equal(INVALID_HANDLE_VALUE, (HANDLE)(LONG_PTR)-1);

    assert_int_equal(WT_EXECUTEDEFAULT, 0);
    assert_int_equal(WT_EXECUTEINIOTHREAD, 0x1);
    assert_int_equal(WT_EXECUTEINUITHREAD, 0x2);
    assert_int_equal(WT_EXECUTEINWAITTHREAD, 0x4);
    assert_int_equal(WT_EXECUTEONLYONCE, 0x8);
    assert_int_equal(WT_EXECUTELONGFUNCTION, 0x10);
    assert_int_equal(WT_EXECUTEINTIMERTHREAD, 0x20);
    assert_int_equal(WT_EXECUTEINPERSISTENTIOTHREAD, 0x40);
    assert_int_equal(WT_EXECUTEINPERSISTENTTHREAD, 0x80);
    assert_int_equal(WT_TRANSFER_IMPERSONATION, 0x100);

    assert_int_equal(ERROR_SUCCESS, 0);
    assert_int_equal(ERROR_INVALID_HANDLE, 6);
    assert_int_equal(ERROR_NOT_ENOUGH_MEMORY, 8);
    assert_int_equal(ERROR_INVALID_PARAMETER, 87);
    assert_int_equal(ERROR_IO_PENDING, 997);
}

/* Fake handles: the helpers only store them. */
#define FAKE(type, v) ((type)(ULONG_PTR)(v))

static VOID NTAPI finalization_callback(PTP_CALLBACK_INSTANCE instance, PVOID context)
{
    (void)instance;
    (void)context;
}

static VOID NTAPI cancel_callback(PVOID object_context, PVOID cleanup_context)
{
    (void)object_context;
    (void)cleanup_context;
}

static void init_environ(TP_CALLBACK_ENVIRON *env)
{
    memset(env, 0xa5, sizeof(*env));
    InitializeThreadpoolEnvironment(env);
}

static void test_initialize(void **state)
{
    TP_CALLBACK_ENVIRON env;

    (void)state;
    init_environ(&env);
#if _WIN32_WINNT >= 0x0601
    assert_int_equal(env.Version, 3);
    assert_int_equal(env.CallbackPriority, TP_CALLBACK_PRIORITY_NORMAL);
    assert_int_equal(env.Size, sizeof(TP_CALLBACK_ENVIRON));
#else
    assert_int_equal(env.Version, 1);
#endif
    assert_null(env.Pool);
    assert_null(env.CleanupGroup);
    assert_null(env.CleanupGroupCancelCallback);
    assert_null(env.RaceDll);
    assert_null(env.ActivationContext);
    assert_null(env.FinalizationCallback);
    assert_int_equal(env.u.Flags, 0);
}

/* Each helper must write its own field and leave the rest of the bytes. */
static void test_setters(void **state)
{
    TP_CALLBACK_ENVIRON env, expect;

    (void)state;
    init_environ(&env);

    memcpy(&expect, &env, sizeof(env));
    expect.Pool = FAKE(PTP_POOL, 0x1000);
    SetThreadpoolCallbackPool(&env, FAKE(PTP_POOL, 0x1000));
    assert_memory_equal(&env, &expect, sizeof(env));

    expect.CleanupGroup = FAKE(PTP_CLEANUP_GROUP, 0x2000);
    expect.CleanupGroupCancelCallback = cancel_callback;
    SetThreadpoolCallbackCleanupGroup(&env, FAKE(PTP_CLEANUP_GROUP, 0x2000), cancel_callback);
    assert_memory_equal(&env, &expect, sizeof(env));

    expect.RaceDll = FAKE(PVOID, 0x3000);
    SetThreadpoolCallbackLibrary(&env, FAKE(PVOID, 0x3000));
    assert_memory_equal(&env, &expect, sizeof(env));

    expect.u.s.LongFunction = 1;
    SetThreadpoolCallbackRunsLong(&env);
    assert_memory_equal(&env, &expect, sizeof(env));
    assert_int_equal(env.u.Flags, 0x1);

#if _WIN32_WINNT >= 0x0601
    expect.CallbackPriority = TP_CALLBACK_PRIORITY_LOW;
    SetThreadpoolCallbackPriority(&env, TP_CALLBACK_PRIORITY_LOW);
    assert_memory_equal(&env, &expect, sizeof(env));
    expect.CallbackPriority = TP_CALLBACK_PRIORITY_HIGH;
    SetThreadpoolCallbackPriority(&env, TP_CALLBACK_PRIORITY_HIGH);
    assert_memory_equal(&env, &expect, sizeof(env));
#endif

    expect.u.s.Persistent = 1;
    /* mingw-w64's winbase.h has no SetThreadpoolCallbackPersistent. */
#ifdef __MINGW32__
    TpSetCallbackPersistent(&env);
#else
    SetThreadpoolCallbackPersistent(&env);
#endif
    assert_memory_equal(&env, &expect, sizeof(env));
    assert_int_equal(env.u.Flags, 0x3);
    assert_int_equal(env.u.s.LongFunction, 1);
    assert_int_equal(env.u.s.Persistent, 1);
    assert_int_equal(env.u.s.Private, 0);

    DestroyThreadpoolEnvironment(&env);
    assert_memory_equal(&env, &expect, sizeof(env));
}

static void test_tp_setters(void **state)
{
    TP_CALLBACK_ENVIRON env, expect;

    (void)state;
    memset(&env, 0x5a, sizeof(env));
    TpInitializeCallbackEnviron(&env);
    memcpy(&expect, &env, sizeof(env));

    expect.Pool = FAKE(PTP_POOL, 0x10);
    TpSetCallbackThreadpool(&env, FAKE(PTP_POOL, 0x10));
    assert_memory_equal(&env, &expect, sizeof(env));

    expect.CleanupGroup = FAKE(PTP_CLEANUP_GROUP, 0x20);
    expect.CleanupGroupCancelCallback = NULL;
    TpSetCallbackCleanupGroup(&env, FAKE(PTP_CLEANUP_GROUP, 0x20), NULL);
    assert_memory_equal(&env, &expect, sizeof(env));

    expect.ActivationContext = FAKE(struct _ACTIVATION_CONTEXT *, 0x30);
    TpSetCallbackActivationContext(&env, FAKE(struct _ACTIVATION_CONTEXT *, 0x30));
    assert_memory_equal(&env, &expect, sizeof(env));

    expect.ActivationContext = (struct _ACTIVATION_CONTEXT *)(LONG_PTR)-1;
    TpSetCallbackNoActivationContext(&env);
    assert_memory_equal(&env, &expect, sizeof(env));

    expect.u.s.LongFunction = 1;
    TpSetCallbackLongFunction(&env);
    assert_memory_equal(&env, &expect, sizeof(env));

    expect.RaceDll = FAKE(PVOID, 0x40);
    TpSetCallbackRaceWithDll(&env, FAKE(PVOID, 0x40));
    assert_memory_equal(&env, &expect, sizeof(env));

    expect.FinalizationCallback = finalization_callback;
    TpSetCallbackFinalizationCallback(&env, finalization_callback);
    assert_memory_equal(&env, &expect, sizeof(env));

#if _WIN32_WINNT >= 0x0601
    expect.CallbackPriority = TP_CALLBACK_PRIORITY_LOW;
    TpSetCallbackPriority(&env, TP_CALLBACK_PRIORITY_LOW);
    assert_memory_equal(&env, &expect, sizeof(env));
#endif

    expect.u.s.Persistent = 1;
    TpSetCallbackPersistent(&env);
    assert_memory_equal(&env, &expect, sizeof(env));

    TpDestroyCallbackEnviron(&env);
    assert_memory_equal(&env, &expect, sizeof(env));
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_base_types),
        cmocka_unit_test(test_large_integer),
        cmocka_unit_test(test_filetime),
        cmocka_unit_test(test_environ_v3_layout),
        cmocka_unit_test(test_environ_v1_layout),
        cmocka_unit_test(test_priority_values),
        cmocka_unit_test(test_stack_information_layout),
        cmocka_unit_test(test_critical_section_layout),
        cmocka_unit_test(test_overlapped_layout),
        cmocka_unit_test(test_constants),
        cmocka_unit_test(test_initialize),
        cmocka_unit_test(test_setters),
        cmocka_unit_test(test_tp_setters),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
