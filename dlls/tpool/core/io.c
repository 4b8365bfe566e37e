/*
 * Layer 2: I/O completion objects.
 *
 * Each pool has its own io_port (layer 1), created with the pool's first
 * I/O object; the object is the key its handle is bound with.  A completion
 * of a started operation is stored in the object's ring of completions and
 * submitted as one more pending callback of the shared lifecycle, so a
 * completion reaches the pool's run queue straight from the port, with no
 * process-wide I/O thread in between.
 *
 * Accounting follows Windows (and Wine's tests):
 * - StartThreadpoolIo counts one more expected completion and
 *   CancelThreadpoolIo one less.  A completion while none is expected
 *   (nothing started) is ignored.
 * - WaitFor...Callbacks(FALSE) waits for the started operations too (the
 *   busy hook).  With TRUE it gives them up instead: they become
 *   "skipped", their completions will be ignored, and nobody waits for
 *   them.  As Windows cannot tell one operation from another, a skipped
 *   operation's completion arriving while a newer one is started is taken
 *   for the newer one's.
 * - While started or skipped operations are outstanding the object holds a
 *   reference on itself, so Close frees it only after their completions
 *   arrived; the callbacks of started ones still run.  Natively, where the
 *   binding is the handle value's, a closed object ends its binding as soon
 *   as no started operation is left (skipped ones are then forgotten).
 *
 * BindIoCompletionCallback's objects are unaccounted: nothing is started
 * or cancelled, every completion on any of their handles runs a callback,
 * and they are never closed.
 */

#include "pool.h"
#include "io_port.h"

#define IO_QUEUE_INITIAL_SIZE 8  /* a power of two */

static struct tp_io *io_from_object(struct tp_object *object)
{
    return CONTAINING_RECORD(object, struct tp_io, object);
}

/* ---- The ring of completions (under the object lock) ---------------------- */

static BOOL queue_grow(struct tp_io *io)
{
    ULONG size = io->queue_size * 2, i;
    struct tp_io_completion *queue;

    if (!size || !(queue = mem_alloc(size * sizeof(*queue))))
        return FALSE;
    for (i = 0; i < io->queue_count; i++)
        queue[i] = io->queue[(io->queue_head + i) & (io->queue_size - 1)];
    mem_free(io->queue);
    io->queue = queue;
    io->queue_head = 0;
    io->queue_size = size;
    return TRUE;
}

static BOOL queue_push(struct tp_io *io, OVERLAPPED *overlapped, NTSTATUS status, ULONG_PTR information)
{
    struct tp_io_completion *completion;

    if (io->queue_count == io->queue_size && !queue_grow(io))
        return FALSE;
    completion = &io->queue[(io->queue_head + io->queue_count) & (io->queue_size - 1)];
    completion->overlapped = overlapped;
    completion->status.Status = status;
    completion->status.Information = information;
    io->queue_count++;
    return TRUE;
}

static BOOL queue_pop(struct tp_io *io, struct tp_io_completion *completion)
{
    if (!io->queue_count)
        return FALSE;
    *completion = io->queue[io->queue_head];
    io->queue_head = (io->queue_head + 1) & (io->queue_size - 1);
    io->queue_count--;
    return TRUE;
}

/* ---- Lifecycle hooks ----------------------------------------------------- */

static void io_execute(struct tp_object *object, struct tp_instance *instance)
{
    struct tp_io *io = io_from_object(object);
    tp_io_callback callback = (tp_io_callback)object->callback;
    struct tp_io_completion completion;
    BOOL have;

    lock_acquire(&object->lock);
    have = queue_pop(io, &completion);
    lock_release(&object->lock);
    if (have)
        callback((PTP_CALLBACK_INSTANCE)instance, object->context, completion.overlapped,
                 &completion.status, (PTP_IO)io);
}

static BOOL io_busy(struct tp_object *object)
{
    return io_from_object(object)->started != 0;
}

/* The ring holds the pending callbacks' completions plus those of callbacks
 * that a worker has just started and not yet taken from the ring: all are
 * dropped, and such a callback then finds nothing to report and does not
 * call the application (it had not begun, so it counts as cancelled). */
static void io_cancel_pending(struct tp_object *object)
{
    io_from_object(object)->queue_count = 0;
}

/* Under the object lock: the object expects no more completions. */
static BOOL io_idle(struct tp_io *io)
{
    return !io->started && !io->skipped;
}

/* Under the object lock.  Natively a closed object's handle is unbound once
 * no started operation is left, so the skipped ones can no longer be
 * reported: they are forgotten rather than waited for. */
static void io_forget_skipped_if_closed(struct tp_io *io)
{
#ifndef _WIN32
    if (io->closed && !io->started)
        io->skipped = 0;
#endif
}

/* Under the object lock, after an expected completion came or was given up:
 * TRUE when the object's reference on itself goes; *unbind when the
 * binding ends too. */
static BOOL io_settle(struct tp_io *io, BOOL *unbind)
{
    io_forget_skipped_if_closed(io);
    *unbind = io->closed && io_idle(io);
    return io_idle(io);
}

#ifndef _WIN32
/* Natively the binding is the handle value's (Windows binds the file
 * object): it ends as soon as the closed object expects no completion, as
 * the application may then close the handle and get the value back for
 * another one. */
static void io_unbind(struct tp_io *io)
{
    HANDLE handle;

    lock_acquire(&io->object.lock);
    handle = io->handle;
    io->handle = NULL;
    lock_release(&io->object.lock);
    if (handle)
        io_port_unbind(atomic_load(&io->object.env.pool->io_port), handle, io);
}
#else
/* Windows binds the file object for its lifetime: there is nothing to end. */
static void io_unbind(struct tp_io *io)
{
}
#endif

static void io_close(struct tp_object *object)
{
    struct tp_io *io = io_from_object(object);
    BOOL expecting, release, unbind;

    lock_acquire(&object->lock);
    io->closed = TRUE;
    expecting = !io_idle(io);
    release = io_settle(io, &unbind) && expecting;
    lock_release(&object->lock);
    if (unbind)
        io_unbind(io);
    if (release)
        object_release(object);
}

static void io_destroy(struct tp_object *object)
{
    struct tp_io *io = io_from_object(object);

    io_unbind(io);
    mem_free(io->queue);
}

static const struct tp_object_ops io_ops =
{
    .kind = "io",
    .tag = TP_TAG_IO,
    .execute = io_execute,
    .busy = io_busy,
    .cancel_pending = io_cancel_pending,
    .close = io_close,
    .destroy = io_destroy,
};

/* ---- Completions ---------------------------------------------------------- */

/* An unaccounted object queues a callback for every completion; a ring
 * that cannot grow is retried, as below. */
static void io_notify_unaccounted(struct tp_io *io, OVERLAPPED *overlapped, NTSTATUS status,
                                  ULONG_PTR information)
{
    BOOL post;

    lock_acquire(&io->object.lock);
    while (!queue_push(io, overlapped, status, information))
    {
        lock_release(&io->object.lock);
        clock_sleep_until(clock_monotonic() + TICKS_PER_MS);
        lock_acquire(&io->object.lock);
    }
    post = object_add_pending(&io->object);
    lock_release(&io->object.lock);
    if (post)
        object_post_unheld(&io->object);
}

/* Called by the io_port for every completion on a bound handle.  When the
 * ring cannot grow, the completion is retried rather than lost: this holds
 * up the port (natively, the completing thread) until memory is back. */
static void io_notify(void *key, OVERLAPPED *overlapped, NTSTATUS status, ULONG_PTR information)
{
    struct tp_io *io = key;
    BOOL post = FALSE, release, unbind;

    if (io->unaccounted)
    {
        io_notify_unaccounted(io, overlapped, status, information);
        return;
    }
    for (;;)
    {
        lock_acquire(&io->object.lock);
        if (!io->started || queue_push(io, overlapped, status, information))
            break;
        lock_release(&io->object.lock);
        clock_sleep_until(clock_monotonic() + TICKS_PER_MS);
    }
    if (io->started)
    {
        io->started--;
        post = object_add_pending(&io->object);
    }
    else if (io->skipped)
        io->skipped--;
    else
    {
        lock_release(&io->object.lock);
        return;
    }
    release = io_settle(io, &unbind);
    lock_release(&io->object.lock);
    if (unbind)
        io_unbind(io);
    if (post)
        object_post_unheld(&io->object);
    if (release)
        object_release(&io->object);
}

/* ---- The pool's port ------------------------------------------------------ */

static NTSTATUS pool_io_port(struct tp_pool *pool, struct io_port **out)
{
    struct io_port *port = atomic_load(&pool->io_port), *expected = NULL;
    NTSTATUS status;

    if (!port)
    {
        if ((status = io_port_create(&port, io_notify)))
            return status;
        if (!atomic_compare_exchange_strong(&pool->io_port, &expected, port))
        {
            io_port_free(port);
            port = expected;
        }
    }
    *out = port;
    return STATUS_SUCCESS;
}

void io_pool_free(struct tp_pool *pool)
{
    struct io_port *port = atomic_load(&pool->io_port);

    if (port)
        io_port_free(port);
}

/* ---- Operations ----------------------------------------------------------- */

/* An object with its ring, bound to nothing yet. */
static NTSTATUS io_alloc(struct tp_io **out, tp_io_callback callback, void *context,
                         const TP_CALLBACK_ENVIRON *environment)
{
    struct tp_object *object;
    struct tp_io *io;
    NTSTATUS status;

    if ((status = object_create(&object, sizeof(*io), &io_ops, (void *)callback,
                                context, environment)))
        return status;
    io = io_from_object(object);
    io->queue_size = IO_QUEUE_INITIAL_SIZE;
    if (!(io->queue = mem_alloc(io->queue_size * sizeof(*io->queue))))
    {
        object_release(object);
        return STATUS_NO_MEMORY;
    }
    *out = io;
    return STATUS_SUCCESS;
}

NTSTATUS io_create(struct tp_io **out, HANDLE handle, tp_io_callback callback, void *context,
                   const TP_CALLBACK_ENVIRON *environment)
{
    struct io_port *port;
    struct tp_io *io;
    NTSTATUS status;

    if ((status = io_alloc(&io, callback, context, environment)))
        return status;
    if (!(status = pool_io_port(io->object.env.pool, &port)) &&
        !(status = io_port_bind(port, handle, io)))
        io->handle = handle;
    if (status)
    {
        object_release(&io->object);
        return status;
    }
    *out = io;
    return STATUS_SUCCESS;
}

NTSTATUS io_create_unaccounted(struct tp_io **out, tp_io_callback callback, void *context,
                               const TP_CALLBACK_ENVIRON *environment)
{
    NTSTATUS status;

    if ((status = io_alloc(out, callback, context, environment)))
        return status;
    (*out)->unaccounted = TRUE;
    return STATUS_SUCCESS;
}

/* Natively the binding ends when the handle is closed, so that its value
 * can be bound again once it names another object. */
NTSTATUS io_bind(struct tp_io *io, HANDLE handle)
{
    struct io_port *port;
    NTSTATUS status;

    if ((status = pool_io_port(io->object.env.pool, &port)))
        return status;
#ifdef _WIN32
    return io_port_bind(port, handle, io);
#else
    return io_port_bind_until_closed(port, handle, io);
#endif
}

void io_start(struct tp_io *io)
{
    lock_acquire(&io->object.lock);
    if (!io->started && !io->skipped)
        object_addref(&io->object);
    io->started++;
    lock_release(&io->object.lock);
}

/* Without a started operation this does nothing (Windows leaves it undefined). */
void io_cancel(struct tp_io *io)
{
    BOOL idle = FALSE, release = FALSE, unbind = FALSE;

    lock_acquire(&io->object.lock);
    if (io->started)
    {
        idle = !--io->started;
        release = io_settle(io, &unbind);
    }
    lock_release(&io->object.lock);
    if (unbind)
        io_unbind(io);
    if (idle)
        object_wake_waiters(&io->object);
    if (release)
        object_release(&io->object);
}

static void io_skip_started(struct tp_io *io)
{
    BOOL had_started;

    lock_acquire(&io->object.lock);
    had_started = io->started != 0;
    io->skipped += io->started;
    io->started = 0;
    lock_release(&io->object.lock);
    if (had_started)
        object_wake_waiters(&io->object);
}

void io_wait(struct tp_io *io, BOOL cancel_pending)
{
    if (cancel_pending)
        io_skip_started(io);
    object_wait(&io->object, cancel_pending);
}
