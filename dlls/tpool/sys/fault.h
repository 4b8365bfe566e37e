/*
 * The fault injection hook of layer 1, for the tests only
 * (docs/reliability.md).  tpool.dll and libtpool export it; it is inert
 * until called.  Include after <windows.h>.
 */

#ifndef TPOOL_FAULT_H
#define TPOOL_FAULT_H

/* Kinds: mem_alloc (every allocation tpool makes) and thread_start. */
#define TPOOL_FAULT_ALLOCATION 0
#define TPOOL_FAULT_THREAD     1
#define TPOOL_FAULT_KINDS      2
/* Or-ed into the kind: the nth and every later one fail until disarmed. */
#define TPOOL_FAULT_STICKY     0x100

struct tpool_fault_counts
{
    LONG live_allocations;       /* mem_alloc blocks not freed yet */
    ULONG allocations;           /* successful mem_alloc calls so far */
    ULONG thread_starts;         /* thread_start calls not failed by injection */
    ULONG injected;              /* failures injected so far */
};

/* The nth allocation (or thread start) from now on fails, counting from 1;
 * 0 disarms.  An injected thread start fails with STATUS_NO_MEMORY, as
 * CreateThread does out of memory. */
void WINAPI tpool_fault_inject(ULONG kind, ULONG nth);
void WINAPI tpool_fault_counts(struct tpool_fault_counts *counts);

#endif
