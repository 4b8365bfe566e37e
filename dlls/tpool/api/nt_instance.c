/* Layer 3, ntdll names: callback instance functions.  The Win32 names
 * wrap these. */

#include "api.h"
#include "tpoolnt.h"

/* STATUS_TOO_MANY_THREADS when no thread can be added for the pool's
 * other callbacks. */
NTSTATUS WINAPI TpCallbackMayRunLong(TP_CALLBACK_INSTANCE *instance)
{
    TRACE_CALL("TpCallbackMayRunLong", "instance=%p", instance);
    return TRACE_RETURN(instance_may_run_long(checked_instance(instance, __func__)));
}

VOID WINAPI TpDisassociateCallback(TP_CALLBACK_INSTANCE *instance)
{
    TRACE_CALL("TpDisassociateCallback", "instance=%p", instance);
    instance_disassociate(checked_instance(instance, __func__));
}

/* One action of each kind; the first registration stands. */

VOID WINAPI TpCallbackSetEventOnCompletion(TP_CALLBACK_INSTANCE *instance, HANDLE event)
{
    struct instance_actions *actions = &checked_instance(instance, __func__)->actions;
    TRACE_CALL("TpCallbackSetEventOnCompletion", "instance=%p event=%p", instance, event);

    if (!actions->event)
        actions->event = event;
}

VOID WINAPI TpCallbackReleaseSemaphoreOnCompletion(TP_CALLBACK_INSTANCE *instance, HANDLE semaphore,
                                                   DWORD count)
{
    struct instance_actions *actions = &checked_instance(instance, __func__)->actions;
    TRACE_CALL("TpCallbackReleaseSemaphoreOnCompletion", "instance=%p semaphore=%p count=%u",
               instance, semaphore, count);

    if (!actions->semaphore)
    {
        actions->semaphore = semaphore;
        actions->semaphore_count = count;
    }
}

VOID WINAPI TpCallbackReleaseMutexOnCompletion(TP_CALLBACK_INSTANCE *instance, HANDLE mutex)
{
    struct instance_actions *actions = &checked_instance(instance, __func__)->actions;
    TRACE_CALL("TpCallbackReleaseMutexOnCompletion", "instance=%p mutex=%p", instance, mutex);

    if (!actions->mutex)
        actions->mutex = mutex;
}

VOID WINAPI TpCallbackLeaveCriticalSectionOnCompletion(TP_CALLBACK_INSTANCE *instance,
                                                       RTL_CRITICAL_SECTION *critical_section)
{
    struct instance_actions *actions = &checked_instance(instance, __func__)->actions;
    TRACE_CALL("TpCallbackLeaveCriticalSectionOnCompletion", "instance=%p critical_section=%p",
               instance, critical_section);

    if (!actions->critical_section)
        actions->critical_section = critical_section;
}

VOID WINAPI TpCallbackUnloadDllOnCompletion(TP_CALLBACK_INSTANCE *instance, HMODULE library)
{
    struct instance_actions *actions = &checked_instance(instance, __func__)->actions;
    TRACE_CALL("TpCallbackUnloadDllOnCompletion", "instance=%p library=%p", instance, library);

    if (!actions->library)
        actions->library = library;
}
