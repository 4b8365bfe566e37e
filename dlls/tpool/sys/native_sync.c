/*
 * Native events, semaphores and mutexes: the waitable objects' types over
 * the dispatcher of native_object.c.
 */

#include "native_object.h"
#include "wait_packet.h"

static BOOL names_unsupported(const void *name)
{
    if (!name) return FALSE;
    SetLastError(ERROR_NOT_SUPPORTED);
    return TRUE;
}

static BOOL event_signaled(const struct native_object *obj, DWORD tid)
{
    (void)tid;
    return obj->u.event.signaled;
}

static void event_consume(struct native_object *obj, DWORD tid)
{
    (void)tid;
    if (!obj->u.event.manual_reset) obj->u.event.signaled = FALSE;
}

static const struct native_object_ops event_ops = { event_signaled, event_consume };

static HANDLE event_create(BOOL manual_reset, BOOL initial_state)
{
    struct native_object *obj = native_object_alloc(&event_ops);

    if (!obj) return NULL;
    obj->u.event.manual_reset = !!manual_reset;
    obj->u.event.signaled = !!initial_state;
    return native_object_publish(obj);
}

HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES sa, BOOL manual_reset, BOOL initial_state, LPCSTR name)
{
    (void)sa;
    if (names_unsupported(name)) return NULL;
    return event_create(manual_reset, initial_state);
}

HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES sa, BOOL manual_reset, BOOL initial_state, LPCWSTR name)
{
    (void)sa;
    if (names_unsupported(name)) return NULL;
    return event_create(manual_reset, initial_state);
}

BOOL WINAPI SetEvent(HANDLE handle)
{
    struct native_object *obj = native_object_from_handle(handle, &event_ops);
    struct native_signal signal;

    if (!obj) return FALSE;
    native_object_lock_for_signal(obj, &signal);
    obj->u.event.signaled = TRUE;
    native_object_satisfy_waiters(obj, &signal);
    native_object_unlock_after_signal(obj, &signal);
    native_object_release(obj);
    return TRUE;
}

BOOL WINAPI ResetEvent(HANDLE handle)
{
    struct native_object *obj = native_object_from_handle(handle, &event_ops);

    if (!obj) return FALSE;
    lock_acquire(&obj->lock);
    obj->u.event.signaled = FALSE;
    lock_release(&obj->lock);
    native_object_release(obj);
    return TRUE;
}

static BOOL semaphore_signaled(const struct native_object *obj, DWORD tid)
{
    (void)tid;
    return obj->u.semaphore.count > 0;
}

static void semaphore_consume(struct native_object *obj, DWORD tid)
{
    (void)tid;
    obj->u.semaphore.count--;
}

static const struct native_object_ops semaphore_ops = { semaphore_signaled, semaphore_consume };

static HANDLE semaphore_create(LONG initial, LONG max)
{
    struct native_object *obj;

    if (max <= 0 || initial < 0 || initial > max)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    if (!(obj = native_object_alloc(&semaphore_ops))) return NULL;
    obj->u.semaphore.count = initial;
    obj->u.semaphore.max = max;
    return native_object_publish(obj);
}

HANDLE WINAPI CreateSemaphoreA(LPSECURITY_ATTRIBUTES sa, LONG initial, LONG max, LPCSTR name)
{
    (void)sa;
    if (names_unsupported(name)) return NULL;
    return semaphore_create(initial, max);
}

HANDLE WINAPI CreateSemaphoreW(LPSECURITY_ATTRIBUTES sa, LONG initial, LONG max, LPCWSTR name)
{
    (void)sa;
    if (names_unsupported(name)) return NULL;
    return semaphore_create(initial, max);
}

BOOL WINAPI ReleaseSemaphore(HANDLE handle, LONG count, LPLONG previous)
{
    struct native_object *obj;
    struct native_signal signal;
    BOOL ret = FALSE;

    if (count <= 0)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (!(obj = native_object_from_handle(handle, &semaphore_ops))) return FALSE;

    native_object_lock_for_signal(obj, &signal);
    if (count > obj->u.semaphore.max - obj->u.semaphore.count)
        SetLastError(ERROR_TOO_MANY_POSTS);
    else
    {
        if (previous) *previous = obj->u.semaphore.count;
        obj->u.semaphore.count += count;
        native_object_satisfy_waiters(obj, &signal);
        ret = TRUE;
    }
    native_object_unlock_after_signal(obj, &signal);
    native_object_release(obj);
    return ret;
}

static BOOL mutex_signaled(const struct native_object *obj, DWORD tid)
{
    return !obj->u.mutex.owner || obj->u.mutex.owner == tid;
}

static void mutex_consume(struct native_object *obj, DWORD tid)
{
    obj->u.mutex.owner = tid;
    obj->u.mutex.recursion++;
}

const struct native_object_ops native_mutex_ops = { mutex_signaled, mutex_consume };

static HANDLE mutex_create(BOOL initial_owner)
{
    struct native_object *obj = native_object_alloc(&native_mutex_ops);

    if (!obj) return NULL;
    obj->u.mutex.owner = initial_owner ? GetCurrentThreadId() : 0;
    obj->u.mutex.recursion = initial_owner ? 1 : 0;
    if (initial_owner) thread_state_current()->mutexes++;
    return native_object_publish(obj);
}

HANDLE WINAPI CreateMutexA(LPSECURITY_ATTRIBUTES sa, BOOL initial_owner, LPCSTR name)
{
    (void)sa;
    if (names_unsupported(name)) return NULL;
    return mutex_create(initial_owner);
}

HANDLE WINAPI CreateMutexW(LPSECURITY_ATTRIBUTES sa, BOOL initial_owner, LPCWSTR name)
{
    (void)sa;
    if (names_unsupported(name)) return NULL;
    return mutex_create(initial_owner);
}

BOOL WINAPI ReleaseMutex(HANDLE handle)
{
    struct native_object *obj = native_object_from_handle(handle, &native_mutex_ops);
    struct native_signal signal;
    BOOL ret = FALSE;

    if (!obj) return FALSE;
    native_object_lock_for_signal(obj, &signal);
    if (obj->u.mutex.owner != GetCurrentThreadId())
        SetLastError(ERROR_NOT_OWNER);
    else
    {
        if (!--obj->u.mutex.recursion)
        {
            obj->u.mutex.owner = 0;
            native_object_satisfy_waiters(obj, &signal);
        }
        thread_state_current()->mutexes--;
        ret = TRUE;
    }
    native_object_unlock_after_signal(obj, &signal);
    native_object_release(obj);
    return ret;
}

NTSTATUS handle_check_waitable(HANDLE handle)
{
    DWORD error = GetLastError();
    struct native_object *obj;
    NTSTATUS status;

    if ((LONG_PTR)handle < 0) return STATUS_SUCCESS;
    obj = native_object_from_handle(handle, NULL);
    SetLastError(error);
    if (!obj) return STATUS_INVALID_HANDLE;
    status = obj->ops == &native_mutex_ops ? STATUS_INVALID_PARAMETER_3 : STATUS_SUCCESS;
    native_object_release(obj);
    return status;
}
