/* Layer 1, POSIX backend: alertable events are address waits. */

#include "sys.h"

struct alertable_event
{
    atomic_int signaled;
};

NTSTATUS alertable_event_create(struct alertable_event **event)
{
    if (!(*event = mem_alloc(sizeof(**event))))
        return STATUS_NO_MEMORY;
    return STATUS_SUCCESS;
}

void alertable_event_set(struct alertable_event *event)
{
    atomic_store(&event->signaled, 1);
    futex_wake_one(&event->signaled);
}

void alertable_event_wait(struct alertable_event *event)
{
    while (!atomic_exchange(&event->signaled, 0))
        futex_wait(&event->signaled, 0, TIMEOUT_INFINITE);
}

void alertable_event_free(struct alertable_event *event)
{
    mem_free(event);
}
