/* Layer 1, Win32 backend: what the checked mode reads of a thread.  Each
 * read is a system call (a wineserver round trip under Wine), paid only in
 * the checked mode. */

#include "sys.h"
#include "report.h"

#include <string.h>
#include <winternl.h>

NTSTATUS NTAPI NtOpenThreadToken(HANDLE thread, ACCESS_MASK access, BOOLEAN as_self, HANDLE *token);

enum checked_request checked_mode_requested(void)
{
    char value[8];
    DWORD length = GetEnvironmentVariableA("TPOOL_CHECKED", value, sizeof(value));

    if (length == 1 && value[0] == '1') return CHECKED_ALL;
    return length == 5 && !memcmp(value, "locks", 5) ? CHECKED_LOCKS : CHECKED_OFF;
}

void checked_mode_fail(const char *line)
{
    report_write(line);
    TerminateProcess(GetCurrentProcess(), STATUS_POSSIBLE_DEADLOCK);
}

void thread_snapshot_read(struct thread_snapshot *snapshot)
{
    HANDLE thread = GetCurrentThread(), token;
    GROUP_AFFINITY affinity;

    snapshot->priority = GetThreadPriority(thread);
    if (GetThreadGroupAffinity(thread, &affinity))
    {
        snapshot->affinity[0] = affinity.Mask;
        snapshot->affinity_group = affinity.Group;
    }
    /* a thread has a token of its own only while it impersonates */
    if (!NtOpenThreadToken(thread, TOKEN_QUERY, TRUE, &token))
    {
        snapshot->impersonating = TRUE;
        NtClose(token);
    }
}
