/*
 * Native waitable objects: their handles and lifetime, the dispatcher and
 * the waits on them (the types, events, semaphores and mutexes, are
 * native_sync.c's; wait packets wait_packet_posix.c's).
 *
 * A handle is the address of its object.  Object memory never goes back to
 * the heap: a destroyed object is kept on a free list and comes back as a
 * later object, so a closed handle still points to memory whose tag can be
 * checked, and a stale handle may name a newer object, as Windows reuses
 * handle values.
 *
 * The dispatcher follows NT.  Each object has a lock and a FIFO of wait
 * links.  A wait block describes one wait: it has one link per object
 * waited on and a status word.  Whoever satisfies the wait first claims the
 * status word, so a wait is satisfied exactly once; the satisfying thread
 * consumes the signal (resets the auto-reset event, decrements the
 * semaphore, gives the mutex away) under the object lock, unlinks the link
 * and notifies the waiter.  Only notification depends on the kind of
 * waiter: a blocked thread is woken, a wait packet calls its callback, the
 * latter once the signalling thread holds no lock (struct native_signal).
 *
 * A wait-all is satisfied only while all of its objects are signalled, so
 * satisfying it needs all of their locks at once.  A thread may wait for
 * an object lock while it holds another one only if it holds
 * wait_all_lock, and wait_all_lock is never requested while an object lock
 * is held; so at most one thread at a time collects several object locks
 * and no order between object locks is needed (lock_acquire_sibling()).  A signal takes
 * wait_all_lock only when the object has wait-all waiters.
 */

#include "sys.h"
#include "io_port.h"

#include "native_object.h"

static struct lock free_objects_lock = LOCK_INIT(LOCK_NATIVE_FREE_LIST);
static struct native_object *free_objects;
static struct lock wait_all_lock = LOCK_INIT(LOCK_NATIVE_WAIT_ALL);

/* ---- Handles and object lifetime --------------------------------------- */

struct native_object *native_object_alloc(const struct native_object_ops *ops)
{
    struct native_object *obj;

    lock_acquire(&free_objects_lock);
    if ((obj = free_objects)) free_objects = obj->next_free;
    lock_release(&free_objects_lock);

    if (!obj)
    {
        if (!(obj = mem_alloc(sizeof(*obj))))
        {
            SetLastError(ERROR_NOT_ENOUGH_MEMORY);
            return NULL;
        }
        obj->magic = OBJECT_MAGIC;
        atomic_init(&obj->refs, 0);
        atomic_init(&obj->closed, 0);
        lock_init(&obj->lock, LOCK_NATIVE_OBJECT);
    }
    obj->ops = ops;
    list_init(&obj->waiters);
    obj->wait_all_links = 0;
    return obj;
}

HANDLE native_object_publish(struct native_object *obj)
{
    atomic_store_explicit(&obj->closed, 0, memory_order_relaxed);
    atomic_store_explicit(&obj->refs, 1, memory_order_release);
    SetLastError(ERROR_SUCCESS);
    return obj;
}

void native_object_release(struct native_object *obj)
{
    if (atomic_fetch_sub_explicit(&obj->refs, 1, memory_order_acq_rel) != 1) return;

    lock_acquire(&free_objects_lock);
    obj->next_free = free_objects;
    free_objects = obj;
    lock_release(&free_objects_lock);
}

static void release_objects(struct native_object **objects, DWORD count)
{
    while (count) native_object_release(objects[--count]);
}

/* Returns the object with a reference for the caller, or NULL with
 * ERROR_INVALID_HANDLE.  ops NULL accepts any type. */
struct native_object *native_object_from_handle(HANDLE handle, const struct native_object_ops *ops)
{
    struct native_object *obj = handle;
    int refs;

    /* Pseudo handles are small negative values; objects are aligned. */
    if ((LONG_PTR)handle < 0x10000 || (ULONG_PTR)handle % _Alignof(struct native_object) ||
        obj->magic != OBJECT_MAGIC)
        goto invalid;

    refs = atomic_load_explicit(&obj->refs, memory_order_relaxed);
    do
    {
        if (!refs) goto invalid;
    } while (!atomic_compare_exchange_weak_explicit(&obj->refs, &refs, refs + 1,
                                                    memory_order_acquire, memory_order_relaxed));

    if (!atomic_load(&obj->closed) && (!ops || obj->ops == ops)) return obj;
    native_object_release(obj);
invalid:
    SetLastError(ERROR_INVALID_HANDLE);
    return NULL;
}

BOOL WINAPI CloseHandle(HANDLE handle)
{
    struct native_object *obj = native_object_from_handle(handle, NULL);

    if (!obj) return FALSE;
    if (atomic_exchange(&obj->closed, 1))
    {
        native_object_release(obj);
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    /* before the value can name another object */
    io_port_handle_closed(handle);
    native_object_release(obj);
    native_object_release(obj);  /* the handle's reference */
    return TRUE;
}

/* ---- Dispatcher -------------------------------------------------------- */

BOOL native_block_claim(struct wait_block *block, DWORD result)
{
    int expected = WAIT_PENDING;

    return atomic_compare_exchange_strong(&block->status, &expected, (int)result);
}

static BOOL link_is_queued(const struct wait_link *link)
{
    return link->entry.next != &link->entry;
}

/* The link's object is locked. */
void native_link_queue(struct wait_link *link)
{
    list_add_tail(&link->object->waiters, &link->entry);
    if (link->block->wait_all) link->object->wait_all_links++;
}

/* The link's object is locked. */
void native_link_dequeue(struct wait_link *link)
{
    if (!link_is_queued(link)) return;
    list_remove(&link->entry);
    if (link->block->wait_all) link->object->wait_all_links--;
}

static void native_block_notify(struct wait_block *block, struct native_signal *signal)
{
    if (!block->notify_unlocked)
    {
        block->notify(block);
        return;
    }
    block->next_notify = NULL;
    *signal->notify_last = block;
    signal->notify_last = &block->next_notify;
}

/* Satisfies a wait-all block if all its objects are signalled.  The caller
 * holds wait_all_lock and the lock of `held`, one of the block's objects. */
static void wait_all_try_satisfy(struct wait_block *block, struct native_object *held,
                                 struct native_signal *signal)
{
    BOOL ready = TRUE;
    DWORD i;

    for (i = 0; i < block->count; i++)
        if (block->links[i].object != held) lock_acquire_sibling(&block->links[i].object->lock, &wait_all_lock);

    for (i = 0; ready && i < block->count; i++)
        ready = block->links[i].object->ops->signaled(block->links[i].object, block->thread_id);

    if (ready && native_block_claim(block, WAIT_OBJECT_0))
    {
        for (i = 0; i < block->count; i++)
        {
            block->links[i].object->ops->consume(block->links[i].object, block->thread_id);
            native_link_dequeue(&block->links[i]);
        }
        native_block_notify(block, signal);
    }

    for (i = 0; i < block->count; i++)
        if (block->links[i].object != held) lock_release(&block->links[i].object->lock);
}

void native_object_satisfy_waiters(struct native_object *obj, struct native_signal *signal)
{
    struct list *cursor, *next;

    for (cursor = obj->waiters.next; cursor != &obj->waiters; cursor = next)
    {
        struct wait_link *link = LIST_ENTRY(cursor, struct wait_link, entry);
        struct wait_block *block = link->block;

        /* Satisfying a block dequeues only its own links, and a wait-all
         * block has a single link here, so next stays valid. */
        next = cursor->next;
        if (!obj->ops->signaled(obj, block->thread_id)) break;

        if (block->wait_all)
            wait_all_try_satisfy(block, obj, signal);
        else if (native_block_claim(block, WAIT_OBJECT_0 + link->index))
        {
            obj->ops->consume(obj, block->thread_id);
            native_link_dequeue(link);
            native_block_notify(block, signal);
        }
    }
}

void native_object_lock_for_signal(struct native_object *obj, struct native_signal *signal)
{
    signal->notify_first = NULL;
    signal->notify_last = &signal->notify_first;
    signal->wait_all_locked = FALSE;
    lock_acquire(&obj->lock);
    if (!obj->wait_all_links) return;

    lock_release(&obj->lock);
    lock_acquire(&wait_all_lock);
    lock_acquire(&obj->lock);
    signal->wait_all_locked = TRUE;
}

/* The signalling thread still holds its reference on the object, so a
 * packet's reference, dropped by its notify, is never the last. */
void native_object_unlock_after_signal(struct native_object *obj, struct native_signal *signal)
{
    struct wait_block *block, *next;

    lock_release(&obj->lock);
    if (signal->wait_all_locked) lock_release(&wait_all_lock);
    for (block = signal->notify_first; block; block = next)
    {
        next = block->next_notify;
        block->notify(block);
    }
}

/* ---- Waiting ----------------------------------------------------------- */

static void thread_waiter_notify(struct wait_block *block)
{
    futex_wake_one(&block->status);
}

/* Takes the first signalled object in index order, or queues the block on
 * every object up to the one that satisfies it. */
static void wait_any_begin(struct wait_block *block, BOOL may_block)
{
    DWORD i;

    for (i = 0; i < block->count && atomic_load(&block->status) == WAIT_PENDING; i++)
    {
        struct wait_link *link = &block->links[i];
        struct native_object *obj = link->object;

        lock_acquire(&obj->lock);
        if (obj->ops->signaled(obj, block->thread_id))
        {
            /* Fails if a lower index was signalled meanwhile and won. */
            if (native_block_claim(block, WAIT_OBJECT_0 + i)) obj->ops->consume(obj, block->thread_id);
        }
        else if (may_block)
        {
            native_link_queue(link);
            block->queued = i + 1;
        }
        lock_release(&obj->lock);
    }
}

/* Takes all objects if all are signalled, else queues the block on all. */
static void wait_all_begin(struct wait_block *block, BOOL may_block)
{
    BOOL ready = TRUE;
    DWORD i;

    lock_acquire(&wait_all_lock);
    for (i = 0; i < block->count; i++) lock_acquire_sibling(&block->links[i].object->lock, &wait_all_lock);

    for (i = 0; ready && i < block->count; i++)
        ready = block->links[i].object->ops->signaled(block->links[i].object, block->thread_id);

    if (ready && native_block_claim(block, WAIT_OBJECT_0))
    {
        for (i = 0; i < block->count; i++)
            block->links[i].object->ops->consume(block->links[i].object, block->thread_id);
    }
    else if (may_block)
    {
        for (i = 0; i < block->count; i++) native_link_queue(&block->links[i]);
        block->queued = block->count;
    }

    for (i = 0; i < block->count; i++) lock_release(&block->links[i].object->lock);
    lock_release(&wait_all_lock);
}

static void wait_sleep(struct wait_block *block, LONGLONG deadline)
{
    thread_blocking_begin();
    while (atomic_load(&block->status) == WAIT_PENDING)
    {
        if (futex_wait(&block->status, WAIT_PENDING, deadline) == STATUS_TIMEOUT)
            native_block_claim(block, WAIT_TIMEOUT);  /* fails if satisfied just now */
    }
    thread_blocking_end();
}

/* Removes the links that are still queued.  Taking every lock also waits
 * out a satisfying thread that is still notifying the block. */
static void wait_end(struct wait_block *block)
{
    DWORD i;

    for (i = 0; i < block->queued; i++)
    {
        struct native_object *obj = block->links[i].object;

        lock_acquire(&obj->lock);
        native_link_dequeue(&block->links[i]);
        lock_release(&obj->lock);
    }
}

static DWORD wait_for_objects(struct native_object **objects, DWORD count, BOOL wait_all, DWORD timeout)
{
    LONGLONG deadline = timeout ? clock_deadline_from_ms(timeout) : 0;
    struct wait_link links[MAXIMUM_WAIT_OBJECTS];
    struct wait_block block;
    DWORD i;

    block.notify = thread_waiter_notify;
    block.notify_unlocked = FALSE;
    atomic_init(&block.status, WAIT_PENDING);
    block.thread_id = GetCurrentThreadId();
    block.wait_all = wait_all;
    block.count = count;
    block.queued = 0;
    block.links = links;
    for (i = 0; i < count; i++)
    {
        list_init(&block.links[i].entry);
        block.links[i].object = objects[i];
        block.links[i].block = &block;
        block.links[i].index = i;
    }

    if (wait_all) wait_all_begin(&block, timeout != 0);
    else wait_any_begin(&block, timeout != 0);

    if (atomic_load(&block.status) == WAIT_PENDING)
    {
        if (timeout) wait_sleep(&block, deadline);
        else native_block_claim(&block, WAIT_TIMEOUT);
    }
    wait_end(&block);
    return (DWORD)atomic_load(&block.status);
}

/* Counts the mutexes a satisfied wait acquired, for the checked mode. */
static void count_acquired_mutexes(struct native_object **objects, DWORD count, BOOL wait_all, DWORD result)
{
    DWORD i;

    for (i = 0; result < count && i < count; i++)
        if ((wait_all || i == result) && objects[i]->ops == &native_mutex_ops)
            thread_state_current()->mutexes++;
}

static BOOL objects_have_duplicates(struct native_object **objects, DWORD count)
{
    DWORD i, j;

    for (i = 0; i < count; i++)
        for (j = i + 1; j < count; j++)
            if (objects[i] == objects[j]) return TRUE;
    return FALSE;
}

DWORD WINAPI WaitForMultipleObjectsEx(DWORD count, const HANDLE *handles, BOOL wait_all,
                                      DWORD timeout, BOOL alertable)
{
    struct native_object *objects[MAXIMUM_WAIT_OBJECTS];
    DWORD i, result;

    (void)alertable;  /* no APCs natively */
    if (!count || count > MAXIMUM_WAIT_OBJECTS)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return WAIT_FAILED;
    }
    for (i = 0; i < count; i++)
    {
        if (!(objects[i] = native_object_from_handle(handles[i], NULL)))
        {
            release_objects(objects, i);
            return WAIT_FAILED;
        }
    }

    if (wait_all && objects_have_duplicates(objects, count))
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        result = WAIT_FAILED;
    }
    else result = wait_for_objects(objects, count, wait_all, timeout);
    count_acquired_mutexes(objects, count, wait_all, result);

    release_objects(objects, count);
    return result;
}

DWORD WINAPI WaitForMultipleObjects(DWORD count, const HANDLE *handles, BOOL wait_all, DWORD timeout)
{
    return WaitForMultipleObjectsEx(count, handles, wait_all, timeout, FALSE);
}

DWORD WINAPI WaitForSingleObjectEx(HANDLE handle, DWORD timeout, BOOL alertable)
{
    return WaitForMultipleObjectsEx(1, &handle, FALSE, timeout, alertable);
}

DWORD WINAPI WaitForSingleObject(HANDLE handle, DWORD timeout)
{
    return WaitForMultipleObjectsEx(1, &handle, FALSE, timeout, FALSE);
}
