/*
 * Layer 1: the fault injection hook (fault.h, docs/reliability.md).
 *
 * Tests make the Nth allocation or thread creation from now on fail, and
 * read how many allocations are alive, to check that every export fails
 * as Windows does and leaks nothing.  The counts start with the first call
 * of either function: tests compare them before and after, and until then
 * the hook costs one relaxed load per allocation, free and thread start.
 * (Counting from the start cost every allocation and free two atomic
 * operations on one shared cache line, which was most of what was left of
 * a simple callback's allocation once mem_cache.c kept its memory.)
 */

#include "sys.h"

static atomic_ulong countdown[TPOOL_FAULT_KINDS];
static atomic_int sticky[TPOOL_FAULT_KINDS];
static atomic_long live_allocations;
static atomic_ulong allocations;
static atomic_ulong thread_starts;
static atomic_ulong injected;
static atomic_int counting;

void WINAPI tpool_fault_inject(ULONG kind, ULONG nth)
{
    ULONG base = kind & ~TPOOL_FAULT_STICKY;

    atomic_store(&counting, 1);
    if (base >= TPOOL_FAULT_KINDS)
        return;
    atomic_store(&sticky[base], (kind & TPOOL_FAULT_STICKY) != 0);
    atomic_store(&countdown[base], nth);
}

void WINAPI tpool_fault_counts(struct tpool_fault_counts *counts)
{
    atomic_store(&counting, 1);
    if (!counts)
        return;
    counts->live_allocations = atomic_load(&live_allocations);
    counts->allocations = atomic_load(&allocations);
    counts->thread_starts = atomic_load(&thread_starts);
    counts->injected = atomic_load(&injected);
}

/* Counts down to the armed call; a sticky fault stays on it. */
static BOOL fault_countdown(ULONG kind)
{
    unsigned long left = atomic_load_explicit(&countdown[kind], memory_order_relaxed);

    while (left)
    {
        if (left == 1 && atomic_load(&sticky[kind]))
            return TRUE;
        if (atomic_compare_exchange_weak(&countdown[kind], &left, left - 1))
            return left == 1;
    }
    return FALSE;
}

BOOL fault_injected(ULONG kind)
{
    if (fault_countdown(kind))
    {
        atomic_fetch_add(&injected, 1);
        return TRUE;
    }
    if (kind == TPOOL_FAULT_THREAD && atomic_load_explicit(&counting, memory_order_relaxed))
        atomic_fetch_add_explicit(&thread_starts, 1, memory_order_relaxed);
    return FALSE;
}

void fault_count_allocation(void *ptr)
{
    if (!ptr || !atomic_load_explicit(&counting, memory_order_relaxed))
        return;
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&live_allocations, 1, memory_order_relaxed);
}

void fault_count_free(void *ptr)
{
    if (ptr && atomic_load_explicit(&counting, memory_order_relaxed))
        atomic_fetch_sub_explicit(&live_allocations, 1, memory_order_relaxed);
}
