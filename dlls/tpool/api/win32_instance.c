/* Layer 3, Win32 names: callback instance functions. */

#include "api.h"

BOOL WINAPI CallbackMayRunLong(PTP_CALLBACK_INSTANCE instance)
{
    return instance_may_run_long(checked_instance(instance, __func__));
}

VOID WINAPI DisassociateCurrentThreadFromCallback(PTP_CALLBACK_INSTANCE instance)
{
    instance_disassociate(checked_instance(instance, __func__));
}

VOID WINAPI SetEventWhenCallbackReturns(PTP_CALLBACK_INSTANCE instance, HANDLE event)
{
    struct instance_actions *actions = &checked_instance(instance, __func__)->actions;

    if (!actions->event)
        actions->event = event;
}

VOID WINAPI ReleaseSemaphoreWhenCallbackReturns(PTP_CALLBACK_INSTANCE instance, HANDLE semaphore,
                                                DWORD count)
{
    struct instance_actions *actions = &checked_instance(instance, __func__)->actions;

    if (!actions->semaphore)
    {
        actions->semaphore = semaphore;
        actions->semaphore_count = count;
    }
}

VOID WINAPI ReleaseMutexWhenCallbackReturns(PTP_CALLBACK_INSTANCE instance, HANDLE mutex)
{
    struct instance_actions *actions = &checked_instance(instance, __func__)->actions;

    if (!actions->mutex)
        actions->mutex = mutex;
}

VOID WINAPI LeaveCriticalSectionWhenCallbackReturns(PTP_CALLBACK_INSTANCE instance,
                                                    PCRITICAL_SECTION critical_section)
{
    struct instance_actions *actions = &checked_instance(instance, __func__)->actions;

    if (!actions->critical_section)
        actions->critical_section = critical_section;
}

VOID WINAPI FreeLibraryWhenCallbackReturns(PTP_CALLBACK_INSTANCE instance, HMODULE library)
{
    struct instance_actions *actions = &checked_instance(instance, __func__)->actions;

    if (!actions->library)
        actions->library = library;
}
