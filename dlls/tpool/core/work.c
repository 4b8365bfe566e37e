/* Layer 2: work objects and simple callbacks. */

#include "core.h"

static void work_execute(struct tp_object *object, struct tp_instance *instance)
{
    PTP_WORK_CALLBACK callback = (PTP_WORK_CALLBACK)object->callback;
    callback((PTP_CALLBACK_INSTANCE)instance, object->context, (PTP_WORK)object);
}

static void simple_execute(struct tp_object *object, struct tp_instance *instance)
{
    PTP_SIMPLE_CALLBACK callback = (PTP_SIMPLE_CALLBACK)object->callback;
    callback((PTP_CALLBACK_INSTANCE)instance, object->context);
}

static const struct tp_object_ops work_ops =
{
    .kind = "work",
    .tag = TP_TAG_WORK,
    .execute = work_execute,
};

static const struct tp_object_ops simple_ops =
{
    .kind = "simple",
    .tag = TP_TAG_SIMPLE,
    .pool_cache = TRUE,
    .one_shot = TRUE,
    .execute = simple_execute,
};

NTSTATUS work_create(struct tp_object **work, PTP_WORK_CALLBACK callback, void *context,
                     const TP_CALLBACK_ENVIRON *environment)
{
    return object_create(work, sizeof(**work), &work_ops, (void *)callback, context, environment);
}

/* A simple callback is an object submitted once and released at once: it
 * lives until its callback has run. */
NTSTATUS simple_submit(PTP_SIMPLE_CALLBACK callback, void *context,
                       const TP_CALLBACK_ENVIRON *environment, const void *shown)
{
    struct tp_object *object;
    NTSTATUS status;

    if ((status = object_create(&object, sizeof(*object), &simple_ops,
                                (void *)callback, context, environment)))
        return status;
    object_show_callback(object, shown);
    object_submit(object);
    object_release(object);
    return STATUS_SUCCESS;
}
