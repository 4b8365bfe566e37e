/* Layer 1, POSIX backend: wait packets (sys.h) over the native waitable
 * objects.  The thread that satisfies a packet notifies it, once it has
 * released the object's lock. */

#include "native_object.h"
#include "wait_packet.h"

/* The thread id a packet waits as: a mutex a packet acquires is owned by
 * no thread of the process, and further packets acquire it recursively, as
 * with a Windows wait thread. */
#define WAIT_PACKET_OWNER 0xffffffff
/* The status of a packet that was never armed or was cancelled: neither
 * WAIT_PENDING nor a wait result. */
#define WAIT_PACKET_IDLE  (-2)

struct wait_packet
{
    struct wait_block block;        /* a block of one link, never wait-all */
    struct wait_link link;          /* holds a reference on its object while armed */
    wait_packet_notify notify;
    void *context;
};

/* Runs in the thread that satisfied the packet, without a lock; that thread
 * holds a reference of its own, so the packet's is never the last. */
static void wait_packet_block_notify(struct wait_block *block)
{
    struct wait_packet *packet = LIST_ENTRY(block, struct wait_packet, block);

    native_object_release(packet->link.object);
    packet->notify(packet, packet->context, STATUS_WAIT_0);
}

NTSTATUS wait_packet_create(struct wait_packet **ret, wait_packet_notify notify, void *context)
{
    struct wait_packet *packet = mem_alloc(sizeof(*packet));

    if (!packet) return STATUS_NO_MEMORY;
    packet->block.notify = wait_packet_block_notify;
    packet->block.notify_unlocked = TRUE;
    atomic_init(&packet->block.status, WAIT_PACKET_IDLE);
    packet->block.thread_id = WAIT_PACKET_OWNER;
    packet->block.wait_all = FALSE;
    packet->block.count = 1;
    packet->block.queued = 0;
    packet->block.links = &packet->link;
    list_init(&packet->link.entry);
    packet->link.object = NULL;
    packet->link.block = &packet->block;
    packet->link.index = 0;
    packet->notify = notify;
    packet->context = context;
    *ret = packet;
    return STATUS_SUCCESS;
}

NTSTATUS wait_packet_associate(struct wait_packet *packet, HANDLE handle, BOOLEAN *already_signaled)
{
    DWORD error = GetLastError();
    struct native_object *obj = native_object_from_handle(handle, NULL);
    BOOL satisfied;

    if (already_signaled) *already_signaled = FALSE;
    if (!obj)
    {
        SetLastError(error);
        return STATUS_INVALID_HANDLE;
    }
    packet->link.object = obj;  /* the reference taken above is the packet's */

    lock_acquire(&obj->lock);
    if ((satisfied = obj->ops->signaled(obj, WAIT_PACKET_OWNER)))
    {
        obj->ops->consume(obj, WAIT_PACKET_OWNER);
        atomic_store(&packet->block.status, WAIT_OBJECT_0);
    }
    else
    {
        atomic_store(&packet->block.status, WAIT_PENDING);
        native_link_queue(&packet->link);
    }
    lock_release(&obj->lock);

    if (satisfied)
    {
        native_object_release(obj);
        if (already_signaled)
            *already_signaled = TRUE;
        else
            packet->notify(packet, packet->context, STATUS_WAIT_0);
    }
    return STATUS_SUCCESS;
}

BOOL wait_packet_cancel(struct wait_packet *packet)
{
    struct native_object *obj = packet->link.object;
    BOOL cancelled;

    if (atomic_load(&packet->block.status) != WAIT_PENDING) return FALSE;

    /* A signal may satisfy the packet and drop its reference before the
     * lock is taken.  Object memory stays an object even then, and the
     * claim fails because the status is no longer pending. */
    lock_acquire(&obj->lock);
    if ((cancelled = native_block_claim(&packet->block, WAIT_PACKET_IDLE))) native_link_dequeue(&packet->link);
    lock_release(&obj->lock);

    if (cancelled) native_object_release(obj);
    return cancelled;
}

void wait_packet_free(struct wait_packet *packet)
{
    mem_free(packet);
}

/* The signalling thread notifies: no thread waits for packets. */
unsigned int wait_packet_threads(void)
{
    return 0;
}

NTSTATUS wait_handle_now(HANDLE handle)
{
    DWORD error = GetLastError();

    switch (WaitForSingleObject(handle, 0))
    {
    case WAIT_OBJECT_0:
        return STATUS_WAIT_0;
    case WAIT_TIMEOUT:
        return STATUS_TIMEOUT;
    default:
        SetLastError(error);
        return STATUS_INVALID_HANDLE;
    }
}
