/* Layer 1, Win32 backend: what kind of object an application's handle
 * names.  NtQueryObject is a system call (a wineserver round trip under
 * Wine): callers cache what they learn. */

#include "sys.h"

#include <string.h>
#include <winternl.h>

BOOL handle_is_mutex(HANDLE handle)
{
    static const WCHAR mutant[] = L"Mutant";
    union
    {
        PUBLIC_OBJECT_TYPE_INFORMATION info;
        BYTE bytes[512];
    } type;
    ULONG length;

    if (NtQueryObject(handle, ObjectTypeInformation, &type, sizeof(type), &length))
        return FALSE;
    return type.info.TypeName.Length == sizeof(mutant) - sizeof(WCHAR) &&
           !memcmp(type.info.TypeName.Buffer, mutant, sizeof(mutant) - sizeof(WCHAR));
}
