/* Layer 1, POSIX backend: what the checked mode reads of a thread.  The
 * priority is the thread's nice value (Linux keeps one per thread) and its
 * scheduling policy; critical sections and mutexes are tpool's own, counted
 * per thread in struct thread_state. */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "sys.h"
#include "report.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

enum checked_request checked_mode_requested(void)
{
    const char *value = getenv("TPOOL_CHECKED");

    if (!value) return CHECKED_OFF;
    if (!strcmp(value, "1")) return CHECKED_ALL;
    return strcmp(value, "locks") ? CHECKED_OFF : CHECKED_LOCKS;
}

__attribute__((constructor)) static void checked_mode_at_load(void)
{
    checked_mode_load();
}

void checked_mode_fail(const char *line)
{
    report_write(line);
    exception_raise(STATUS_POSSIBLE_DEADLOCK, "checked mode: a lock rule is broken");
}

void thread_snapshot_read(struct thread_snapshot *snapshot)
{
    struct thread_state *state = thread_state_current();
    struct sched_param param;
    cpu_set_t set;

    /* on Linux, `who` 0 is the calling thread for all of these */
    snapshot->priority = getpriority(PRIO_PROCESS, 0);
    snapshot->policy = sched_getscheduler(0);
    if (!sched_getparam(0, &param))
        snapshot->policy += param.sched_priority << 8;
    CPU_ZERO(&set);
    if (!sched_getaffinity(0, sizeof(set), &set))
        memcpy(snapshot->affinity, &set, sizeof(snapshot->affinity) < sizeof(set) ?
               sizeof(snapshot->affinity) : sizeof(set));
    snapshot->critical_sections = state->critical_sections;
    snapshot->mutexes = state->mutexes;
}
