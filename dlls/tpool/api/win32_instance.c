/* Layer 3, Win32 names: callback instance functions. */

#include "api.h"

BOOL WINAPI CallbackMayRunLong(PTP_CALLBACK_INSTANCE instance)
{
    return instance_may_run_long((struct tp_instance *)instance);
}

VOID WINAPI DisassociateCurrentThreadFromCallback(PTP_CALLBACK_INSTANCE instance)
{
    instance_disassociate((struct tp_instance *)instance);
}
