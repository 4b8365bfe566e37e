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
    atomic_uint period;          /* of the last arming */
    atomic_int expired;          /* a one-shot callback started */
};

static struct legacy_queue default_queue =
{
    .tag = LEGACY_TAG_QUEUE,
    .refs = 1,
    .lock = LOCK_INIT(LOCK_LEGACY_QUEUE),
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
    TRACE_CALL("RtlCreateTimerQueue", "out=%p", out);

    if (!out)
        return TRACE_RETURN(STATUS_INVALID_PARAMETER);
    if (!(queue = mem_alloc(sizeof(*queue))))
        return TRACE_RETURN(STATUS_NO_MEMORY);
    queue->tag = LEGACY_TAG_QUEUE;
    atomic_init(&queue->refs, 1);
    lock_init(&queue->lock, LOCK_LEGACY_QUEUE);
    list_init(&queue->timers);
    *out = queue;
    TRACE_OUT(queue);
    return TRACE_RETURN(STATUS_SUCCESS);
}

/* ---- Timers --------------------------------------------------------------- */

static struct legacy_timer *timer_from_handle(HANDLE handle)
{
    struct legacy_timer *timer = handle;

    if (!timer || timer->base.tag != LEGACY_TAG_TIMER)
        return NULL;
    return timer;
}

/* Once deleted, the core timer ignores this. */
static void timer_arm(struct legacy_timer *timer, DWORD due, DWORD period)
{
    LONGLONG due_time = -(LONGLONG)due * TICKS_PER_MS;

    if (timer->base.flags & WT_EXECUTEONLYONCE)
        period = 0;
    atomic_store(&timer->period, period);
    timer_set(timer->base.object, &due_time, period, 0);
}

static void WINAPI timer_callback(PTP_CALLBACK_INSTANCE instance, void *context, PTP_TIMER core)
{
    struct legacy_timer *timer = context;

    if (!atomic_load(&timer->period))
        atomic_store(&timer->expired, TRUE);
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
    object_show_callback(timer->base.object, (const void *)callback);
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
    TRACE_CALL("RtlCreateTimer", "queue_handle=%p out=%p callback=%c context=%p due=%u period=%u flags=%x",
               queue_handle, out, callback, context, due, period, flags);

    if (!queue)
        return TRACE_RETURN(STATUS_INVALID_HANDLE);
    if (!out || !callback)
        return TRACE_RETURN(STATUS_INVALID_PARAMETER);
    if ((status = timer_alloc(&timer, callback, context, flags)))
        return TRACE_RETURN(status);
    if (!timer_join(timer, queue))
    {
        object_close(timer->base.object);
        return TRACE_RETURN(STATUS_INVALID_HANDLE);
    }
    *out = timer;
    TRACE_OUT(timer);

    timer_arm(timer, due, period);
    return TRACE_RETURN(STATUS_SUCCESS);
}

/* A one-shot timer whose callback has started, or a deleted one, is left
 * as it is, successfully (Windows' tests change one from its callback). */
NTSTATUS WINAPI RtlUpdateTimer(HANDLE queue_handle, HANDLE handle, DWORD due, DWORD period)
{
    struct legacy_timer *timer = timer_from_handle(handle);
    TRACE_CALL("RtlUpdateTimer", "queue_handle=%p handle=%p due=%u period=%u",
               queue_handle, handle, due, period);

    if (!timer)
        return TRACE_RETURN(STATUS_INVALID_PARAMETER);
    if (!atomic_load(&timer->expired))
        timer_arm(timer, due, period);
    return TRACE_RETURN(STATUS_SUCCESS);
}

/* Takes the timer off its queue and disarms it for good; FALSE if it was
 * deleted already. */
static BOOL timer_stop(struct legacy_timer *timer)
{
    lock_acquire(&timer->queue->lock);
    list_remove(&timer->entry);
    lock_release(&timer->queue->lock);

    return legacy_object_stop(&timer->base);
}

/* The queue is not needed: a timer knows its own, and Windows accepts a
 * timer of another queue here. */
NTSTATUS WINAPI RtlDeleteTimer(HANDLE queue_handle, HANDLE handle, HANDLE event)
{
    struct legacy_timer *timer = timer_from_handle(handle);
    TRACE_CALL("RtlDeleteTimer", "queue_handle=%p handle=%p event=%p", queue_handle, handle, event);

    if (!timer || !timer_stop(timer))
        return TRACE_RETURN(STATUS_INVALID_PARAMETER);
    return TRACE_RETURN(legacy_object_delete(&timer->base, event, TRUE));
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
    TRACE_CALL("RtlDeleteTimerQueueEx", "queue_handle=%p event=%p", queue_handle, event);

    if (!queue || queue == &default_queue)
        return TRACE_RETURN(STATUS_INVALID_HANDLE);
    lock_acquire(&queue->lock);
    if (!(deleted = queue->deleted))
    {
        queue->deleted = TRUE;
        queue->completion_event = timer_event ? NULL : event;
    }
    lock_release(&queue->lock);
    if (deleted)
        return TRACE_RETURN(STATUS_INVALID_HANDLE);

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
    return TRACE_RETURN(status);
}

NTSTATUS WINAPI RtlDeleteTimerQueue(HANDLE queue)
{
    TRACE_CALL("RtlDeleteTimerQueue", "queue=%p", queue);
    return TRACE_RETURN(RtlDeleteTimerQueueEx(queue, NULL));
}

/* ---- kernel32 names ------------------------------------------------------- */

HANDLE WINAPI CreateTimerQueue(void)
{
    HANDLE queue;
    NTSTATUS status;
    TRACE_CALL_VOID("CreateTimerQueue");

    if ((status = RtlCreateTimerQueue(&queue)))
    {
        set_last_status(status);
        return TRACE_RETURN(NULL);
    }
    return TRACE_RETURN(queue);
}

BOOL WINAPI CreateTimerQueueTimer(PHANDLE timer, HANDLE queue, WAITORTIMERCALLBACK callback,
                                  PVOID context, DWORD due, DWORD period, ULONG flags)
{
    BOOL created;
    TRACE_CALL("CreateTimerQueueTimer", "timer=%p queue=%p callback=%c context=%p due=%u period=%u flags=%x",
               timer, queue, callback, context, due, period, flags);

    if ((created = set_ntstatus(RtlCreateTimer(queue, timer, callback, context, due, period, flags))))
        TRACE_OUT(*timer);
    return TRACE_RETURN(created);
}

BOOL WINAPI ChangeTimerQueueTimer(HANDLE queue, HANDLE timer, ULONG due, ULONG period)
{
    TRACE_CALL("ChangeTimerQueueTimer", "queue=%p timer=%p due=%u period=%u", queue, timer, due, period);
    return TRACE_RETURN(set_ntstatus(RtlUpdateTimer(queue, timer, due, period)));
}

BOOL WINAPI DeleteTimerQueueTimer(HANDLE queue, HANDLE timer, HANDLE event)
{
    TRACE_CALL("DeleteTimerQueueTimer", "queue=%p timer=%p event=%p", queue, timer, event);
    return TRACE_RETURN(set_ntstatus(RtlDeleteTimer(queue, timer, event)));
}

BOOL WINAPI DeleteTimerQueueEx(HANDLE queue, HANDLE event)
{
    TRACE_CALL("DeleteTimerQueueEx", "queue=%p event=%p", queue, event);
    return TRACE_RETURN(set_ntstatus(RtlDeleteTimerQueueEx(queue, event)));
}

BOOL WINAPI DeleteTimerQueue(HANDLE queue)
{
    TRACE_CALL("DeleteTimerQueue", "queue=%p", queue);
    return TRACE_RETURN(set_ntstatus(RtlDeleteTimerQueueEx(queue, NULL)));
}

/* PreferIo asks for an alertable thread: WT_EXECUTEINIOTHREAD. */
HANDLE WINAPI SetTimerQueueTimer(HANDLE queue, WAITORTIMERCALLBACK callback, PVOID context, DWORD due,
                                 DWORD period, BOOL prefer_io)
{
    ULONG flags = prefer_io ? WT_EXECUTEINIOTHREAD : WT_EXECUTEDEFAULT;
    HANDLE timer;
    NTSTATUS status;
    TRACE_CALL("SetTimerQueueTimer", "queue=%p callback=%c context=%p due=%u period=%u prefer_io=%d",
               queue, callback, context, due, period, prefer_io);

    if ((status = RtlCreateTimer(queue, &timer, callback, context, due, period, flags)))
    {
        set_last_status(status);
        return TRACE_RETURN(NULL);
    }
    return TRACE_RETURN(timer);
}

/* A delete without completion event that counts STATUS_PENDING as
 * success (NT_SUCCESS), the obsolete form of DeleteTimerQueueTimer. */
BOOL WINAPI CancelTimerQueueTimer(HANDLE queue, HANDLE timer)
{
    NTSTATUS status = RtlDeleteTimer(queue, timer, NULL);
    TRACE_CALL("CancelTimerQueueTimer", "queue=%p timer=%p", queue, timer);

    return TRACE_RETURN(set_ntstatus(status == STATUS_PENDING ? STATUS_SUCCESS : status));
}
