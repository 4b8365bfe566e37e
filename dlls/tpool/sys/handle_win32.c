/* Layer 1, Win32 backend: what kind of object an application's handle
 * names.  NtQueryObject is a system call (a wineserver round trip under
 * Wine): callers cache what they learn. */

#include "sys.h"
#include "wait_packet.h"

#include <string.h>
#include <winternl.h>

NTSTATUS handle_check_waitable(HANDLE handle)
{
    static const WCHAR mutant[] = L"Mutant";
    union
    {
        PUBLIC_OBJECT_TYPE_INFORMATION info;
        BYTE bytes[512];
    } type;
    ULONG length;
    NTSTATUS status;

    /* The pseudo-handles (the current process, thread, session, tokens)
     * are -1 to -6; any other value with the high bit set is a kernel
     * handle, invalid in user mode (32-bit handles reach it). */
    if ((LONG_PTR)handle < 0 && (LONG_PTR)handle >= -6)
        return STATUS_SUCCESS;
    if ((status = NtQueryObject(handle, ObjectTypeInformation, &type, sizeof(type), &length)))
        return status == STATUS_INVALID_HANDLE ? status : STATUS_SUCCESS;
    if (type.info.TypeName.Length == sizeof(mutant) - sizeof(WCHAR) &&
        !memcmp(type.info.TypeName.Buffer, mutant, sizeof(mutant) - sizeof(WCHAR)))
        return STATUS_INVALID_PARAMETER_3;
    return STATUS_SUCCESS;
}
