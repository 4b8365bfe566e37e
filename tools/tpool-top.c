/*
 * tpool-top: what the thread pools of every live process using tpool are
 * doing, from the blocks they publish (include/tpoolshared.h,
 * docs/diagnostics.md): natively in /dev/shm, in a Wine prefix in
 * drive_c/ProgramData/tpool.  A block whose writer is gone (its lock is
 * free) is removed.
 *
 * usage: tpool-top [--prefix=WINEPREFIX | --dir=DIR] [--once] [--json]
 *
 * Two samples a second apart give the callbacks per second; without
 * --once the screen is redrawn every second until interrupted.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tpoolshared.h"

#define MAX_PROCESSES 256

struct sample
{
    TPOOL_SHARED_BLOCK block;
};

struct snapshot
{
    unsigned int count;
    struct sample process[MAX_PROCESSES];
    double taken;   /* seconds, monotonic */
};

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* 1 and the block when its writer lives; 0 when it is gone (the file is
 * then removed) or the file is not a block. */
static int read_block(const char *path, TPOOL_SHARED_BLOCK *block)
{
    struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1 };
    uint32_t before, after;
    int fd, tries, ok = 0;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return 0;
    if (fcntl(fd, F_GETLK, &lock) || lock.l_type == F_UNLCK)
    {
        close(fd);
        unlink(path);
        return 0;
    }
    for (tries = 0; tries < 100 && !ok; tries++)
    {
        if (pread(fd, &before, sizeof(before), offsetof(TPOOL_SHARED_BLOCK, sequence)) != sizeof(before) ||
            pread(fd, block, sizeof(*block), 0) != (ssize_t)sizeof(*block) ||
            pread(fd, &after, sizeof(after), offsetof(TPOOL_SHARED_BLOCK, sequence)) != sizeof(after))
            break;
        ok = !(before & 1) && before == after && block->sequence == before;
        if (!ok)
            usleep(1000);
    }
    close(fd);
    return ok && !memcmp(block->magic, TPOOL_SHARED_MAGIC, sizeof(block->magic)) &&
           block->size == sizeof(*block) && block->pool_entries <= TPOOL_SHARED_POOLS;
}

static void take_snapshot(const char *dir, struct snapshot *snapshot)
{
    char path[4096];
    struct dirent *entry;
    DIR *listing;

    snapshot->count = 0;
    snapshot->taken = now_seconds();
    if (!(listing = opendir(dir)))
        return;
    while ((entry = readdir(listing)) && snapshot->count < MAX_PROCESSES)
    {
        if (!tpool_shared_is_block_name(entry->d_name))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, entry->d_name);
        if (read_block(path, &snapshot->process[snapshot->count].block))
            snapshot->count++;
    }
    closedir(listing);
}

/* The same pool in the earlier snapshot, for its rate. */
static const TPOOL_SHARED_POOL *earlier_pool(const struct snapshot *earlier, uint32_t pid, uint64_t id)
{
    unsigned int i, j;

    for (i = 0; i < earlier->count; i++)
    {
        const TPOOL_SHARED_BLOCK *block = &earlier->process[i].block;
        if (block->pid != pid)
            continue;
        for (j = 0; j < block->pool_entries; j++)
            if (block->pool[j].id == id)
                return &block->pool[j];
    }
    return NULL;
}

static double callback_rate(const struct snapshot *earlier, const struct snapshot *later,
                            uint32_t pid, const TPOOL_SHARED_POOL *pool)
{
    const TPOOL_SHARED_POOL *before = earlier ? earlier_pool(earlier, pid, pool->id) : NULL;
    double elapsed = earlier ? later->taken - earlier->taken : 0;

    if (!before || elapsed <= 0 || pool->callbacks < before->callbacks)
        return 0;
    return (pool->callbacks - before->callbacks) / elapsed;
}

/* The lateness below which `fraction` of the expiries fall, in us (the
 * upper bound of its bucket); 0 with no expiry. */
static unsigned long long lateness_us(const TPOOL_SHARED_POOL *pool, double fraction)
{
    unsigned long long total = 0, seen = 0;
    unsigned int i;

    for (i = 0; i < TPOOL_SHARED_LATENESS; i++)
        total += pool->lateness[i];
    if (!total)
        return 0;
    for (i = 0; i < TPOOL_SHARED_LATENESS; i++)
        if ((seen += pool->lateness[i]) >= fraction * total)
            break;
    return i ? 1ull << i : 1;
}

/* A string as JSON, for the names the blocks hold. */
static void json_string(const char *text, size_t size)
{
    size_t i;

    putchar('"');
    for (i = 0; i < size && text[i]; i++)
    {
        unsigned char c = (unsigned char)text[i];
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void print_json(const struct snapshot *earlier, const struct snapshot *later)
{
    unsigned int i, j;

    printf("{\"processes\":[");
    for (i = 0; i < later->count; i++)
    {
        const TPOOL_SHARED_BLOCK *block = &later->process[i].block;

        printf("%s{\"pid\":%u,\"process\":", i ? "," : "", block->pid);
        json_string(block->process, sizeof(block->process));
        printf(",\"callbacks\":%llu,\"pools_alive\":%u,\"wait_threads\":%u,\"pools\":[",
               (unsigned long long)block->callbacks, block->pools, block->wait_threads);
        for (j = 0; j < block->pool_entries; j++)
        {
            const TPOOL_SHARED_POOL *pool = &block->pool[j];

            printf("%s{\"id\":\"0x%llx\",\"default\":%s,\"workers\":%u,\"busy\":%u,\"idle\":%u,"
                   "\"queued\":[%u,%u,%u],\"callbacks\":%llu,\"callbacks_per_second\":%.1f,"
                   "\"timers_armed\":%u,\"waits_armed\":%u,\"starved_ms\":%u,\"reports\":%u,"
                   "\"lateness_p50_us\":%llu,\"lateness_p99_us\":%llu,\"longest\":",
                   j ? "," : "", (unsigned long long)pool->id, pool->is_default ? "true" : "false",
                   pool->workers, pool->workers_busy, pool->workers_idle, pool->queued[0],
                   pool->queued[1], pool->queued[2], (unsigned long long)pool->callbacks,
                   callback_rate(earlier, later, block->pid, pool), pool->timers_armed,
                   pool->waits_armed, pool->starved_ms, pool->stuck_reports,
                   lateness_us(pool, 0.5), lateness_us(pool, 0.99));
            if (!pool->longest_callback)
                printf("null}");
            else
            {
                printf("{\"kind\":");
                json_string(pool->longest_kind, sizeof(pool->longest_kind));
                printf(",\"module\":");
                json_string(pool->longest_module, sizeof(pool->longest_module));
                printf(",\"offset\":\"0x%llx\",\"ms\":%u,\"thread\":%u}}",
                       (unsigned long long)pool->longest_offset, pool->longest_ms, pool->longest_thread);
            }
        }
        printf("]}");
    }
    printf("]}\n");
}

static void print_screen(const struct snapshot *earlier, const struct snapshot *later)
{
    unsigned int i, j;

    printf("tpool-top: %u process%s using tpool\n\n", later->count, later->count == 1 ? "" : "es");
    printf("%-7s %-18s %-14s %7s %6s %11s %7s %6s %5s %9s  %s\n", "PID", "PROCESS", "POOL",
           "WORKERS", "BUSY", "QUEUED", "CB/S", "TIMERS", "WAITS", "LATE p99", "LONGEST CALLBACK");
    for (i = 0; i < later->count; i++)
    {
        const TPOOL_SHARED_BLOCK *block = &later->process[i].block;

        for (j = 0; j < block->pool_entries; j++)
        {
            const TPOOL_SHARED_POOL *pool = &block->pool[j];
            char name[24], queued[24], longest[128] = "-";

            if (pool->is_default)
                snprintf(name, sizeof(name), "default");
            else
                snprintf(name, sizeof(name), "0x%llx", (unsigned long long)pool->id);
            snprintf(queued, sizeof(queued), "%u/%u/%u", pool->queued[0], pool->queued[1], pool->queued[2]);
            if (pool->longest_callback)
                snprintf(longest, sizeof(longest), "%s %.64s+0x%llx %u ms", pool->longest_kind,
                         pool->longest_module, (unsigned long long)pool->longest_offset, pool->longest_ms);
            printf("%-7u %-18.18s %-14s %7u %6u %11s %7.0f %6u %5u %6llu us  %s\n", block->pid,
                   j ? "" : block->process, name, pool->workers, pool->workers_busy, queued,
                   callback_rate(earlier, later, block->pid, pool), pool->timers_armed,
                   pool->waits_armed, lateness_us(pool, 0.99), longest);
        }
    }
    fflush(stdout);
}

int main(int argc, char **argv)
{
    static struct snapshot snapshots[2];
    const char *dir = getenv("TPOOL_SHARED_DIR");
    char prefix_dir[4096];
    int once = 0, json = 0, i, current = 0;

    if (!dir || !*dir)
        dir = "/dev/shm";
    for (i = 1; i < argc; i++)
    {
        if (!strncmp(argv[i], "--prefix=", 9))
        {
            snprintf(prefix_dir, sizeof(prefix_dir), "%s/drive_c/ProgramData/tpool", argv[i] + 9);
            dir = prefix_dir;
        }
        else if (!strncmp(argv[i], "--dir=", 6))
            dir = argv[i] + 6;
        else if (!strcmp(argv[i], "--once"))
            once = 1;
        else if (!strcmp(argv[i], "--json"))
            json = 1;
        else
        {
            fprintf(stderr, "usage: tpool-top [--prefix=WINEPREFIX | --dir=DIR] [--once] [--json]\n");
            return 2;
        }
    }
    take_snapshot(dir, &snapshots[current]);
    for (;;)
    {
        sleep(1);
        current ^= 1;
        take_snapshot(dir, &snapshots[current]);
        if (json)
            print_json(&snapshots[current ^ 1], &snapshots[current]);
        else
        {
            if (!once)
                printf("\033[H\033[2J");
            print_screen(&snapshots[current ^ 1], &snapshots[current]);
        }
        if (once)
            return 0;
    }
}
