/* Layer 3: the exceptions Windows raises for misuse of the API. */

#include <inttypes.h>

#include "api.h"

void raise_invalid_object(const char *function, const char *kind, const void *pointer)
{
    char what[128];

    text_format(what, sizeof(what), "%s: 0x%" PRIxPTR " is not a %s", function, (uintptr_t)pointer,
             kind);
    trace_call_raised();
    exception_raise(STATUS_INVALID_PARAMETER, what);
}

void raise_wait_handle(const char *function, HANDLE handle, NTSTATUS status)
{
    ULONG_PTR parameter = (ULONG)status;
    char what[128];

    text_format(what, sizeof(what), "%s: handle 0x%" PRIxPTR " %s", function, (uintptr_t)handle,
             status == STATUS_INVALID_PARAMETER_3 ? "is a mutex, which waits do not support"
                                                  : "names no object");
    trace_call_raised();
    exception_raise_with(STATUS_THREADPOOL_HANDLE_EXCEPTION, what, 1, &parameter);
}
