/* Layer 1, POSIX backend: there are no structured exceptions natively, so
 * what Windows raises is reported on stderr and the process aborts. */

#include <stdio.h>
#include <stdlib.h>

#include "sys.h"

void exception_raise(NTSTATUS status, const char *what)
{
    fprintf(stderr, "tpool: exception 0x%08x (%s)\n", (unsigned int)status, what);
    abort();
}
