/* Layer 3, Win32 names: callback instance functions, over the ntdll names. */

#include "api.h"
#include "tpoolnt.h"

BOOL WINAPI CallbackMayRunLong(PTP_CALLBACK_INSTANCE instance)
{
    TRACE_CALL("CallbackMayRunLong", "instance=%p", instance);
    return TRACE_RETURN(set_ntstatus(TpCallbackMayRunLong(instance)));
}

VOID WINAPI DisassociateCurrentThreadFromCallback(PTP_CALLBACK_INSTANCE instance)
{
    TRACE_CALL("DisassociateCurrentThreadFromCallback", "instance=%p", instance);
    TpDisassociateCallback(instance);
}

VOID WINAPI SetEventWhenCallbackReturns(PTP_CALLBACK_INSTANCE instance, HANDLE event)
{
    TRACE_CALL("SetEventWhenCallbackReturns", "instance=%p event=%p", instance, event);
    TpCallbackSetEventOnCompletion(instance, event);
}

VOID WINAPI ReleaseSemaphoreWhenCallbackReturns(PTP_CALLBACK_INSTANCE instance, HANDLE semaphore,
                                                DWORD count)
{
    TRACE_CALL("ReleaseSemaphoreWhenCallbackReturns", "instance=%p semaphore=%p count=%u",
               instance, semaphore, count);
    TpCallbackReleaseSemaphoreOnCompletion(instance, semaphore, count);
}

VOID WINAPI ReleaseMutexWhenCallbackReturns(PTP_CALLBACK_INSTANCE instance, HANDLE mutex)
{
    TRACE_CALL("ReleaseMutexWhenCallbackReturns", "instance=%p mutex=%p", instance, mutex);
    TpCallbackReleaseMutexOnCompletion(instance, mutex);
}

VOID WINAPI LeaveCriticalSectionWhenCallbackReturns(PTP_CALLBACK_INSTANCE instance,
                                                    PCRITICAL_SECTION critical_section)
{
    TRACE_CALL("LeaveCriticalSectionWhenCallbackReturns", "instance=%p critical_section=%p",
               instance, critical_section);
    TpCallbackLeaveCriticalSectionOnCompletion(instance, critical_section);
}

VOID WINAPI FreeLibraryWhenCallbackReturns(PTP_CALLBACK_INSTANCE instance, HMODULE library)
{
    TRACE_CALL("FreeLibraryWhenCallbackReturns", "instance=%p library=%p", instance, library);
    TpCallbackUnloadDllOnCompletion(instance, library);
}
