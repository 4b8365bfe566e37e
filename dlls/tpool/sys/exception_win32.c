/* Layer 1, Win32 backend: raising the thread pool's exceptions. */

#include "sys.h"

void exception_raise(NTSTATUS status, const char *what)
{
    RaiseException((DWORD)status, EXCEPTION_NONCONTINUABLE, 0, NULL);
}
