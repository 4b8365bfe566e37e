/*
 * The stress test's timers, waits and I/O operations and what the model
 * expects of them (see stress.h and stress_ops.c).
 */

#include "stress.h"

#define LONG_DUE (-36000000000LL)   /* an hour: never fires during a run */

/* ---- Timers and waits ------------------------------------------------ */

/* The previous arming, replaced by a SetThreadpool{Timer,Wait}Ex call that
 * returned `recalled`: TRUE means its callback will not run. */
static void resolve_ex(struct stress_thread *t, struct stress_object *o, BOOL recalled)
{
    switch (o->arming)
    {
    case ARM_NONE:
        if (recalled)
            stress_fail(t->run, "object %u: Ex call recalled an arming that was not set", o->id);
        break;
    case ARM_COND:
        if (!recalled)
            stress_fail(t->run, "object %u: Ex call did not recall an arming that cannot have "
                        "fired", o->id);
        break;
    case ARM_CERTAIN:
        if (recalled)
            o->g--, o->p--;
        break;
    case ARM_MAYBE:
        if (recalled)
            o->p--;
        break;
    }
}

/* The same with the plain function: the previous arming may have fired. */
static void resolve_plain(struct stress_object *o)
{
    if (o->arming == ARM_CERTAIN)
        o->g--;
}

BOOL stress_set_arming(struct stress_thread *t, struct stress_object *o, BOOL ex, BOOL arm)
{
    LONGLONG due = arm && stress_rnd(t, 4) ? -(LONGLONG)stress_rnd(t, 20000) : LONG_DUE;
    BOOL recalled = FALSE, infinite = !stress_rnd(t, 2);
    FILETIME time = stress_filetime(due);

    if (o->kind == KIND_TIMER)
    {
        DWORD window = stress_rnd(t, 3);
        if (ex)
            recalled = SetThreadpoolTimerEx(o->handle, arm ? &time : NULL, 0, window);
        else
            SetThreadpoolTimer(o->handle, arm ? &time : NULL, 0, window);
    }
    else
    {
        /* the previous arming consumed the signal or was replaced */
        if (arm)
            ResetEvent(o->event);
        if (ex)
            recalled = SetThreadpoolWaitEx(o->handle, arm ? o->event : NULL,
                                           infinite ? NULL : &time, NULL);
        else
            SetThreadpoolWait(o->handle, arm ? o->event : NULL, infinite ? NULL : &time);
        if (arm && infinite)
            due = LONG_DUE;
    }
    if (ex)
        resolve_ex(t, o, recalled);
    else
        resolve_plain(o);
    o->arming = ARM_NONE;
    if (arm && due == LONG_DUE)
        o->arming = ARM_COND;
    else if (arm)
    {
        o->arming = ARM_CERTAIN;
        o->g++, o->p++;
        if (o->kind == KIND_WAIT)
            o->max_timeouts++;
    }
    if (o->kind == KIND_TIMER && IsThreadpoolTimerSet(o->handle) != arm)
        stress_fail(t->run, "object %u: IsThreadpoolTimerSet is %d after %s", o->id, !arm,
                    arm ? "setting" : "disarming");
    return recalled;
}

void stress_wait_for_object(struct stress_object *o, BOOL cancel)
{
    switch (o->kind)
    {
    case KIND_WORK: WaitForThreadpoolWorkCallbacks(o->handle, cancel); break;
    case KIND_TIMER: WaitForThreadpoolTimerCallbacks(o->handle, cancel); break;
    case KIND_WAIT: WaitForThreadpoolWaitCallbacks(o->handle, cancel); break;
    default: WaitForThreadpoolIoCallbacks(o->handle, cancel); break;
    }
}

/* WaitFor...(FALSE) while armed: everything before the current arming is
 * resolved; the current one may or may not have fired yet. */
void stress_checkpoint_armed(struct stress_thread *t, struct stress_object *o)
{
    if (!stress_wait_count(t, &o->ran, o->g, o, "checkpoint"))
        return;
    stress_wait_for_object(o, FALSE);
    if (!stress_check_bounds(t, o, o->g, "checkpoint"))
        return;
    if (o->arming == ARM_CERTAIN || o->arming == ARM_MAYBE)
    {
        /* ran == p: the current arming fired too */
        o->arming = counter_now(&o->ran) == o->p ? ARM_NONE : ARM_MAYBE;
        o->g = counter_now(&o->ran);
        o->p = counter_now(&o->ran) + (o->arming == ARM_MAYBE);
    }
    else
        o->g = o->p = counter_now(&o->ran);
}

/* Disarm, then WaitFor...(FALSE): the count is final and exact. */
void stress_settle(struct stress_thread *t, struct stress_object *o)
{
    if (stress_rnd(t, 2) && !stress_wait_count(t, &o->ran, o->g, o, "settle"))
        return;
    stress_set_arming(t, o, stress_rnd(t, 2), FALSE);
    stress_wait_for_object(o, FALSE);
    if (stress_check_bounds(t, o, o->g, "settle"))
        o->g = o->p = counter_now(&o->ran);
}

/* ---- I/O ------------------------------------------------------------- */

void stress_io_start(struct stress_thread *t, struct stress_object *o, BOOL fail)
{
    struct stress_io_op *op = stress_thread_alloc(t, sizeof(*op));

    StartThreadpoolIo(o->handle);
    if (fail)
    {
        if (!stress_target_fail_now(o, op))
            stress_fail(t->run, "object %u: the failing operation did not fail", o->id);
        CancelThreadpoolIo(o->handle);
        /* a given-up completion may have come in between, taken for it */
        if (o->io_skipping)
            o->p++;
        return;
    }
    if (!stress_target_begin(o, op))
        stress_fail(t->run, "object %u: starting a read failed: %u", o->id,
                    (unsigned int)GetLastError());
    if ((op->early = o->io_skipping))
        o->p++;
    o->started[o->num_started++] = op;
}

void stress_io_complete(struct stress_thread *t, struct stress_object *o)
{
    struct stress_io_op *op = o->started[0];

    memmove(o->started, o->started + 1, --o->num_started * sizeof(o->started[0]));
    if (!stress_target_finish(o, op))
        stress_fail(t->run, "object %u: completing a read failed: %u", o->id,
                    (unsigned int)GetLastError());
    /* a read a cancelling wait gave up gets no callback of its own */
    if (op->skipped)
        return;
    o->g++;
    if (!op->early)
        o->p++;
}

void stress_io_complete_all(struct stress_thread *t, struct stress_object *o)
{
    while (o->num_started)
        stress_io_complete(t, o);
}
