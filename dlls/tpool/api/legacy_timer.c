/*
 * Layer 3, legacy pool: timer queues (CreateTimerQueue, RtlCreateTimer...)
 * over the core's timer objects in the default pool.
 *
 * A queue is only a list of timers, so that deleting it deletes them; all
 * of them expire in the default pool's timer queue, with no thread of
 * their own.  The default queue (NULL) cannot be deleted.  A queue lives
 * until the application deleted it and its timers are freed; then it sets
 * the completion event given to DeleteTimerQueueEx.
 *
 * WT_EXECUTEINTIMERTHREAD callbacks run on the worker that expires the
 * timer (the core's inline expiry), which is what a timer thread was.
 */

#include "legacy.h"

#define TIMER_PERSISTENT_FLAGS (LEGACY_PERSISTENT_FLAGS | WT_EXECUTEINIOTHREAD)

struct legacy_queue
{
    ULONG tag;
    atomic_long refs;            /* the application's, one per timer not freed yet */
    struct lock lock;            /* guards the fields below */
    struct list timers;          /* the timers not deleted yet */
    BOOL deleted;
    HANDLE completion_event;
};

struct legacy_timer
{
    struct legacy_object base;   /* first: freed with it */
    struct legacy_queue *queue;  /* NULL if it never joined one */
    struct list entry;           /* in queue->timers until deleted */
    DWORD period;                /* under base.lock */
    BOOL expired;                /* under base.lock: a one-shot callback started */
};

static struct legacy_queue default_queue =
{
    .tag = LEGACY_TAG_QUEUE,
    .refs = 1,
    .lock = LOCK_INIT,
    .timers = LIST_INIT(default_queue.timers),
};

/* ---- Queues ------------------------------------------------------------- */

/* NULL names the default queue; NULL is returned for anything else that
 * is no queue. */
static struct legacy_queue *queue_from_handle(HANDLE handle)
{
    struct legacy_queue *queue = handle;

    if (!queue)
        return &default_queue;
    return queue->tag == LEGACY_TAG_QUEUE ? queue : NULL;
}

static void queue_release(struct legacy_queue *queue)
{
    HANDLE event;

    if (atomic_fetch_sub(&queue->refs, 1) != 1)
        return;
    event = queue->completion_event;
    queue->tag = TP_TAG_FREED;
    mem_free(queue);
    if (event)
        action_set_event(event);
}

NTSTATUS WINAPI RtlCreateTimerQueue(PHANDLE out)
{
    struct legacy_queue *queue;

    if (!out)
        return STATUS_INVALID_PARAMETER;
    if (!(queue = mem_alloc(sizeof(*queue))))
        return STATUS_NO_MEMORY;
    queue->tag = LEGACY_TAG_QUEUE;
    atomic_init(&queue->refs, 1);
    lock_init(&queue->lock);
    list_init(&queue->timers);
    *out = queue;
    return STATUS_SUCCESS;
}

/* ---- Timers --------------------------------------------------------------- */

static struct legacy_timer *timer_from_handle(HANDLE handle)
{
    struct legacy_timer *timer = handle;

    if (!timer || timer->base.tag != LEGACY_TAG_TIMER)
        return NULL;
    return timer;
}

/* Under base.lock, unless deleted. */
static void timer_arm(struct legacy_timer *timer, DWORD due, DWORD period)
{
    LONGLONG due_time = -(LONGLONG)due * TICKS_PER_MS;

    if (timer->base.flags & WT_EXECUTEONLYONCE)
        period = 0;
    timer->period = period;
    timer_set(timer->base.object, &due_time, period, 0);
}

static void WINAPI timer_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_TIMER core)
{
    struct legacy_timer *timer = context;

    lock_acquire(&timer->base.lock);
    if (!timer->period)
        timer->expired = TRUE;
    lock_release(&timer->base.lock);
    legacy_object_run(&timer->base, TRUE);
}

static void timer_freed(void *context)
{
    struct legacy_timer *timer = context;
    struct legacy_queue *queue = timer->queue;

    legacy_object_finish(&timer->base);
    if (queue)
        queue_release(queue);
}

static NTSTATUS timer_alloc(struct legacy_timer **out, RTL_WAITORTIMERCALLBACKFUNC callback, void *context,
                            ULONG flags)
{
    TP_CALLBACK_ENVIRON environment;
    struct legacy_timer *timer;
    NTSTATUS status;

    if (!(timer = mem_alloc(sizeof(*timer))))
        return STATUS_NO_MEMORY;
    if ((status = legacy_object_init(&timer->base, LEGACY_TAG_TIMER, callback, context, flags)))
    {
        mem_free(timer);
        return status;
    }
    legacy_environment(&environment, flags, TIMER_PERSISTENT_FLAGS);
    if ((status = timer_create(&timer->base.object, timer_callback, timer, &environment)))
    {
        legacy_object_abandon(&timer->base);
        return status;
    }
    if (flags & WT_EXECUTEINTIMERTHREAD)
        timer_expire_inline(timer->base.object);
    timer->base.object->freed = timer_freed;
    list_init(&timer->entry);
    *out = timer;
    return STATUS_SUCCESS;
}

static BOOL timer_join(struct legacy_timer *timer, struct legacy_queue *queue)
{
    BOOL joined;

    lock_acquire(&queue->lock);
    if ((joined = !queue->deleted))
    {
        atomic_fetch_add(&queue->refs, 1);
        timer->queue = queue;
        list_add_tail(&queue->timers, &timer->entry);
    }
    lock_release(&queue->lock);
    return joined;
}

/* The handle is stored in *out before the timer is armed: a callback may
 * run at once and use it. */
NTSTATUS WINAPI RtlCreateTimer(HANDLE queue_handle, PHANDLE out, RTL_WAITORTIMERCALLBACKFUNC callback,
                               PVOID context, DWORD due, DWORD period, ULONG flags)
{
    struct legacy_queue *queue = queue_from_handle(queue_handle);
    struct legacy_timer *timer;
    NTSTATUS status;

    if (!queue)
        return STATUS_INVALID_HANDLE;
    if (!out || !callback)
        return STATUS_INVALID_PARAMETER;
    if ((status = timer_alloc(&timer, callback, context, flags)))
        return status;
    if (!timer_join(timer, queue))
    {
        object_close(timer->base.object);
        return STATUS_INVALID_HANDLE;
    }
    *out = timer;

    lock_acquire(&timer->base.lock);
    if (!timer->base.deleted)
        timer_arm(timer, due, period);
    lock_release(&timer->base.lock);
    return STATUS_SUCCESS;
}

/* A one-shot timer whose callback has started, or a deleted one, is left
 * as it is, successfully (Windows' tests change one from its callback). */
NTSTATUS WINAPI RtlUpdateTimer(HANDLE queue_handle, HANDLE handle, DWORD due, DWORD period)
{
    struct legacy_timer *timer = timer_from_handle(handle);

    if (!timer)
        return STATUS_INVALID_PARAMETER;
    lock_acquire(&timer->base.lock);
    if (!timer->base.deleted && !timer->expired)
        timer_arm(timer, due, period);
    lock_release(&timer->base.lock);
    return STATUS_SUCCESS;
}

/* Takes the timer off its queue and disarms it for good; FALSE if it was
 * deleted already. */
static BOOL timer_stop(struct legacy_timer *timer)
{
    BOOL stopped;

    lock_acquire(&timer->queue->lock);
    list_remove(&timer->entry);
    lock_release(&timer->queue->lock);

    lock_acquire(&timer->base.lock);
    if ((stopped = !timer->base.deleted))
    {
        timer->base.deleted = TRUE;
        timer_set(timer->base.object, NULL, 0, 0);
    }
    lock_release(&timer->base.lock);
    return stopped;
}

/* The queue is not needed: a timer knows its own, and Windows accepts a
 * timer of another queue here. */
NTSTATUS WINAPI RtlDeleteTimer(HANDLE queue_handle, HANDLE handle, HANDLE event)
{
    struct legacy_timer *timer = timer_from_handle(handle);

    if (!timer || !timer_stop(timer))
        return STATUS_INVALID_PARAMETER;
    return legacy_object_delete(&timer->base, event, TRUE);
}

/* Deletes each timer with the same convention; a blocking delete has then
 * freed them all, and with them the queue, unless one is the caller's. */
NTSTATUS WINAPI RtlDeleteTimerQueueEx(HANDLE queue_handle, HANDLE event)
{
    struct legacy_queue *queue = queue_handle ? queue_from_handle(queue_handle) : NULL;
    /* an event is the queue's, set once it is freed */
    HANDLE timer_event = event == INVALID_HANDLE_VALUE ? event : NULL;
    NTSTATUS status = STATUS_SUCCESS;
    struct legacy_timer *timer;
    struct list *head;
    BOOL deleted;

    if (!queue || queue == &default_queue)
        return STATUS_INVALID_HANDLE;
    lock_acquire(&queue->lock);
    if (!(deleted = queue->deleted))
    {
        queue->deleted = TRUE;
        queue->completion_event = timer_event ? NULL : event;
    }
    lock_release(&queue->lock);
    if (deleted)
        return STATUS_INVALID_HANDLE;

    for (;;)
    {
        lock_acquire(&queue->lock);
        head = list_head(&queue->timers);
        lock_release(&queue->lock);
        if (!head)
            break;
        timer = LIST_ENTRY(head, struct legacy_timer, entry);
        if (timer_stop(timer) && legacy_object_delete(&timer->base, timer_event, TRUE))
            status = STATUS_PENDING;
    }
    queue_release(queue);
    return status;
}

NTSTATUS WINAPI RtlDeleteTimerQueue(HANDLE queue)
{
    return RtlDeleteTimerQueueEx(queue, NULL);
}

/* ---- kernel32 names ------------------------------------------------------- */

HANDLE WINAPI CreateTimerQueue(void)
{
    HANDLE queue;
    NTSTATUS status;

    if ((status = RtlCreateTimerQueue(&queue)))
    {
        set_last_status(status);
        return NULL;
    }
    return queue;
}

BOOL WINAPI CreateTimerQueueTimer(PHANDLE timer, HANDLE queue, WAITORTIMERCALLBACK callback,
                                  PVOID context, DWORD due, DWORD period, ULONG flags)
{
    return set_ntstatus(RtlCreateTimer(queue, timer, callback, context, due, period, flags));
}

BOOL WINAPI ChangeTimerQueueTimer(HANDLE queue, HANDLE timer, ULONG due, ULONG period)
{
    return set_ntstatus(RtlUpdateTimer(queue, timer, due, period));
}

BOOL WINAPI DeleteTimerQueueTimer(HANDLE queue, HANDLE timer, HANDLE event)
{
    return set_ntstatus(RtlDeleteTimer(queue, timer, event));
}

BOOL WINAPI DeleteTimerQueueEx(HANDLE queue, HANDLE event)
{
    return set_ntstatus(RtlDeleteTimerQueueEx(queue, event));
}

BOOL WINAPI DeleteTimerQueue(HANDLE queue)
{
    return set_ntstatus(RtlDeleteTimerQueueEx(queue, NULL));
}

/* PreferIo asks for an alertable thread: WT_EXECUTEINIOTHREAD. */
HANDLE WINAPI SetTimerQueueTimer(HANDLE queue, WAITORTIMERCALLBACK callback, PVOID context, DWORD due,
                                 DWORD period, BOOL prefer_io)
{
    ULONG flags = prefer_io ? WT_EXECUTEINIOTHREAD : WT_EXECUTEDEFAULT;
    HANDLE timer;
    NTSTATUS status;

    if ((status = RtlCreateTimer(queue, &timer, callback, context, due, period, flags)))
    {
        set_last_status(status);
        return NULL;
    }
    return timer;
}

/* A delete without completion event that counts STATUS_PENDING as
 * success (NT_SUCCESS), the obsolete form of DeleteTimerQueueTimer. */
BOOL WINAPI CancelTimerQueueTimer(HANDLE queue, HANDLE timer)
{
    NTSTATUS status = RtlDeleteTimer(queue, timer, NULL);

    return set_ntstatus(status == STATUS_PENDING ? STATUS_SUCCESS : status);
}
