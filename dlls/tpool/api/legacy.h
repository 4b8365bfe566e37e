/*
 * Layer 3: what the legacy pool's files share.
 *
 * Every legacy name works on the core's objects in the default pool: a
 * work item is a simple callback, a registered wait a wait object, a
 * timer-queue timer a timer object, and BindIoCompletionCallback an I/O
 * object.  The WT_ flags become environment flags (persistent worker,
 * long function) or small core hooks; see docs/legacy.md.
 */

#ifndef TPOOL_LEGACY_H
#define TPOOL_LEGACY_H

#include "api.h"
#include "tpoolnt.h"

#define LEGACY_TAG_WAIT  0x74695777  /* 'wWit' */
#define LEGACY_TAG_TIMER 0x726d5477  /* 'wTmr' */
#define LEGACY_TAG_QUEUE 0x75515477  /* 'wTQu' */

/* Flags that put callbacks on the pool's persistent worker, one thread that
 * waits alertably when idle (WT_EXECUTEINIOTHREAD only for waits and timers:
 * work items have had no I/O threads since Vista). */
#define LEGACY_PERSISTENT_FLAGS (WT_EXECUTEINPERSISTENTTHREAD | WT_EXECUTEINPERSISTENTIOTHREAD)

/* The environment of a callback in the default pool with these WT_ flags,
 * of which the ones in persistent_flags mean the persistent worker. */
void legacy_environment(TP_CALLBACK_ENVIRON *environment, ULONG flags, ULONG persistent_flags);

/* What a registered wait and a timer-queue timer share: the core object
 * whose context this is, and the completion-event convention. */
struct legacy_object
{
    ULONG tag;
    struct tp_object *object;
    atomic_int deleted;          /* the application deleted it (legacy_object_stop) */
    RTL_WAITORTIMERCALLBACKFUNC callback;
    void *context;
    ULONG flags;
    HANDLE token;                /* WT_TRANSFER_IMPERSONATION */
    HANDLE completion_event;     /* set once the core object is freed */
    atomic_int *freed;           /* a blocking delete waits on it */
};

/* The application deletes the object: from now on the core object queues
 * no callback, and re-arming it does nothing (its callbacks re-arm it with
 * no lock held: arming may start a worker).  FALSE if it was deleted
 * already. */
BOOL legacy_object_stop(struct legacy_object *legacy);

/* Captures the impersonation token if the flags ask for it.  On failure
 * nothing is left to free. */
NTSTATUS legacy_object_init(struct legacy_object *legacy, ULONG tag, RTL_WAITORTIMERCALLBACKFUNC callback,
                            void *context, ULONG flags);
/* Frees one whose core object could not be created. */
void legacy_object_abandon(struct legacy_object *legacy);
void legacy_object_run(struct legacy_object *legacy, BOOLEAN timer_or_wait_fired);
/* Once disarmed for good: deletes the core object by the completion-event
 * convention.  The caller's own callback of the object counts as
 * outstanding only if count_self. */
NTSTATUS legacy_object_delete(struct legacy_object *legacy, HANDLE event, BOOL count_self);
/* From the core object's freed hook: sets the completion event, releases a
 * blocking delete and frees the structure (allocated with mem_alloc). */
void legacy_object_finish(struct legacy_object *legacy);

#endif
