/* Layer 1, Win32 backend: raising the thread pool's exceptions. */

#include "sys.h"

void exception_raise_with(NTSTATUS status, const char *what, ULONG count, const ULONG_PTR *parameters)
{
    RaiseException((DWORD)status, EXCEPTION_NONCONTINUABLE, count, parameters);
}

void exception_raise(NTSTATUS status, const char *what)
{
    exception_raise_with(status, what, 0, NULL);
}
