/*
 * Layer 2: a pool's timers (timer_queue.c), and the pairing heap they are
 * kept in (heap.c).  Private to the core.
 */

#ifndef TPOOL_TIMER_QUEUE_H
#define TPOOL_TIMER_QUEUE_H

#include "core.h"

/* ---- Pairing heap ------------------------------------------------------ */

struct heap_node
{
    struct heap_node *child;
    struct heap_node *next;
    struct heap_node *prev;
    LONGLONG key;
};

struct heap
{
    struct heap_node *root;      /* the minimum */
};

void heap_insert(struct heap *heap, struct heap_node *node, LONGLONG key);
void heap_remove(struct heap *heap, struct heap_node *node);

/* ---- Timer queues ------------------------------------------------------ */

/* Relative due times run on the monotonic clock, absolute ones on the
 * system clock (they follow wall-clock changes). */
enum timer_clock
{
    TIMER_RELATIVE,
    TIMER_ABSOLUTE,
    TIMER_CLOCKS
};

/* An entry may expire anywhere in its window [start, end].  When the
 * earliest window end arrives, every entry whose window has opened
 * expires with it (coalescing). */
/* The letters are core.h's. */
struct timer_entry
{
    struct heap_node by_start;   /* Q */
    struct heap_node by_end;     /* Q */
    struct tp_object *object;    /* I: owner, referenced while expiring */
    /* I; generation: the entry's when it was taken from the queue */
    void (*expire)(struct timer_entry *entry, ULONG generation, struct expiry *expiry);
    enum timer_clock clock;      /* Q, and O while not queued */
    BOOL queued;                 /* Q */
    ULONG generation;            /* O, read under Q: the owner's setting when it was queued */
};

/* A pool's timers.  They need no thread of their own: one parked worker
 * at a time holds the timer duty and parks until the earliest deadline,
 * behind all other parked workers; when it is pulled into work, or an
 * earlier timer arrives, the nudge packet hands the duty to another. */
struct timer_queue
{
    struct lock lock;
    struct heap starts[TIMER_CLOCKS];  /* Q */
    struct heap ends[TIMER_CLOCKS];    /* Q */
    atomic_uint count;           /* Q, A: read without the lock */
    unsigned int duty;           /* Q: the holder's duty number, 0 when none */
    unsigned int next_duty;      /* Q */
    LONGLONG duty_deadline;      /* Q: what the holder parks until */
    BOOL nudge_queued;           /* Q */
    struct port_packet nudge;    /* I */
    unsigned int timers;         /* Q: entries of timer objects (statistics) */
    ULONGLONG lateness[TPOOL_LATENESS_BUCKETS];  /* Q: timer expiries by lateness */
};

/* A worker's expiry of its pool's due timers (timer_queue_expire()), handed
 * to each entry's expire.  The first callback queued meanwhile the worker
 * keeps and runs itself once done, so an expiry wakes no other thread for
 * it; a post that found no thread to take it asks for one only at the end
 * (a thread start takes milliseconds under Wine, and every timer due
 * meanwhile would wait: timers expired up to 8 ms late). */
/* W: all of it (it lives on the expiring worker's stack). */
struct expiry
{
    struct tp_worker *worker;
    struct port_packet *kept;    /* the callback the worker runs after */
    BOOL wants_worker;           /* a post was queued with no thread to take it */
};

/* Timer queue operations.  insert returns TRUE when the caller must call
 * timer_nudge() once it holds no lock (the duty holder must wake up). */
void timer_queue_init(struct timer_queue *queue);
BOOL timer_queue_insert(struct tp_pool *pool, struct timer_entry *entry, enum timer_clock clock,
                        LONGLONG start, LONGLONG end);
BOOL timer_queue_remove(struct tp_pool *pool, struct timer_entry *entry);
/* expiry: the one under way on this thread, or NULL. */
void timer_nudge(struct tp_pool *pool, struct expiry *expiry);
/* For workers: take the duty (returns its deadline, or TIMEOUT_INFINITE
 * and *duty = 0 when another worker holds it or no timer is queued),
 * give it back, expire what is due (TRUE if anything expired). */
LONGLONG timer_duty_take(struct tp_pool *pool, unsigned int *duty);
void timer_duty_release(struct tp_pool *pool, unsigned int duty, BOOL hand_over);
BOOL timer_queue_expire(struct tp_pool *pool, struct expiry *expiry);
void timer_nudge_received(struct tp_pool *pool);
/* Turns a due time (NT encoding: 0 now, negative relative in 100 ns,
 * positive absolute system time) into a clock and a start. */
enum timer_clock timer_due_time(LONGLONG due, LONGLONG *start);

#endif
