/*
 * Layer 1: one-time starts that hold no lock while they run, since what
 * they start is usually a thread (sys.h's lock rule).
 */

#include "sys.h"

enum once_state
{
    ONCE_NOT_DONE,
    ONCE_RUNNING,
    ONCE_DONE,
};

NTSTATUS once_start(atomic_int *state, NTSTATUS (*start)(void *arg), void *arg)
{
    int seen = ONCE_NOT_DONE;
    NTSTATUS status;

    while (!atomic_compare_exchange_strong(state, &seen, ONCE_RUNNING))
    {
        if (seen == ONCE_DONE)
            return STATUS_SUCCESS;
        futex_wait(state, ONCE_RUNNING, TIMEOUT_INFINITE);
        seen = ONCE_NOT_DONE;
    }
    status = start(arg);
    atomic_store(state, status ? ONCE_NOT_DONE : ONCE_DONE);
    futex_wake_all(state);
    return status;
}
