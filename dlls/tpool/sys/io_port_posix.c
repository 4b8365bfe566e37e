/*
 * I/O completion natively: no thread and no kernel port.  A table maps each
 * bound handle to its port and key; whoever completes an operation calls
 * io_complete(), which finds the binding and calls notify on its own thread.
 *
 * A binding ends with io_port_unbind() (its owner expects no more
 * completions) or with its port; one made until closed also ends when
 * CloseHandle reports the handle's closing.
 */

#include "sys.h"
#include "io_port.h"

#include <stdint.h>

#define BINDING_BUCKETS_LOG2 10
#define BINDING_BUCKETS      (1u << BINDING_BUCKETS_LOG2)

struct io_port
{
    io_port_notify notify;
    struct list bindings;        /* struct binding, guarded by bindings_lock */
};

struct binding
{
    struct binding *next;        /* in the bucket */
    struct list port_entry;
    HANDLE handle;
    struct io_port *port;
    void *key;
    BOOL until_closed;
};

static struct lock bindings_lock = LOCK_INIT(LOCK_IO_BINDINGS);
static struct binding *buckets[BINDING_BUCKETS];
static atomic_int bindings_until_closed;   /* so that CloseHandle rarely locks */

static struct binding **bucket_of(HANDLE handle)
{
    uint64_t hash = (uint64_t)(ULONG_PTR)handle * 0x9e3779b97f4a7c15ull;
    return &buckets[hash >> (64 - BINDING_BUCKETS_LOG2)];
}

/* Under bindings_lock: the link that points to the handle's binding, or to
 * the end of its bucket. */
static struct binding **binding_find(HANDLE handle)
{
    struct binding **link = bucket_of(handle);

    while (*link && (*link)->handle != handle)
        link = &(*link)->next;
    return link;
}

/* Under bindings_lock. */
static void binding_remove(struct binding **link)
{
    struct binding *binding = *link;

    *link = binding->next;
    list_remove(&binding->port_entry);
    if (binding->until_closed)
        atomic_fetch_sub(&bindings_until_closed, 1);
    mem_free(binding);
}

NTSTATUS io_port_create(struct io_port **out, io_port_notify notify)
{
    struct io_port *port;

    if (!(port = mem_alloc(sizeof(*port))))
        return STATUS_NO_MEMORY;
    port->notify = notify;
    list_init(&port->bindings);
    *out = port;
    return STATUS_SUCCESS;
}

static NTSTATUS binding_add(struct io_port *port, HANDLE handle, void *key, BOOL until_closed)
{
    struct binding *binding, **link;
    NTSTATUS status = STATUS_SUCCESS;

    if (!handle || handle == INVALID_HANDLE_VALUE)
        return STATUS_INVALID_HANDLE;
    if (!(binding = mem_alloc(sizeof(*binding))))
        return STATUS_NO_MEMORY;
    binding->handle = handle;
    binding->port = port;
    binding->key = key;
    binding->until_closed = until_closed;

    lock_acquire(&bindings_lock);
    if (*(link = binding_find(handle)))
        status = STATUS_INVALID_PARAMETER;
    else
    {
        *link = binding;
        list_add_tail(&port->bindings, &binding->port_entry);
        if (until_closed)
            atomic_fetch_add(&bindings_until_closed, 1);
    }
    lock_release(&bindings_lock);
    if (status)
        mem_free(binding);
    return status;
}

NTSTATUS io_port_bind(struct io_port *port, HANDLE handle, void *key)
{
    return binding_add(port, handle, key, FALSE);
}

NTSTATUS io_port_bind_until_closed(struct io_port *port, HANDLE handle, void *key)
{
    return binding_add(port, handle, key, TRUE);
}

void io_port_handle_closed(HANDLE handle)
{
    struct binding **link;

    if (!atomic_load(&bindings_until_closed))
        return;
    lock_acquire(&bindings_lock);
    if (*(link = binding_find(handle)) && (*link)->until_closed)
        binding_remove(link);
    lock_release(&bindings_lock);
}

void io_port_unbind(struct io_port *port, HANDLE handle, void *key)
{
    struct binding **link;

    lock_acquire(&bindings_lock);
    if (*(link = binding_find(handle)) && (*link)->port == port && (*link)->key == key)
        binding_remove(link);
    lock_release(&bindings_lock);
}

void io_port_free(struct io_port *port)
{
    struct binding *binding;
    struct list *entry;

    lock_acquire(&bindings_lock);
    while ((entry = list_head(&port->bindings)))
    {
        binding = LIST_ENTRY(entry, struct binding, port_entry);
        binding_remove(binding_find(binding->handle));
    }
    lock_release(&bindings_lock);
    mem_free(port);
}

NTSTATUS io_complete(HANDLE handle, OVERLAPPED *overlapped, NTSTATUS status, ULONG_PTR information)
{
    io_port_notify notify = NULL;
    struct binding *binding;
    void *key = NULL;

    lock_acquire(&bindings_lock);
    if ((binding = *binding_find(handle)))
    {
        notify = binding->port->notify;
        key = binding->key;
    }
    lock_release(&bindings_lock);
    if (!notify)
        return STATUS_INVALID_HANDLE;
    notify(key, overlapped, status, information);
    return STATUS_SUCCESS;
}
