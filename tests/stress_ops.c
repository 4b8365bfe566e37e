/*
 * The stress test's operations and the model they check (see stress.h).
 *
 * No assertion depends on timing: a callback that must run is waited for
 * (the wait's timeout only turns a lost callback into a failure), and the
 * exact checks are made once WaitFor...Callbacks(FALSE) made the object
 * quiescent.  What the API leaves open (a timer set again with the plain
 * function may or may not have fired) only widens [g, p].
 */

#include "stress.h"

enum stress_op
{
    OP_CREATE, OP_SUBMIT, OP_SUBMIT_SYNC, OP_SET, OP_SET_EX, OP_DISARM, OP_DISARM_EX,
    OP_SIGNAL, OP_START, OP_START_FAIL, OP_COMPLETE, OP_CHECKPOINT, OP_SETTLE,
    OP_WAIT_CANCEL, OP_CLOSE, OP_CLOSE_NOWAIT, OP_SIMPLE, OP_RELEASE, OP_RELEASE_CANCEL,
    OP_COUNT
};

static const char *const op_names[OP_COUNT] =
{
    "create", "submit", "submit+sync", "set", "set-ex", "disarm", "disarm-ex",
    "signal", "start-io", "start-io+fail", "complete-io", "checkpoint", "settle",
    "wait-cancel", "close", "close-nowait", "simple", "release", "release-cancel",
};

const char *stress_op_name(unsigned int op)
{
    return op < OP_COUNT ? op_names[op] : "?";
}

/* ---- Helpers --------------------------------------------------------- */

unsigned int stress_rnd(struct stress_thread *t, unsigned int n)
{
    t->rng ^= t->rng >> 12;
    t->rng ^= t->rng << 25;
    t->rng ^= t->rng >> 27;
    return (unsigned int)((t->rng * 0x2545f4914f6cdd1dULL) >> 33) % n;
}

void *stress_thread_alloc(struct stress_thread *t, size_t size)
{
    void *memory = calloc(1, size);

    if (t->num_allocations == t->max_allocations)
    {
        t->max_allocations = t->max_allocations ? 2 * t->max_allocations : 256;
        t->allocations = realloc(t->allocations, t->max_allocations * sizeof(void *));
    }
    if (!memory || !t->allocations)
    {
        stress_fail(t->run, "out of memory");
        exit(1);
    }
    t->allocations[t->num_allocations++] = memory;
    return memory;
}

static void thread_log(struct stress_thread *t, unsigned int op, int slot,
                       struct stress_object *o, int result)
{
    struct stress_log_entry *entry = &t->log[t->log_count++ % STRESS_LOG_SIZE];

    entry->step = t->step;
    entry->op = op;
    entry->slot = slot;
    entry->kind = o ? o->kind : KIND_SIMPLE;
    entry->result = result;
    entry->object = o ? o->id : 0;
    entry->ran = o ? counter_now(&o->ran) : 0;
    entry->g = o ? o->g : 0;
    entry->p = o ? o->p : 0;
}

FILETIME stress_filetime(LONGLONG value)
{
    ULARGE_INTEGER large;
    FILETIME time;

    large.QuadPart = (ULONGLONG)value;
    time.dwLowDateTime = large.LowPart;
    time.dwHighDateTime = large.HighPart;
    return time;
}

/* Waits until *value reaches target; FALSE (and the run fails) if it does
 * not within TEST_TIMEOUT of the last callback of the thread's objects. */
BOOL stress_wait_count(struct stress_thread *t, volatile LONG *value, LONG target,
                       struct stress_object *o, const char *what)
{
    BOOL ok = TRUE;

    InterlockedExchange(&t->waiting, 1);
    while (InterlockedCompareExchange(value, 0, 0) < target)
    {
        if (WaitForSingleObject(t->progress, TEST_TIMEOUT) != WAIT_OBJECT_0)
        {
            stress_fail(t->run, "object %u: %s: %d of %d callbacks ran", o ? o->id : 0, what,
                        (int)*value, (int)target);
            ok = FALSE;
            break;
        }
    }
    InterlockedExchange(&t->waiting, 0);
    return ok;
}

/* g <= ran <= p, with ran read now. */
BOOL stress_check_bounds(struct stress_thread *t, struct stress_object *o, LONG low,
                         const char *what)
{
    LONG ran = counter_now(&o->ran);

    if (ran < low || ran > o->p)
    {
        stress_fail(t->run, "object %u (%s): %d callbacks ran, expected %d..%d", o->id,
                    what, (int)ran, (int)low, (int)o->p);
        return FALSE;
    }
    if (counter_now(&o->timeouts) > o->max_timeouts)
    {
        stress_fail(t->run, "object %u: %d timeouts for %d armings with a timeout", o->id,
                    (int)counter_now(&o->timeouts), (int)o->max_timeouts);
        return FALSE;
    }
    return TRUE;
}

/* ---- Creation ------------------------------------------------------- */

static void environment(struct stress_thread *t, TP_CALLBACK_ENVIRON *env, BOOL in_group)
{
    static const TP_CALLBACK_PRIORITY priorities[] =
    {
        TP_CALLBACK_PRIORITY_HIGH, TP_CALLBACK_PRIORITY_NORMAL, TP_CALLBACK_PRIORITY_LOW
    };

    InitializeThreadpoolEnvironment(env);
    if (stress_rnd(t, 4))
        SetThreadpoolCallbackPool(env, t->run->pool);
    if (in_group)
        SetThreadpoolCallbackCleanupGroup(env, t->group, stress_cancel_callback);
    SetThreadpoolCallbackPriority(env, priorities[stress_rnd(t, 3)]);
}

static void op_create(struct stress_thread *t, int slot)
{
    struct stress_object *o = stress_thread_alloc(t, sizeof(*o));
    TP_CALLBACK_ENVIRON env;

    o->kind = stress_rnd(t, 4);
    o->owner = t;
    o->id = InterlockedIncrement(&t->run->next_id);
    o->in_group = stress_rnd(t, 2);
    o->actions = stress_rnd(t, 8) < 2 ? stress_rnd(t, ACT_KINDS) : ACT_NONE;
    environment(t, &env, o->in_group);
    switch (o->kind)
    {
    case KIND_WORK:
        o->handle = CreateThreadpoolWork(stress_work_callback, o, &env);
        break;
    case KIND_TIMER:
        o->handle = CreateThreadpoolTimer(stress_timer_callback, o, &env);
        break;
    case KIND_WAIT:
        if ((o->event = CreateEventA(NULL, FALSE, FALSE, NULL)))
            o->handle = CreateThreadpoolWait(stress_wait_callback, o, &env);
        break;
    default:
        if (stress_target_open(t, o))
            o->handle = CreateThreadpoolIo(o->file, stress_io_callback, o, &env);
        break;
    }
    DestroyThreadpoolEnvironment(&env);
    if (!o->handle)
        stress_fail(t->run, "creating object %u (kind %d) failed: error %u", o->id, o->kind,
                    (unsigned int)GetLastError());
    t->slots[slot] = o;
    thread_log(t, OP_CREATE, slot, o, -1);
}

/* ---- Waiting and closing --------------------------------------------- */

static void wait_cancel(struct stress_thread *t, struct stress_object *o)
{
    int i;

    stress_wait_for_object(o, TRUE);
    if (!stress_check_bounds(t, o, 0, "cancelling wait"))
        return;
    o->g = counter_now(&o->ran);
    if (o->kind == KIND_WORK)
        o->p = counter_now(&o->ran);
    else if (o->kind == KIND_IO)
    {
        /* completions on their way may have been dropped or given up */
        o->io_skipping = TRUE;
        for (i = 0; i < o->num_started; i++)
            o->started[i]->skipped = TRUE;
    }
    else
    {
        if (o->arming == ARM_CERTAIN)
            o->arming = ARM_MAYBE;
        o->p = counter_now(&o->ran) + (o->arming == ARM_MAYBE);
    }
}

/* Work and I/O: complete what was started, then WaitFor...(FALSE). */
static void checkpoint_exact(struct stress_thread *t, struct stress_object *o)
{
    stress_io_complete_all(t, o);
    stress_wait_for_object(o, FALSE);
    if (!stress_check_bounds(t, o, o->g, "checkpoint"))
        return;
    o->g = counter_now(&o->ran);
    if (!o->io_skipping)
        o->p = counter_now(&o->ran);
}

static void close_object(struct stress_object *o)
{
    switch (o->kind)
    {
    case KIND_WORK: CloseThreadpoolWork(o->handle); break;
    case KIND_TIMER: CloseThreadpoolTimer(o->handle); break;
    case KIND_WAIT: CloseThreadpoolWait(o->handle); break;
    default: CloseThreadpoolIo(o->handle); break;
    }
}

/* The documented teardown: disarm, WaitFor...Callbacks, Close.  After it
 * no callback may start. */
static void op_close(struct stress_thread *t, int slot, struct stress_object *o)
{
    BOOL cancel = stress_rnd(t, 2);

    if (o->kind == KIND_TIMER || o->kind == KIND_WAIT)
        stress_set_arming(t, o, stress_rnd(t, 2), FALSE);
    stress_io_complete_all(t, o);
    stress_wait_for_object(o, cancel);
    stress_check_bounds(t, o, cancel ? 0 : o->g, cancel ? "cancelling close" : "close");
    o->app_closed = TRUE;
    close_object(o);
    InterlockedExchange(&o->dead, 1);
    if (o->kind == KIND_WAIT)
        CloseHandle(o->event);
    if (o->kind == KIND_IO)
        stress_target_close(o);
    t->slots[slot] = NULL;
}

/* Work only: Close with callbacks pending; they still run. */
static void op_close_nowait(struct stress_thread *t, int slot, struct stress_object *o)
{
    o->app_closed = TRUE;
    CloseThreadpoolWork(o->handle);
    if (t->num_zombies == t->max_zombies)
    {
        t->max_zombies = t->max_zombies ? 2 * t->max_zombies : 16;
        t->zombies = realloc(t->zombies, t->max_zombies * sizeof(*t->zombies));
        if (!t->zombies)
            exit(1);
    }
    t->zombies[t->num_zombies++] = o;
    t->slots[slot] = NULL;
}

static void zombies_settle(struct stress_thread *t)
{
    unsigned int i, kept = 0;
    struct stress_object *o;

    for (i = 0; i < t->num_zombies; i++)
    {
        o = t->zombies[i];
        if (o->in_group)
            t->zombies[kept++] = o;
        else if (stress_wait_count(t, &o->ran, o->g, o, "closed with callbacks pending"))
        {
            stress_check_bounds(t, o, o->g, "closed with callbacks pending");
            InterlockedExchange(&o->dead, 1);
        }
    }
    t->num_zombies = kept;
}

/* ---- Simple callbacks and cleanup groups -------------------------------- */

static void op_simple(struct stress_thread *t)
{
    struct stress_simple *s = stress_thread_alloc(t, sizeof(*s));
    TP_CALLBACK_ENVIRON env;

    s->kind = KIND_SIMPLE;
    s->owner = t;
    s->id = InterlockedIncrement(&t->run->next_id);
    s->in_group = stress_rnd(t, 2);
    environment(t, &env, s->in_group);
    if (t->num_simples == t->max_simples)
    {
        t->max_simples = t->max_simples ? 2 * t->max_simples : 64;
        t->simples = realloc(t->simples, t->max_simples * sizeof(*t->simples));
        if (!t->simples)
            exit(1);
    }
    t->simples[t->num_simples++] = s;
    if (!TrySubmitThreadpoolCallback(stress_simple_callback, s, &env))
        stress_fail(t->run, "TrySubmitThreadpoolCallback failed: %u",
                    (unsigned int)GetLastError());
    DestroyThreadpoolEnvironment(&env);
    thread_log(t, OP_SIMPLE, 0, NULL, s->in_group);
}

static void release_check_member(struct stress_thread *t, struct stress_object *o, BOOL cancel)
{
    LONG low = o->g, cancels;

    if (cancel)
        low = 0;
    else if (o->arming == ARM_CERTAIN)
        low--;        /* the release disarmed it, perhaps before it fired */
    stress_check_bounds(t, o, low, cancel ? "group release with cancel" : "group release");
    cancels = counter_now(&o->cancels);
    if (cancels != (cancel && !o->app_closed))
        stress_fail(t->run, "object %u: %d cancel callbacks, expected %d", o->id, (int)cancels,
                    cancel && !o->app_closed);
    InterlockedExchange(&o->dead, 1);
}

static void op_release(struct stress_thread *t, BOOL cancel)
{
    struct stress_object *o;
    struct stress_simple *s;
    unsigned int i, kept;
    LONG ran, cancels;
    int slot;

    for (slot = 0; slot < STRESS_SLOTS; slot++)
        if ((o = t->slots[slot]) && o->in_group)
            stress_io_complete_all(t, o);
    CloseThreadpoolCleanupGroupMembers(t->group, cancel, t);
    for (slot = 0; slot < STRESS_SLOTS; slot++)
    {
        if (!(o = t->slots[slot]) || !o->in_group)
            continue;
        release_check_member(t, o, cancel);
        if (o->kind == KIND_WAIT)
            CloseHandle(o->event);
        if (o->kind == KIND_IO)
            stress_target_close(o);
        t->slots[slot] = NULL;
    }
    for (i = kept = 0; i < t->num_zombies; i++)
    {
        if (t->zombies[i]->in_group)
            release_check_member(t, t->zombies[i], cancel);
        else
            t->zombies[kept++] = t->zombies[i];
    }
    t->num_zombies = kept;
    for (i = 0; i < t->num_simples; i++)
    {
        s = t->simples[i];
        if (!s->in_group || s->resolved)
            continue;
        s->resolved = TRUE;
        ran = counter_now(&s->ran);
        cancels = counter_now(&s->cancels);
        if (ran + cancels != 1 || (!cancel && cancels))
            stress_fail(t->run, "simple callback %d: ran %d times, %d cancel callbacks after "
                        "a group release%s", (int)s->id, (int)ran, (int)cancels,
                        cancel ? " with cancel" : "");
    }
    thread_log(t, cancel ? OP_RELEASE_CANCEL : OP_RELEASE, 0, NULL, cancel);
}

/* ---- One step ------------------------------------------------------- */

static void step_work(struct stress_thread *t, int slot, struct stress_object *o)
{
    unsigned int r = stress_rnd(t, 100), n;

    if (r < 45)
    {
        for (n = 1 + (r < 10 ? stress_rnd(t, 4) : 0); n; n--)
        {
            SubmitThreadpoolWork(o->handle);
            o->g++, o->p++;
        }
        thread_log(t, OP_SUBMIT, slot, o, -1);
    }
    else if (r < 52)
    {
        /* the one callback sets the event once it has returned */
        checkpoint_exact(t, o);
        ResetEvent(t->sync);
        InterlockedExchange(&o->sync, 1);
        SubmitThreadpoolWork(o->handle);
        o->g++, o->p++;
        if (WaitForSingleObject(t->sync, TEST_TIMEOUT) != WAIT_OBJECT_0)
            stress_fail(t->run, "object %u: SetEventWhenCallbackReturns did not set the event",
                        o->id);
        thread_log(t, OP_SUBMIT_SYNC, slot, o, -1);
    }
    else if (r < 70)
    {
        checkpoint_exact(t, o);
        thread_log(t, OP_CHECKPOINT, slot, o, -1);
    }
    else if (r < 85)
    {
        wait_cancel(t, o);
        thread_log(t, OP_WAIT_CANCEL, slot, o, -1);
    }
    else if (r < 94)
    {
        thread_log(t, OP_CLOSE, slot, o, -1);
        op_close(t, slot, o);
    }
    else
    {
        thread_log(t, OP_CLOSE_NOWAIT, slot, o, -1);
        op_close_nowait(t, slot, o);
    }
}

static void step_armed(struct stress_thread *t, int slot, struct stress_object *o)
{
    unsigned int r = stress_rnd(t, 100);
    BOOL ex = stress_rnd(t, 2), result;

    if (r < 40)
    {
        result = stress_set_arming(t, o, ex, TRUE);
        thread_log(t, ex ? OP_SET_EX : OP_SET, slot, o, ex ? result : -1);
    }
    else if (r < 48)
    {
        result = stress_set_arming(t, o, ex, FALSE);
        thread_log(t, ex ? OP_DISARM_EX : OP_DISARM, slot, o, ex ? result : -1);
    }
    else if (r < 63 && o->kind == KIND_WAIT)
    {
        SetEvent(o->event);
        if (o->arming == ARM_COND)
        {
            o->arming = ARM_CERTAIN;
            o->g++, o->p++;
        }
        thread_log(t, OP_SIGNAL, slot, o, -1);
    }
    else if (r < 73)
    {
        stress_checkpoint_armed(t, o);
        thread_log(t, OP_CHECKPOINT, slot, o, -1);
    }
    else if (r < 84)
    {
        stress_settle(t, o);
        thread_log(t, OP_SETTLE, slot, o, -1);
    }
    else if (r < 93)
    {
        wait_cancel(t, o);
        thread_log(t, OP_WAIT_CANCEL, slot, o, -1);
    }
    else
    {
        thread_log(t, OP_CLOSE, slot, o, -1);
        op_close(t, slot, o);
    }
}

static void step_io(struct stress_thread *t, int slot, struct stress_object *o)
{
    unsigned int r = stress_rnd(t, 100);

    if (r < 35 && o->num_started < STRESS_MAX_STARTED)
    {
        stress_io_start(t, o, FALSE);
        thread_log(t, OP_START, slot, o, o->num_started);
    }
    else if (r < 42)
    {
        stress_io_start(t, o, TRUE);
        thread_log(t, OP_START_FAIL, slot, o, -1);
    }
    else if (r < 70 && o->num_started)
    {
        stress_io_complete(t, o);
        thread_log(t, OP_COMPLETE, slot, o, o->num_started);
    }
    else if (r < 82)
    {
        checkpoint_exact(t, o);
        thread_log(t, OP_CHECKPOINT, slot, o, -1);
    }
    else if (r < 92)
    {
        wait_cancel(t, o);
        thread_log(t, OP_WAIT_CANCEL, slot, o, o->num_started);
    }
    else
    {
        thread_log(t, OP_CLOSE, slot, o, -1);
        op_close(t, slot, o);
    }
}

static void step(struct stress_thread *t)
{
    unsigned int r = stress_rnd(t, 1000);
    struct stress_object *o;
    int slot;

    if (r < 30)
        op_simple(t);
    else if (r < 38)
        op_release(t, stress_rnd(t, 2));
    else if (!(o = t->slots[slot = stress_rnd(t, STRESS_SLOTS)]))
        op_create(t, slot);
    else if (o->kind == KIND_WORK)
        step_work(t, slot, o);
    else if (o->kind == KIND_IO)
        step_io(t, slot, o);
    else
        step_armed(t, slot, o);
}

/* Closes everything the thread still has and checks the final counts. */
static void teardown(struct stress_thread *t)
{
    struct stress_object *o;
    unsigned int i;
    int slot;

    for (slot = 0; slot < STRESS_SLOTS && !counter_now(&t->run->failed); slot++)
    {
        if (!(o = t->slots[slot]) || o->in_group)
            continue;
        if (o->kind == KIND_TIMER || o->kind == KIND_WAIT)
            stress_settle(t, o);
        op_close(t, slot, o);
    }
    zombies_settle(t);
    if (!counter_now(&t->run->failed))
        op_release(t, stress_rnd(t, 2));
    for (i = 0; i < t->num_simples && !counter_now(&t->run->failed); i++)
        if (!t->simples[i]->in_group)
            stress_wait_count(t, &t->simples[i]->ran, 1, NULL, "simple callback");
    CloseThreadpoolCleanupGroup(t->group);
}

DWORD WINAPI stress_thread_main(void *arg)
{
    struct stress_thread *t = arg;

    t->thread_id = GetCurrentThreadId();
    if (!(t->group = CreateThreadpoolCleanupGroup()))
    {
        stress_fail(t->run, "CreateThreadpoolCleanupGroup failed: %u",
                    (unsigned int)GetLastError());
        return 0;
    }
    for (t->step = 0; t->step < t->ops && !counter_now(&t->run->failed); t->step++)
    {
        step(t);
        InterlockedIncrement(&t->done_ops);
    }
    if (!counter_now(&t->run->failed))
        teardown(t);
    return 0;
}
