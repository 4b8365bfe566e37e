/*
 * The block each process using tpool publishes for tools/tpool-top
 * (docs/diagnostics.md): the file tpool-PID in /dev/shm natively, in
 * C:\ProgramData\tpool under Windows and Wine, or in TPOOL_SHARED_DIR.
 * The layout is the same for 32-bit and 64-bit processes (fixed-size
 * fields, little-endian).  The writer bumps `sequence` to an odd value
 * before it writes and to the next even value after: a reader copies the
 * block and keeps the copy if `sequence` was even and unchanged around it.
 * The writer holds a write lock on the file's first byte while it lives.
 */

#ifndef TPOOL_SHARED_H
#define TPOOL_SHARED_H

#include <stdint.h>
#include <string.h>

#define TPOOL_SHARED_MAGIC   "tpool-1"   /* 8 bytes with its NUL */
#define TPOOL_SHARED_POOLS   16
#define TPOOL_SHARED_LATENESS 24         /* TPOOL_LATENESS_BUCKETS */

typedef struct _TPOOL_SHARED_POOL
{
    uint64_t id;                  /* the pool's address in its process */
    uint64_t callbacks;           /* callbacks started */
    uint64_t lateness[TPOOL_SHARED_LATENESS];  /* as TPOOL_STATS */
    uint64_t longest_callback;    /* address of the callback running longest, 0: none */
    uint64_t longest_offset;      /* its offset in longest_module */
    uint32_t longest_ms;          /* how long it has run */
    uint32_t longest_thread;      /* the thread running it */
    uint32_t workers, workers_busy, workers_idle;
    uint32_t queued[3];           /* by priority: high, normal, low */
    uint32_t timers_armed, waits_armed;
    uint32_t starved_ms;          /* work queued with every worker busy for this long */
    uint32_t stuck_reports;       /* stuck callbacks and starvation reported */
    uint32_t is_default;          /* 1 for the process's default pool */
    uint32_t reserved;
    char longest_module[64];      /* file name of the module holding it */
    char longest_kind[16];        /* "work", "timer", "wait", "io", "simple" */
} TPOOL_SHARED_POOL;

typedef struct _TPOOL_SHARED_BLOCK
{
    char magic[8];                /* TPOOL_SHARED_MAGIC */
    uint32_t size;                /* sizeof(TPOOL_SHARED_BLOCK) */
    uint32_t pid;                 /* the process's id (Windows' under Wine) */
    uint32_t sequence;            /* odd while the writer writes */
    uint32_t interval_ms;         /* how often the writer updates the block */
    uint64_t updates;             /* updates written so far */
    uint64_t callbacks;           /* callbacks tpool started in the process */
    uint32_t pools;               /* pools alive (more than the entries below if
                                   * over TPOOL_SHARED_POOLS) */
    uint32_t pool_entries;        /* entries of pool[] in use */
    uint32_t wait_threads;
    uint32_t reserved;
    char process[64];             /* file name of the executable */
    TPOOL_SHARED_POOL pool[TPOOL_SHARED_POOLS];
} TPOOL_SHARED_BLOCK;

/* Whether a file name is a block's: "tpool-" and a decimal process id. */
static inline int tpool_shared_is_block_name(const char *name)
{
    if (strncmp(name, "tpool-", 6) || !name[6])
        return 0;
    for (name += 6; *name; name++)
        if (*name < '0' || *name > '9')
            return 0;
    return 1;
}

#endif
