/* Layer 1, Win32 backend: moving an impersonation token to a worker for
 * WT_TRANSFER_IMPERSONATION, through ntdll (no last error is touched). */

#include "sys.h"

#include <winternl.h>

NTSTATUS NTAPI NtOpenThreadToken(HANDLE thread, ACCESS_MASK access, BOOLEAN as_self, HANDLE *token);
NTSTATUS NTAPI NtSetInformationThread(HANDLE thread, THREADINFOCLASS class, void *information,
                                      ULONG length);

NTSTATUS impersonation_capture(HANDLE *token)
{
    NTSTATUS status = NtOpenThreadToken(GetCurrentThread(), TOKEN_IMPERSONATE, TRUE, token);

    /* a thread has a token of its own only while it impersonates */
    if (status == STATUS_NO_TOKEN)
    {
        *token = NULL;
        return STATUS_SUCCESS;
    }
    return status;
}

void impersonation_apply(HANDLE token)
{
    NtSetInformationThread(GetCurrentThread(), ThreadImpersonationToken, &token, sizeof(token));
}

void impersonation_revert(void)
{
    impersonation_apply(NULL);
}

void impersonation_free(HANDLE token)
{
    NtClose(token);
}
