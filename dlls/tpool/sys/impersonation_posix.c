/* Layer 1, POSIX backend: there is no impersonation natively. */

#include "sys.h"

NTSTATUS impersonation_capture(HANDLE *token)
{
    *token = NULL;
    return STATUS_SUCCESS;
}

void impersonation_apply(HANDLE token)
{
}

void impersonation_revert(void)
{
}

void impersonation_free(HANDLE token)
{
}
