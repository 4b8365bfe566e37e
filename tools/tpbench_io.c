/*
 * tpbench: the TP_IO workload, Windows builds only.  Overlapped 4 KiB
 * reads of a file, a fixed number in flight: each completion callback
 * checks its block and starts the next read.
 */

#include <windows.h>
#include <stdlib.h>
#include <string.h>

#include "tpbench.h"

#define IO_BLOCK 4096
#define IO_FILE_BLOCKS 2048     /* an 8 MiB file, read over and over */
#define IO_IN_FLIGHT 16

struct io_slot
{
    OVERLAPPED overlapped;
    DWORD block;
    char buffer[IO_BLOCK];
};

struct io_run
{
    HANDLE file;
    char path[MAX_PATH];
    PTP_IO io;
    long reads;
    atomic_long started;
    atomic_long failures;
    struct completion done;
    struct io_slot slots[IO_IN_FLIGHT];
};

static struct io_run io_run;

/* Claims the next block for @slot and starts reading it; FALSE when every
 * read has been started.  A pool's reads are bracketed by @io. */
static BOOL read_next_block(struct io_slot *slot, PTP_IO io)
{
    long index = atomic_fetch_add(&io_run.started, 1);
    ULONGLONG offset;

    if (index >= io_run.reads)
        return FALSE;
    slot->block = (DWORD)(index % IO_FILE_BLOCKS);
    offset = (ULONGLONG)slot->block * IO_BLOCK;
    memset(&slot->overlapped, 0, sizeof(slot->overlapped));
    slot->overlapped.Offset = (DWORD)offset;
    slot->overlapped.OffsetHigh = (DWORD)(offset >> 32);
    if (io)
        StartThreadpoolIo(io);
    if (!ReadFile(io_run.file, slot->buffer, IO_BLOCK, NULL, &slot->overlapped)
        && GetLastError() != ERROR_IO_PENDING)
    {
        if (io)
            CancelThreadpoolIo(io);
        bench_fail("ReadFile failed: %lu", (unsigned long)GetLastError());
    }
    return TRUE;
}

/* Counts a failure unless the read completed whole, with its block. */
static void check_read(struct io_slot *slot, BOOL ok, ULONG_PTR bytes)
{
    DWORD block;

    memcpy(&block, slot->buffer, sizeof(block));
    if (!ok || bytes != IO_BLOCK || block != slot->block)
        atomic_fetch_add(&io_run.failures, 1);
}

static void WINAPI io_callback(PTP_CALLBACK_INSTANCE instance, void *context, void *overlapped,
                               ULONG result, ULONG_PTR bytes, PTP_IO io)
{
    struct io_slot *slot = CONTAINING_RECORD(overlapped, struct io_slot, overlapped);

    check_read(slot, result == NO_ERROR, bytes);
    completion_hit(&io_run.done);
    read_next_block(slot, io_run.io);
}

/* Each block starts with its number. */
static void write_test_file(const char *path)
{
    HANDLE file = CreateFileA(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    char *block = calloc(1, IO_BLOCK);
    DWORD number, written;

    if (file == INVALID_HANDLE_VALUE || !block)
        bench_fail("cannot create %s: %lu", path, (unsigned long)GetLastError());
    for (number = 0; number < IO_FILE_BLOCKS; number++)
    {
        memcpy(block, &number, sizeof(number));
        if (!WriteFile(file, block, IO_BLOCK, &written, NULL) || written != IO_BLOCK)
            bench_fail("cannot write %s: %lu", path, (unsigned long)GetLastError());
    }
    CloseHandle(file);
    free(block);
}

static void open_test_file(const char *path)
{
    io_run.file = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                              FILE_FLAG_OVERLAPPED, NULL);
    if (io_run.file == INVALID_HANDLE_VALUE)
        bench_fail("cannot open %s: %lu", path, (unsigned long)GetLastError());
}

static void io_file_create(long reads)
{
    char directory[MAX_PATH];

    if (!GetTempPathA(sizeof(directory), directory) || !GetTempFileNameA(directory, "tpb", 0, io_run.path))
        bench_fail("no temporary file: %lu", (unsigned long)GetLastError());
    write_test_file(io_run.path);
    open_test_file(io_run.path);
    io_run.reads = reads;
    atomic_store(&io_run.started, 0);
    atomic_store(&io_run.failures, 0);
}

static void io_file_delete(void)
{
    CloseHandle(io_run.file);
    DeleteFileA(io_run.path);
    if (atomic_load(&io_run.failures))
        bench_fail("%ld reads failed or read the wrong block", (long)atomic_load(&io_run.failures));
}

int64_t io_reads_start(long count)
{
    int64_t start;
    int i;

    io_file_create(count);
    if (!(io_run.io = CreateThreadpoolIo(io_run.file, io_callback, NULL, NULL)))
        bench_fail("CreateThreadpoolIo failed: %lu", (unsigned long)GetLastError());
    completion_init(&io_run.done, count);
    start = bench_now_ns();
    for (i = 0; i < IO_IN_FLIGHT; i++)
        read_next_block(&io_run.slots[i], io_run.io);
    return start;
}

int64_t io_reads_finish(void)
{
    int64_t finish;

    completion_wait(&io_run.done, "reads");
    WaitForThreadpoolIoCallbacks(io_run.io, FALSE);
    CloseThreadpoolIo(io_run.io);
    io_file_delete();
    completion_check(&io_run.done, "reads");
    finish = atomic_load(&io_run.done.finish_ns);
    completion_destroy(&io_run.done);
    return finish;
}

static long io_read_count(const struct bench_config *config)
{
    return bench_count(config, 20000, 2000);
}

void run_io(const struct bench_config *config)
{
    int64_t start = io_reads_start(io_read_count(config));

    bench_result("time", "ms", LOWER_IS_BETTER, (io_reads_finish() - start) / 1e6);
}

/* ---- The floor: the same reads, threads of the benchmark's own on a port ------ */

#define IO_FLOOR_THREADS_MAX 16

struct io_floor
{
    HANDLE port;
    unsigned int threads;
    atomic_long done;
    atomic_llong finish_ns;
};

/* Each thread takes a completion, checks its block and starts the next
 * read, as the pool's callbacks do; the one that takes the last completion
 * posts an empty packet to each of the others, which ends them. */
static void io_floor_thread(void *arg)
{
    struct io_floor *floor = arg;
    OVERLAPPED *overlapped;
    struct io_slot *slot;
    ULONG_PTR key;
    DWORD bytes;
    BOOL ok;

    for (;;)
    {
        ok = GetQueuedCompletionStatus(floor->port, &bytes, &key, &overlapped, COMPLETION_TIMEOUT_MS);
        if (!overlapped)
        {
            if (!ok)
                bench_fail("io floor: no completion after %u s", COMPLETION_TIMEOUT_MS / 1000);
            return;
        }
        slot = CONTAINING_RECORD(overlapped, struct io_slot, overlapped);
        check_read(slot, ok, bytes);
        if (atomic_fetch_add(&floor->done, 1) + 1 == io_run.reads)
        {
            unsigned int i;

            atomic_store(&floor->finish_ns, bench_now_ns());
            for (i = 1; i < floor->threads; i++)
                PostQueuedCompletionStatus(floor->port, 0, 0, NULL);
            return;
        }
        read_next_block(slot, NULL);
    }
}

void measure_io_floor(const struct bench_config *config)
{
    struct bench_thread *threads[IO_FLOOR_THREADS_MAX];
    unsigned int count = config->cpus < IO_FLOOR_THREADS_MAX ? config->cpus : IO_FLOOR_THREADS_MAX, i;
    struct io_floor floor = { 0 };
    int64_t start;

    floor.threads = count;
    io_file_create(io_read_count(config));
    if (!(floor.port = CreateIoCompletionPort(io_run.file, NULL, 1, 0)))
        bench_fail("CreateIoCompletionPort failed: %lu", (unsigned long)GetLastError());
    start = bench_now_ns();
    for (i = 0; i < count; i++)
        threads[i] = bench_thread_start(io_floor_thread, &floor);
    for (i = 0; i < IO_IN_FLIGHT; i++)
        read_next_block(&io_run.slots[i], NULL);
    for (i = 0; i < count; i++)
        bench_thread_join(threads[i]);
    bench_result("io_floor", "ms", LOWER_IS_BETTER, (atomic_load(&floor.finish_ns) - start) / 1e6);
    CloseHandle(floor.port);
    io_file_delete();
}
