/* Layer 3, Win32 names: callback instance functions, over the ntdll names. */

#include "api.h"
#include "tpoolnt.h"

BOOL WINAPI CallbackMayRunLong(PTP_CALLBACK_INSTANCE instance)
{
    return set_ntstatus(TpCallbackMayRunLong(instance));
}

VOID WINAPI DisassociateCurrentThreadFromCallback(PTP_CALLBACK_INSTANCE instance)
{
    TpDisassociateCallback(instance);
}

VOID WINAPI SetEventWhenCallbackReturns(PTP_CALLBACK_INSTANCE instance, HANDLE event)
{
    TpCallbackSetEventOnCompletion(instance, event);
}

VOID WINAPI ReleaseSemaphoreWhenCallbackReturns(PTP_CALLBACK_INSTANCE instance, HANDLE semaphore,
                                                DWORD count)
{
    TpCallbackReleaseSemaphoreOnCompletion(instance, semaphore, count);
}

VOID WINAPI ReleaseMutexWhenCallbackReturns(PTP_CALLBACK_INSTANCE instance, HANDLE mutex)
{
    TpCallbackReleaseMutexOnCompletion(instance, mutex);
}

VOID WINAPI LeaveCriticalSectionWhenCallbackReturns(PTP_CALLBACK_INSTANCE instance,
                                                    PCRITICAL_SECTION critical_section)
{
    TpCallbackLeaveCriticalSectionOnCompletion(instance, critical_section);
}

VOID WINAPI FreeLibraryWhenCallbackReturns(PTP_CALLBACK_INSTANCE instance, HMODULE library)
{
    TpCallbackUnloadDllOnCompletion(instance, library);
}
