/*
 * Keyed events over address waits.
 *
 * A waiter or releaser that finds no partner queues an entry on its own
 * stack in the bucket of its key and sleeps on the entry's state word.  The
 * partner that arrives later unlinks the entry under the bucket lock, and
 * only after dropping the lock marks it matched and wakes its owner.  An
 * owner whose deadline passes takes the bucket lock: if its entry is still
 * queued it unlinks it and times out, otherwise a partner has already
 * claimed it and it waits (briefly) for the mark, since the partner still
 * writes to the entry.
 */

#include "sys.h"

#include <stdint.h>

#define KEYED_EVENT_BUCKET_BITS 6
#define KEYED_EVENT_BUCKETS     (1 << KEYED_EVENT_BUCKET_BITS)

enum keyed_entry_kind
{
    KEYED_ENTRY_WAIT,
    KEYED_ENTRY_RELEASE,
};

struct keyed_entry
{
    struct keyed_entry *next;
    struct keyed_entry *prev;
    const void *key;
    enum keyed_entry_kind kind;
    int queued;                 /* under the bucket lock */
    atomic_int matched;         /* set by the partner once it is done with the entry */
};

/* FIFO of entries. */
struct keyed_bucket
{
    struct lock lock;
    struct keyed_entry *head;
    struct keyed_entry *tail;
};

struct keyed_event
{
    struct keyed_bucket buckets[KEYED_EVENT_BUCKETS];
};

static struct keyed_event default_keyed_event =
{
    .buckets = { [0 ... KEYED_EVENT_BUCKETS - 1] = { .lock = LOCK_INIT(LOCK_KEYED_EVENT) } },
};

struct keyed_event *keyed_event_default(void)
{
    return &default_keyed_event;
}

static struct keyed_bucket *bucket_for(struct keyed_event *event, const void *key)
{
    uintptr_t value = (uintptr_t)key;
    uint32_t hash;

    value ^= value >> 16 >> 16;
    hash = (uint32_t)(value >> 2) * 2654435761u;
    return &event->buckets[hash >> (32 - KEYED_EVENT_BUCKET_BITS)];
}

static void bucket_append(struct keyed_bucket *bucket, struct keyed_entry *entry)
{
    entry->next = NULL;
    entry->prev = bucket->tail;
    if (bucket->tail) bucket->tail->next = entry;
    else bucket->head = entry;
    bucket->tail = entry;
    entry->queued = 1;
}

static void bucket_unlink(struct keyed_bucket *bucket, struct keyed_entry *entry)
{
    if (entry->prev) entry->prev->next = entry->next;
    else bucket->head = entry->next;
    if (entry->next) entry->next->prev = entry->prev;
    else bucket->tail = entry->prev;
    entry->queued = 0;
}

static struct keyed_entry *bucket_find_partner(struct keyed_bucket *bucket, const void *key,
                                               enum keyed_entry_kind kind)
{
    struct keyed_entry *entry;

    for (entry = bucket->head; entry; entry = entry->next)
        if (entry->key == key && entry->kind != kind) return entry;
    return NULL;
}

static int deadline_passed(LONGLONG deadline)
{
    return deadline != TIMEOUT_INFINITE && clock_monotonic() >= deadline;
}

static NTSTATUS wait_for_partner(struct keyed_bucket *bucket, struct keyed_entry *entry,
                                 LONGLONG deadline)
{
    while (!atomic_load_explicit(&entry->matched, memory_order_acquire))
    {
        if (futex_wait(&entry->matched, 0, deadline) != STATUS_TIMEOUT) continue;

        lock_acquire(&bucket->lock);
        if (entry->queued)
        {
            bucket_unlink(bucket, entry);
            lock_release(&bucket->lock);
            return STATUS_TIMEOUT;
        }
        lock_release(&bucket->lock);
        deadline = TIMEOUT_INFINITE;  /* matched at the last moment: the mark is coming */
    }
    return STATUS_SUCCESS;
}

static NTSTATUS rendezvous(struct keyed_event *event, const void *key,
                           enum keyed_entry_kind kind, LONGLONG deadline)
{
    struct keyed_bucket *bucket = bucket_for(event, key);
    struct keyed_entry entry, *partner;

    lock_acquire(&bucket->lock);
    if ((partner = bucket_find_partner(bucket, key, kind)))
    {
        bucket_unlink(bucket, partner);
        lock_release(&bucket->lock);
        atomic_store_explicit(&partner->matched, 1, memory_order_release);
        futex_wake_one(&partner->matched);
        return STATUS_SUCCESS;
    }
    if (deadline_passed(deadline))
    {
        lock_release(&bucket->lock);
        return STATUS_TIMEOUT;
    }
    entry.key = key;
    entry.kind = kind;
    atomic_init(&entry.matched, 0);
    bucket_append(bucket, &entry);
    lock_release(&bucket->lock);

    return wait_for_partner(bucket, &entry, deadline);
}

NTSTATUS keyed_event_wait(struct keyed_event *event, const void *key, LONGLONG deadline)
{
    return rendezvous(event, key, KEYED_ENTRY_WAIT, deadline);
}

NTSTATUS keyed_event_release(struct keyed_event *event, const void *key, LONGLONG deadline)
{
    return rendezvous(event, key, KEYED_ENTRY_RELEASE, deadline);
}
