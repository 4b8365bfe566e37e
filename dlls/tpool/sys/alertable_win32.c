/* Layer 1, Win32 backend: alertable events are kernel events. */

#include "sys.h"

NTSTATUS alertable_event_create(struct alertable_event **event)
{
    HANDLE handle = CreateEventW(NULL, FALSE, FALSE, NULL);

    if (!handle)
        return STATUS_NO_MEMORY;
    *event = (struct alertable_event *)handle;
    return STATUS_SUCCESS;
}

void alertable_event_set(struct alertable_event *event)
{
    SetEvent((HANDLE)event);
}

void alertable_event_wait(struct alertable_event *event)
{
    WaitForSingleObjectEx((HANDLE)event, INFINITE, TRUE);
}

void alertable_event_free(struct alertable_event *event)
{
    CloseHandle((HANDLE)event);
}
