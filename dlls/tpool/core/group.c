/*
 * Layer 2: cleanup groups.
 *
 * Releasing the members takes them all off the group at once, stops their
 * future callbacks, optionally drops their pending ones, then waits for
 * each until nothing of it runs any more, associated or not.  Only then is
 * it decided whether the application had released the object itself: one
 * released from its own callback during the release gets no cancel
 * callback, and neither does a simple callback that ran.
 */

#include "core.h"
#include "report.h"

NTSTATUS group_create(struct tp_group **out)
{
    struct tp_group *group;

    if (!(group = mem_alloc(sizeof(*group))))
        return STATUS_NO_MEMORY;
    group->tag = TP_TAG_GROUP;
    atomic_init(&group->refs, 1);
    lock_init(&group->lock, LOCK_GROUP);
    list_init(&group->members);
    *out = group;
    return STATUS_SUCCESS;
}

void group_addref(struct tp_group *group)
{
    atomic_fetch_add(&group->refs, 1);
}

void group_release(struct tp_group *group)
{
    if (atomic_fetch_sub(&group->refs, 1) != 1)
        return;
    group->tag = TP_TAG_FREED;
    mem_free(group);
}

void group_add(struct tp_group *group, struct tp_object *object)
{
    lock_acquire(&group->lock);
    list_add_tail(&group->members, &object->group_entry);
    object->group_member = TRUE;
    lock_release(&group->lock);
}

void group_remove(struct tp_group *group, struct tp_object *object)
{
    lock_acquire(&group->lock);
    if (object->group_member)
    {
        list_remove(&object->group_entry);
        object->group_member = FALSE;
    }
    lock_release(&group->lock);
}

/* Moves the members that are not being freed to `members`, referenced. */
static void group_take_members(struct tp_group *group, struct list *members)
{
    struct list *entry, *next;
    struct tp_object *object;

    lock_acquire(&group->lock);
    for (entry = group->members.next; entry != &group->members; entry = next)
    {
        next = entry->next;
        object = LIST_ENTRY(entry, struct tp_object, group_entry);
        list_remove(entry);
        object->group_member = FALSE;
        if (object_try_addref(object))
            list_add_tail(members, entry);
    }
    lock_release(&group->lock);
}

static void group_finish_member(struct tp_object *object, BOOL cancel_pending, void *context)
{
    object_wait_all(object);
    if (object_take_app_reference(object))
    {
        if (cancel_pending && object->env.group_cancel)
        {
            void *outer = trace_on ? trace_app_code_begin() : NULL;

            object->env.group_cancel(object->context, context);
            if (trace_on)
                trace_app_code_end(outer);
        }
        /* a simple callback's own reference is its pending callback's */
        if (!object->ops->one_shot)
            object_release(object);
    }
    object_release(object);
}

void group_release_members(struct tp_group *group, BOOL cancel_pending, void *context)
{
    struct list members = LIST_INIT(members), *entry, *next;

    group_take_members(group, &members);
    for (entry = members.next; entry != &members; entry = entry->next)
        object_shutdown(LIST_ENTRY(entry, struct tp_object, group_entry));
    if (cancel_pending)
        for (entry = members.next; entry != &members; entry = entry->next)
            object_cancel_pending(LIST_ENTRY(entry, struct tp_object, group_entry));
    for (entry = members.next; entry != &members; entry = next)
    {
        next = entry->next;
        group_finish_member(LIST_ENTRY(entry, struct tp_object, group_entry), cancel_pending,
                            context);
    }
}
