/*
 * Wait packets over wait threads.
 *
 * A wait thread waits with WaitForMultipleObjects on up to 63 packet
 * handles plus its control event.  Every kernel object operation is costly
 * (a wineserver round trip under Wine), so the threads are driven through
 * memory and address waits wherever possible:
 *
 * - wait_packet_create reserves one of a thread's 63 slots, so associating
 *   needs no resources.  Packets go to the fullest thread that has room, so
 *   as few threads as possible are used; a thread without reserved slots
 *   exits after WAIT_THREAD_IDLE_MS.
 * - Associating queues the packet under the thread's lock and, only if
 *   the thread is not already going to look at its queue, has the waker
 *   thread set the control event: so a burst of associations costs a few
 *   SetEvents per thread rather than one per association, none of them on
 *   the caller's thread (the caller of SetThreadpoolWait already pays a
 *   round trip for the handle's type).
 * - The thread rebuilds its handle array before every wait: packets that
 *   were notified, cancelled or found invalid leave it, queued ones are
 *   appended.  Appending keeps the array in association order, so a packet
 *   that fires and is associated again goes behind the others: a busy
 *   handle cannot starve the ones after it, although a wait only reports
 *   the lowest signalled index.  The control event comes last for the same
 *   reason; the queue is looked at after every wait anyway.
 * - Cancelling a packet that is in the array marks it, wakes the thread and
 *   sleeps on an address wait until the thread has rebuilt its array.  If
 *   the wait returned the packet's signal meanwhile, the signal is consumed
 *   and the packet is notified instead: the cancel fails.
 * - Associating duplicates the handle, as Windows references the object: a
 *   wait stays armed on its object when the application closes the handle
 *   (and never waits on a later object that reuses the value).  It is the
 *   one round trip an association costs its caller.  Once the packet
 *   fired or was cancelled, the waker closes the duplicate, so that
 *   neither the wait thread nor a cancelling caller waits for that.
 * - WAIT_FAILED means a handle went bad (the application closed tpool's
 *   duplicate, a handle it never had).  The thread then waits on each
 *   handle with a zero timeout: a valid handle that is signalled has its
 *   signal consumed by that wait, so its packet is notified; a packet whose
 *   handle fails is taken out of the array without being notified (nor its
 *   handle closed: the value may name another object by now) and stays
 *   armed until it is cancelled.
 *
 * Lock order: wait_threads_lock, then a thread's lock.  notify is called
 * without any lock held, on the wait thread, which is why it must not
 * cancel packets: the cancel could wait for its own thread.
 */

#include <string.h>

#include "sys.h"
#include "wait_packet.h"

#define WAIT_THREAD_SLOTS   (MAXIMUM_WAIT_OBJECTS - 1)
#define WAIT_THREAD_IDLE_MS 10000
#define WAKER_BATCH         (TICKS_PER_MS / 5)

enum packet_state
{
    PACKET_IDLE,        /* not armed: new, notified or cancelled */
    PACKET_QUEUED,      /* associated, on the thread's queue */
    PACKET_WAITING,     /* in the thread's handle array */
    PACKET_CANCELLING,  /* in the array; a cancel waits for the thread to drop it */
    PACKET_CANCELLED,   /* dropped for that cancel, which has not seen it yet */
    PACKET_ORPHANED,    /* armed, but its handle cannot be waited on */
};

struct wait_thread
{
    struct list entry;              /* in wait_threads */
    atomic_int reserved;            /* packets created on it; written under wait_threads_lock */
    HANDLE control;                 /* auto-reset: look at the queue */
    struct lock lock;               /* guards the fields below and the packets' states */
    struct list queue;              /* queued packets, in association order */
    BOOL will_look;                 /* the queue is looked at before the next wait */
    unsigned int cancellers;        /* threads sleeping on `rebuilds` */
    atomic_int kicked;              /* the waker must set `control` */
    atomic_int rebuilds;            /* counts the rebuilds of the array */
    /* The wait thread's own, read by it without the lock: */
    DWORD count;
    struct wait_packet *packets[WAIT_THREAD_SLOTS];   /* NULL: dropped since the wait */
    HANDLE handles[WAIT_THREAD_SLOTS + 1];            /* count of them, then control */
};

struct wait_packet
{
    struct wait_thread *thread;     /* where its slot is reserved */
    wait_packet_notify notify;
    void *context;
    HANDLE handle;                  /* tpool's duplicate while armed */
    enum packet_state state;        /* under thread->lock */
    struct list entry;              /* in thread->queue while queued */
};

static struct lock wait_threads_lock = LOCK_INIT(LOCK_WAIT_THREADS);
static struct list wait_threads = LIST_INIT(wait_threads);
static atomic_int waker_started;    /* once_start()'s state */
static atomic_int waker_pending;    /* a thread was kicked since the waker's last look */

/* ---- The waker ----------------------------------------------------------- */

static struct lock closing_lock = LOCK_INIT(LOCK_WAIT_CLOSING);
static HANDLE *closing;             /* duplicates for the waker to close */
static unsigned int closing_count, closing_size;

static BOOL closing_grow(void)
{
    unsigned int size = closing_size ? closing_size * 2 : 64;
    HANDLE *grown = mem_alloc(size * sizeof(*grown));

    if (!grown) return FALSE;
    if (closing_count) memcpy(grown, closing, closing_count * sizeof(*grown));
    mem_free(closing);
    closing = grown;
    closing_size = size;
    return TRUE;
}

/* Closes the handles handed to the waker, a batch at a time. */
static void waker_close_duplicates(void)
{
    HANDLE batch[64];
    unsigned int count;

    do
    {
        lock_acquire(&closing_lock);
        for (count = 0; count < 64 && closing_count; count++) batch[count] = closing[--closing_count];
        lock_release(&closing_lock);
        while (count) CloseHandle(batch[--count]);
    } while (count);
}

/* Sets the control event of every kicked thread, under wait_threads_lock
 * so that none retires meanwhile. */
static void waker_kick_threads(void)
{
    struct wait_thread *thread;
    struct list *cursor;

    lock_acquire(&wait_threads_lock);
    for (cursor = wait_threads.next; cursor != &wait_threads; cursor = cursor->next)
    {
        thread = LIST_ENTRY(cursor, struct wait_thread, entry);
        if (atomic_exchange(&thread->kicked, 0)) SetEvent(thread->control);
    }
    lock_release(&wait_threads_lock);
}

/* A kick that follows the last round within WAKER_BATCH waits for the rest
 * of it: the associations of a burst then cost one round of wake-ups and
 * array rebuilds per WAKER_BATCH, rather than one per association. */
static void waker_main(void *arg)
{
    LONGLONG next;

    for (;;)
    {
        atomic_store(&waker_pending, 0);
        waker_kick_threads();
        waker_close_duplicates();
        next = clock_monotonic() + WAKER_BATCH;
        futex_wait(&waker_pending, 0, TIMEOUT_INFINITE);
        clock_sleep_until(next);
    }
}

static NTSTATUS waker_thread_start(void *arg)
{
    return thread_start(waker_main, NULL, "tpool-waker", 0, 0);
}

/* Started with the first wait thread, for the life of the process. */
static NTSTATUS waker_start(void)
{
    return once_start(&waker_started, waker_thread_start, NULL);
}

static void waker_wake(void)
{
    if (!atomic_exchange(&waker_pending, 1)) futex_wake_one(&waker_pending);
}

static void waker_kick(struct wait_thread *thread)
{
    atomic_store(&thread->kicked, 1);
    waker_wake();
}

/* Without the memory to hand it over, the caller closes it. */
static void waker_close_later(HANDLE handle)
{
    BOOL handed;

    lock_acquire(&closing_lock);
    if ((handed = closing_count < closing_size || closing_grow())) closing[closing_count++] = handle;
    lock_release(&closing_lock);
    if (handed)
        waker_wake();
    else
        CloseHandle(handle);
}

/* ---- The wait thread --------------------------------------------------- */

/* Makes sure the thread looks at its queue before it waits again.  Returns
 * whether the caller must set the control event (after unlocking). */
static BOOL wait_thread_request_look(struct wait_thread *thread)
{
    if (thread->will_look) return FALSE;
    thread->will_look = TRUE;
    return TRUE;
}

/* Builds the handle array for the next wait; returns its timeout. */
static DWORD wait_thread_rebuild(struct wait_thread *thread)
{
    HANDLE dropped[WAIT_THREAD_SLOTS];
    DWORD i, count = 0, drops = 0;
    struct wait_packet *packet;
    struct list *head;
    BOOL idle;

    lock_acquire(&thread->lock);
    for (i = 0; i < thread->count; i++)
    {
        if (!(packet = thread->packets[i])) continue;
        if (packet->state != PACKET_CANCELLING)
        {
            thread->packets[count++] = packet;
            continue;
        }
        packet->state = PACKET_CANCELLED;
        dropped[drops++] = thread->handles[i];
    }
    while ((head = list_head(&thread->queue)))
    {
        packet = LIST_ENTRY(head, struct wait_packet, entry);
        list_remove(&packet->entry);
        packet->state = PACKET_WAITING;
        thread->packets[count++] = packet;
    }
    for (i = 0; i < count; i++) thread->handles[i] = thread->packets[i]->handle;
    thread->handles[count] = thread->control;
    thread->count = count;
    thread->will_look = FALSE;

    atomic_fetch_add(&thread->rebuilds, 1);
    if (thread->cancellers) futex_wake_all(&thread->rebuilds);
    idle = !atomic_load(&thread->reserved);
    lock_release(&thread->lock);
    while (drops) waker_close_later(dropped[--drops]);
    return idle ? WAIT_THREAD_IDLE_MS : INFINITE;
}

/* The wait consumed the signal of packets[index]: notifies the packet,
 * whether or not a cancel is waiting for it. */
static void wait_thread_notify(struct wait_thread *thread, DWORD index, NTSTATUS status)
{
    struct wait_packet *packet = thread->packets[index];

    lock_acquire(&thread->lock);
    packet->state = PACKET_IDLE;
    thread->packets[index] = NULL;
    lock_release(&thread->lock);
    packet->notify(packet, packet->context, status);
    waker_close_later(thread->handles[index]);
}

/* packets[index] has a handle that cannot be waited on. */
static void wait_thread_orphan(struct wait_thread *thread, DWORD index)
{
    struct wait_packet *packet = thread->packets[index];

    lock_acquire(&thread->lock);
    packet->state = packet->state == PACKET_CANCELLING ? PACKET_CANCELLED : PACKET_ORPHANED;
    thread->packets[index] = NULL;
    lock_release(&thread->lock);
}

/* After WAIT_FAILED: finds the bad handles one by one. */
static void wait_thread_check_handles(struct wait_thread *thread)
{
    DWORD i;

    for (i = 0; i < thread->count; i++)
    {
        switch (WaitForSingleObject(thread->handles[i], 0))
        {
        case WAIT_OBJECT_0:
            wait_thread_notify(thread, i, STATUS_WAIT_0);
            break;
        case WAIT_ABANDONED:
            wait_thread_notify(thread, i, STATUS_ABANDONED_WAIT_0);
            break;
        case WAIT_TIMEOUT:
            break;
        default:
            wait_thread_orphan(thread, i);
            break;
        }
    }
}

/* Ends the thread if no slot was reserved on it since it became idle. */
static BOOL wait_thread_retire(struct wait_thread *thread)
{
    lock_acquire(&wait_threads_lock);
    if (atomic_load(&thread->reserved))
    {
        lock_release(&wait_threads_lock);
        return FALSE;
    }
    list_remove(&thread->entry);
    lock_release(&wait_threads_lock);

    CloseHandle(thread->control);
    mem_free(thread);
    return TRUE;
}

static void wait_thread_main(void *arg)
{
    struct wait_thread *thread = arg;
    DWORD timeout, result, count;

    for (;;)
    {
        timeout = wait_thread_rebuild(thread);
        count = thread->count;
        result = WaitForMultipleObjects(count + 1, thread->handles, FALSE, timeout);

        if (result < WAIT_OBJECT_0 + count)
            wait_thread_notify(thread, result - WAIT_OBJECT_0, STATUS_WAIT_0);
        else if (result >= WAIT_ABANDONED_0 && result < WAIT_ABANDONED_0 + count)
            wait_thread_notify(thread, result - WAIT_ABANDONED_0, STATUS_ABANDONED_WAIT_0);
        else if (result == WAIT_FAILED)
            wait_thread_check_handles(thread);
        else if (result == WAIT_TIMEOUT && wait_thread_retire(thread))
            return;
    }
}

/* ---- Slots ------------------------------------------------------------- */

/* Starts a thread with one slot reserved for the caller. */
static NTSTATUS wait_thread_start(struct wait_thread **ret)
{
    struct wait_thread *thread;
    NTSTATUS status;

    if ((status = waker_start())) return status;
    if (!(thread = mem_alloc(sizeof(*thread)))) return STATUS_NO_MEMORY;
    if (!(thread->control = CreateEventW(NULL, FALSE, FALSE, NULL)))
    {
        mem_free(thread);
        return STATUS_NO_MEMORY;
    }
    atomic_init(&thread->reserved, 1);
    lock_init(&thread->lock, LOCK_WAIT_THREAD);
    list_init(&thread->queue);
    atomic_init(&thread->rebuilds, 0);
    atomic_init(&thread->kicked, 0);

    if ((status = thread_start(wait_thread_main, thread, "tpool-wait", 0, 0)))
    {
        CloseHandle(thread->control);
        mem_free(thread);
        return status;
    }
    *ret = thread;
    return STATUS_SUCCESS;
}

/* The fullest thread that has a free slot.  wait_threads_lock is held. */
static struct wait_thread *wait_thread_find_slot(void)
{
    struct wait_thread *best = NULL, *thread;
    struct list *cursor;
    int reserved, most = -1;

    for (cursor = wait_threads.next; cursor != &wait_threads; cursor = cursor->next)
    {
        thread = LIST_ENTRY(cursor, struct wait_thread, entry);
        reserved = atomic_load(&thread->reserved);
        if (reserved < WAIT_THREAD_SLOTS && reserved > most)
        {
            best = thread;
            most = reserved;
        }
    }
    return best;
}

/* Reserves a slot, starting a thread (outside the lock) if none is free.
 * Two callers that both start one keep both threads. */
static NTSTATUS wait_thread_reserve(struct wait_thread **ret)
{
    struct wait_thread *thread;
    NTSTATUS status;

    lock_acquire(&wait_threads_lock);
    if ((thread = wait_thread_find_slot())) atomic_fetch_add(&thread->reserved, 1);
    lock_release(&wait_threads_lock);

    if (!thread)
    {
        if ((status = wait_thread_start(&thread))) return status;
        lock_acquire(&wait_threads_lock);
        list_add_tail(&wait_threads, &thread->entry);
        lock_release(&wait_threads_lock);
    }
    *ret = thread;
    return STATUS_SUCCESS;
}

/* Gives a slot back; a thread left without slots starts its idle timeout. */
static void wait_thread_unreserve(struct wait_thread *thread)
{
    BOOL signal = FALSE;

    lock_acquire(&wait_threads_lock);
    if (atomic_fetch_sub(&thread->reserved, 1) == 1)
    {
        lock_acquire(&thread->lock);
        signal = wait_thread_request_look(thread);
        lock_release(&thread->lock);
        /* Under wait_threads_lock, so that the thread cannot retire first. */
        if (signal) SetEvent(thread->control);
    }
    lock_release(&wait_threads_lock);
}

/* ---- Packets ----------------------------------------------------------- */

NTSTATUS wait_packet_create(struct wait_packet **ret, wait_packet_notify notify, void *context)
{
    struct wait_packet *packet;
    NTSTATUS status;

    if (!(packet = mem_alloc(sizeof(*packet)))) return STATUS_NO_MEMORY;
    if ((status = wait_thread_reserve(&packet->thread)))
    {
        mem_free(packet);
        return status;
    }
    packet->notify = notify;
    packet->context = context;
    packet->state = PACKET_IDLE;
    list_init(&packet->entry);
    *ret = packet;
    return STATUS_SUCCESS;
}

NTSTATUS wait_packet_associate(struct wait_packet *packet, HANDLE handle, BOOLEAN *already_signaled)
{
    struct wait_thread *thread = packet->thread;
    BOOL signal;

    HANDLE process = GetCurrentProcess(), duplicate;
    DWORD error = GetLastError();

    if (already_signaled) *already_signaled = FALSE;
    if (!handle || !DuplicateHandle(process, handle, process, &duplicate, 0, FALSE, DUPLICATE_SAME_ACCESS))
    {
        SetLastError(error);
        return STATUS_INVALID_HANDLE;
    }

    lock_acquire(&thread->lock);
    packet->handle = duplicate;
    packet->state = PACKET_QUEUED;
    list_add_tail(&thread->queue, &packet->entry);
    signal = wait_thread_request_look(thread);
    lock_release(&thread->lock);

    if (signal) waker_kick(thread);
    return STATUS_SUCCESS;
}

/* Takes a packet that is in the array out of it.  thread->lock is held. */
static BOOL wait_thread_drop(struct wait_thread *thread, struct wait_packet *packet)
{
    BOOL signal = wait_thread_request_look(thread);
    int rebuilds;

    packet->state = PACKET_CANCELLING;
    thread->cancellers++;
    while (packet->state == PACKET_CANCELLING)
    {
        rebuilds = atomic_load(&thread->rebuilds);
        lock_release(&thread->lock);
        if (signal) SetEvent(thread->control);
        signal = FALSE;
        futex_wait(&thread->rebuilds, rebuilds, TIMEOUT_INFINITE);
        lock_acquire(&thread->lock);
    }
    thread->cancellers--;

    /* Otherwise the wait took the signal and the packet was notified. */
    if (packet->state != PACKET_CANCELLED) return FALSE;
    packet->state = PACKET_IDLE;
    return TRUE;
}

BOOL wait_packet_cancel(struct wait_packet *packet)
{
    struct wait_thread *thread = packet->thread;
    BOOL cancelled = FALSE;
    HANDLE close = NULL;

    lock_acquire(&thread->lock);
    switch (packet->state)
    {
    case PACKET_QUEUED:
        list_remove(&packet->entry);
        close = packet->handle;
        /* fall through */
    case PACKET_ORPHANED:
        packet->state = PACKET_IDLE;
        cancelled = TRUE;
        break;
    case PACKET_WAITING:
        cancelled = wait_thread_drop(thread, packet);
        break;
    default:
        break;
    }
    lock_release(&thread->lock);
    if (close) waker_close_later(close);
    return cancelled;
}

void wait_packet_free(struct wait_packet *packet)
{
    wait_thread_unreserve(packet->thread);
    mem_free(packet);
}

unsigned int wait_packet_threads(void)
{
    unsigned int count = 0;
    struct list *entry;

    lock_acquire(&wait_threads_lock);
    for (entry = wait_threads.next; entry != &wait_threads; entry = entry->next)
        count++;
    lock_release(&wait_threads_lock);
    return count;
}

NTSTATUS wait_handle_now(HANDLE handle)
{
    DWORD error = GetLastError();

    switch (WaitForSingleObject(handle, 0))
    {
    case WAIT_OBJECT_0:
        return STATUS_WAIT_0;
    case WAIT_ABANDONED:
        return STATUS_ABANDONED_WAIT_0;
    case WAIT_TIMEOUT:
        return STATUS_TIMEOUT;
    default:
        SetLastError(error);
        return STATUS_INVALID_HANDLE;
    }
}
