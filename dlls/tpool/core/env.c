/* Layer 2: reading callback environments (TP_CALLBACK_ENVIRON V1 and V3). */

#include "pool.h"

NTSTATUS env_read(const TP_CALLBACK_ENVIRON *environment, struct tp_env *env)
{
    struct tp_pool *pool = NULL;
    struct tp_group *group = NULL;
    NTSTATUS status;

    env->group_cancel = NULL;
    env->race_dll = NULL;
    env->persistent = FALSE;
    env->finalization = NULL;
    env->priority = TP_CALLBACK_PRIORITY_NORMAL;
    env->long_function = FALSE;

    if (environment)
    {
        /* Windows 7 and later reject versions other than 1 and 3;
         * CallbackPriority and Size only exist from version 3. */
        if (environment->Version != 1 && environment->Version != 3)
            return STATUS_INVALID_PARAMETER;
        if (environment->Version == 3)
        {
            if ((unsigned int)environment->CallbackPriority > TP_CALLBACK_PRIORITY_LOW)
                return STATUS_INVALID_PARAMETER;
            env->priority = environment->CallbackPriority;
        }
        env->finalization = environment->FinalizationCallback;
        env->long_function = environment->u.s.LongFunction;
        env->persistent = environment->u.s.Persistent;
        pool = (struct tp_pool *)environment->Pool;
        group = (struct tp_group *)environment->CleanupGroup;
        if (group && group->tag != TP_TAG_GROUP)
            return STATUS_INVALID_PARAMETER;
        env->group_cancel = environment->CleanupGroupCancelCallback;
        env->race_dll = environment->RaceDll;
    }

    if (pool)
    {
        if (pool->tag != TP_TAG_POOL)
            return STATUS_INVALID_PARAMETER;
        pool_addref(pool);
    }
    else if ((status = pool_default(&pool)))
        return status;

    if (env->race_dll && (status = library_addref(env->race_dll)))
    {
        pool_release(pool);
        return status;
    }
    if (group)
        group_addref(group);
    env->pool = pool;
    env->group = group;
    return STATUS_SUCCESS;
}

void env_release(struct tp_env *env)
{
    if (env->race_dll)
        action_free_library(env->race_dll);
    if (env->group)
        group_release(env->group);
    pool_release(env->pool);
}
