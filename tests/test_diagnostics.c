/* What tpool shows of itself to someone diagnosing a program: the names
 * of its threads. */

#include "test_util.h"

#ifndef _WIN32
#include <pthread.h>
#endif

#define NAME_SIZE 32

/* The calling thread's name, as a debugger or top -H shows it. */
static void current_thread_name(char *name)
{
#ifdef _WIN32
    typedef HRESULT (WINAPI *get_description_fn)(HANDLE thread, WCHAR **description);
    get_description_fn get_description = (get_description_fn)(void *)GetProcAddress(
        GetModuleHandleA("kernelbase.dll"), "GetThreadDescription");
    WCHAR *description = NULL;
    int i;

    name[0] = 0;
    if (!get_description || FAILED(get_description(GetCurrentThread(), &description)))
        return;
    for (i = 0; description[i] && i < NAME_SIZE - 1; i++)
        name[i] = (char)description[i];
    name[i] = 0;
    LocalFree(description);
#else
    if (pthread_getname_np(pthread_self(), name, NAME_SIZE))
        name[0] = 0;
#endif
}

struct named_callback
{
    char name[NAME_SIZE];
    HANDLE done;
};

static void CALLBACK work_names_itself(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    struct named_callback *callback = context;

    current_thread_name(callback->name);
    SetEventWhenCallbackReturns(instance, callback->done);
}

static DWORD WINAPI item_names_itself(void *context)
{
    struct named_callback *callback = context;

    current_thread_name(callback->name);
    SetEvent(callback->done);
    return 0;
}

static void test_worker_name(void **state)
{
    struct named_callback callback = { "", CreateEventA(NULL, FALSE, FALSE, NULL) };
    PTP_WORK work = CreateThreadpoolWork(work_names_itself, &callback, NULL);

    assert_non_null(work);
    SubmitThreadpoolWork(work);
    assert_signaled(callback.done);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    CloseThreadpoolWork(work);
    CloseHandle(callback.done);
    assert_string_equal(callback.name, "tpool-worker");
}

static void test_persistent_thread_name(void **state)
{
    struct named_callback callback = { "", CreateEventA(NULL, FALSE, FALSE, NULL) };

    assert_true(QueueUserWorkItem(item_names_itself, &callback, WT_EXECUTEINPERSISTENTTHREAD));
    assert_signaled(callback.done);
    CloseHandle(callback.done);
    assert_string_equal(callback.name, "tpool-persist");
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_worker_name),
        cmocka_unit_test(test_persistent_thread_name),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
