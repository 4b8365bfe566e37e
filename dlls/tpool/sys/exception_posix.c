/* Layer 1, POSIX backend: there are no structured exceptions natively, so
 * what Windows raises is reported on stderr and the process aborts. */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "sys.h"

void exception_raise_with(NTSTATUS status, const char *what, ULONG count, const ULONG_PTR *parameters)
{
    ULONG i;

    fprintf(stderr, "tpool: exception 0x%08x", (unsigned int)status);
    for (i = 0; i < count; i++)
        fprintf(stderr, "%s0x%" PRIxPTR, i ? ", " : " [", (uintptr_t)parameters[i]);
    fprintf(stderr, "%s (%s)\n", count ? "]" : "", what);
    abort();
}

void exception_raise(NTSTATUS status, const char *what)
{
    exception_raise_with(status, what, 0, NULL);
}
