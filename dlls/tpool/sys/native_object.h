/* Layer 1, POSIX backend: what the native waitable objects' dispatcher
 * (native_object.c) shares with their types (native_sync.c) and their wait
 * packets (wait_packet_posix.c).  Private to the three. */

#ifndef TPOOL_NATIVE_OBJECT_H
#define TPOOL_NATIVE_OBJECT_H

#include "sys.h"

#define OBJECT_MAGIC 0x4a424f54  /* "TOBJ" */
#define WAIT_PENDING (-1)

struct native_object;

/* What makes one type of object waitable. */
struct native_object_ops
{
    /* Whether a wait by thread `tid` would be satisfied now. */
    BOOL (*signaled)(const struct native_object *obj, DWORD tid);
    /* Takes the signal for a satisfied wait by thread `tid`. */
    void (*consume)(struct native_object *obj, DWORD tid);
};

struct native_object
{
    DWORD magic;                    /* OBJECT_MAGIC from allocation on */
    atomic_int refs;                /* the handle's plus one per user; 0 while free */
    atomic_int closed;              /* the handle was closed */
    const struct native_object_ops *ops;   /* the type */
    struct native_object *next_free;
    struct lock lock;               /* guards the fields below */
    struct list waiters;            /* struct wait_link, oldest first */
    unsigned int wait_all_links;    /* links of wait-all blocks in waiters */
    union
    {
        struct
        {
            BOOL manual_reset;
            BOOL signaled;
        } event;
        struct
        {
            LONG count;
            LONG max;
        } semaphore;
        struct
        {
            DWORD owner;            /* thread id, 0 when free */
            DWORD recursion;
        } mutex;
    } u;
};

struct wait_block;

/* The presence of one wait block in the waiter list of one object. */
struct wait_link
{
    struct list entry;              /* points to itself while not queued */
    struct native_object *object;
    struct wait_block *block;
    DWORD index;
};

struct wait_block
{
    /* Tells the waiter that status is final: the kind of waiter.  A
     * blocked thread is woken under the object lock (its block is on its
     * stack, and the lock keeps it there); a wait packet's notify calls up
     * into the core, so it runs once the signalling thread released every
     * object lock (notify_unlocked, linked through next_notify meanwhile). */
    void (*notify)(struct wait_block *block);
    BOOL notify_unlocked;
    struct wait_block *next_notify;
    atomic_int status;              /* WAIT_PENDING, then the result */
    DWORD thread_id;                /* whose wait: mutexes record it as owner */
    BOOL wait_all;
    DWORD count;
    DWORD queued;                   /* links [0, queued) may be in waiter lists */
    struct wait_link *links;        /* count of them */
};

extern const struct native_object_ops native_mutex_ops;

/* A signal in progress: the object locks it holds, and the wait packets it
 * satisfied, notified once the locks are released, in the order they were
 * satisfied. */
struct native_signal
{
    BOOL wait_all_locked;
    struct wait_block *notify_first;
    struct wait_block **notify_last;
};

/* An object for a new handle, with its type: from the free list, or new
 * (NULL with ERROR_NOT_ENOUGH_MEMORY). */
struct native_object *native_object_alloc(const struct native_object_ops *ops);
/* Makes an initialized object reachable through its handle. */
HANDLE native_object_publish(struct native_object *obj);
/* A signal: locks an object about to be signalled (with wait_all_lock too
 * when wait-all waiters may need further object locks), hands its signal
 * to its waiters, oldest first, for as long as it lasts, and unlocks,
 * notifying the wait packets satisfied. */
void native_object_lock_for_signal(struct native_object *obj, struct native_signal *signal);
void native_object_satisfy_waiters(struct native_object *obj, struct native_signal *signal);
void native_object_unlock_after_signal(struct native_object *obj, struct native_signal *signal);
/* Drops a reference; the last one puts the object on the free list. */
void native_object_release(struct native_object *obj);
/* The object a handle names (of type `ops`, or any type if NULL), with a
 * reference for the caller; NULL with ERROR_INVALID_HANDLE if none. */
struct native_object *native_object_from_handle(HANDLE handle, const struct native_object_ops *ops);
/* Under the object lock: claims a pending block with `result`; FALSE if
 * another satisfied or cancelled it first. */
BOOL native_block_claim(struct wait_block *block, DWORD result);
/* Under the object lock: puts the link at the end of its object's waiters,
 * or takes it off. */
void native_link_queue(struct wait_link *link);
void native_link_dequeue(struct wait_link *link);

#endif
