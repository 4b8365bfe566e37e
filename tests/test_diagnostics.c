/* What tpool shows of itself to someone diagnosing a program: the names
 * of its threads, the block it publishes for tools/tpool-top, and its
 * reports of stuck callbacks (docs/diagnostics.md). */

#include "test_child.h"
#include "tpool.h"
#include "tpoolshared.h"

#ifndef _WIN32
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#endif

#define STUCK_MS 300

#define NAME_SIZE 32

/* The calling thread's name, as a debugger or top -H shows it. */
static void current_thread_name(char *name)
{
#ifdef _WIN32
    typedef HRESULT (WINAPI *get_description_fn)(HANDLE thread, WCHAR **description);
    get_description_fn get_description = (get_description_fn)(void *)GetProcAddress(
        GetModuleHandleA("kernelbase.dll"), "GetThreadDescription");
    WCHAR *description = NULL;
    int i;

    name[0] = 0;
    if (!get_description || FAILED(get_description(GetCurrentThread(), &description)))
        return;
    for (i = 0; description[i] && i < NAME_SIZE - 1; i++)
        name[i] = (char)description[i];
    name[i] = 0;
    LocalFree(description);
#else
    if (pthread_getname_np(pthread_self(), name, NAME_SIZE))
        name[0] = 0;
#endif
}

struct named_callback
{
    char name[NAME_SIZE];
    HANDLE done;
};

static void CALLBACK work_names_itself(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    struct named_callback *callback = context;

    current_thread_name(callback->name);
    SetEventWhenCallbackReturns(instance, callback->done);
}

static DWORD WINAPI item_names_itself(void *context)
{
    struct named_callback *callback = context;

    current_thread_name(callback->name);
    SetEvent(callback->done);
    return 0;
}

static void test_worker_name(void **state)
{
    struct named_callback callback = { "", CreateEventA(NULL, FALSE, FALSE, NULL) };
    PTP_WORK work = CreateThreadpoolWork(work_names_itself, &callback, NULL);

    assert_non_null(work);
    SubmitThreadpoolWork(work);
    assert_signaled(callback.done);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    CloseThreadpoolWork(work);
    CloseHandle(callback.done);
    assert_string_equal(callback.name, "tpool-worker");
}

static void test_persistent_thread_name(void **state)
{
    struct named_callback callback = { "", CreateEventA(NULL, FALSE, FALSE, NULL) };

    assert_true(QueueUserWorkItem(item_names_itself, &callback, WT_EXECUTEINPERSISTENTTHREAD));
    assert_signaled(callback.done);
    CloseHandle(callback.done);
    assert_string_equal(callback.name, "tpool-persist");
}

/* ---- The published block ---------------------------------------------- */

static char shared_dir[MAX_PATH];

static void block_path(DWORD pid, char *path, size_t size)
{
#ifdef _WIN32
    snprintf(path, size, "%s\\tpool-%lu", shared_dir, (unsigned long)pid);
#else
    snprintf(path, size, "%s/tpool-%lu", shared_dir, (unsigned long)pid);
#endif
}

static BOOL file_exists(const char *path)
{
#ifdef _WIN32
    return GetFileAttributesA(path) != INVALID_FILE_ATTRIBUTES;
#else
    struct stat st;
    return !stat(path, &st);
#endif
}

/* A stale block: a file of the name a process gone would have left. */
static void make_stale_block(const char *path)
{
#ifdef _WIN32
    HANDLE file = CreateFileA(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    assert_true(file != INVALID_HANDLE_VALUE);
    CloseHandle(file);
#else
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    close(fd);
#endif
}

/* A consistent copy of the process's block (its sequence even and the same
 * around the copy); FALSE while there is none. */
static BOOL read_block(DWORD pid, TPOOL_SHARED_BLOCK *block)
{
    char path[MAX_PATH + 32];
    uint32_t sequence;
    BOOL ok;

    block_path(pid, path, sizeof(path));
#ifdef _WIN32
    {
        DWORD got = 0;
        HANDLE file = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                  NULL, OPEN_EXISTING, 0, NULL);
        if (file == INVALID_HANDLE_VALUE)
            return FALSE;
        ok = ReadFile(file, block, sizeof(*block), &got, NULL) && got == sizeof(*block);
        sequence = block->sequence;
        ok = ok && SetFilePointer(file, 0, NULL, FILE_BEGIN) == 0 &&
             ReadFile(file, block, sizeof(*block), &got, NULL) && got == sizeof(*block);
        CloseHandle(file);
    }
#else
    {
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            return FALSE;
        ok = pread(fd, block, sizeof(*block), 0) == (ssize_t)sizeof(*block);
        sequence = block->sequence;
        ok = ok && pread(fd, block, sizeof(*block), 0) == (ssize_t)sizeof(*block);
        close(fd);
    }
#endif
    return ok && !(sequence & 1) && sequence == block->sequence &&
           !memcmp(block->magic, TPOOL_SHARED_MAGIC, sizeof(block->magic)) && block->size == sizeof(*block);
}

/* Waits for the process's block to be written `count` more times, and
 * returns the last copy: what the process showed before is then in it. */
static BOOL wait_updates(DWORD pid, unsigned int count, TPOOL_SHARED_BLOCK *block)
{
    ULONGLONG first = 0;
    BOOL seen = FALSE;
    DWORD start = GetTickCount();

    while (GetTickCount() - start < TEST_TIMEOUT)
    {
        if (read_block(pid, block))
        {
            if (!seen)
            {
                seen = TRUE;
                first = block->updates;
            }
            else if (block->updates >= first + count)
                return TRUE;
        }
        Sleep(5);
    }
    return FALSE;
}

static const TPOOL_SHARED_POOL *block_pool(const TPOOL_SHARED_BLOCK *block, const void *pool)
{
    uint32_t i;

    for (i = 0; i < block->pool_entries; i++)
        if (block->pool[i].id == (uint64_t)(ULONG_PTR)pool)
            return &block->pool[i];
    return NULL;
}

static const TPOOL_SHARED_POOL *block_default_pool(const TPOOL_SHARED_BLOCK *block)
{
    uint32_t i;

    for (i = 0; i < block->pool_entries; i++)
        if (block->pool[i].is_default)
            return &block->pool[i];
    return NULL;
}

/* ---- A stuck callback, in a child ----------------------------------------- */

static void CALLBACK wait_for_release(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    WaitForSingleObject(context, INFINITE);
}

static void CALLBACK quick_work(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
}

/* A callback runs until the child's own block shows it reported, and
 * three more updates: a second report would come in them. */
static int case_stuck(void)
{
    HANDLE release = CreateEventA(NULL, TRUE, FALSE, NULL);
    PTP_WORK work = CreateThreadpoolWork(wait_for_release, release, NULL);
    DWORD pid = GetCurrentProcessId(), start = GetTickCount();
    TPOOL_SHARED_BLOCK block;
    const TPOOL_SHARED_POOL *pool = NULL;

    SubmitThreadpoolWork(work);
    while (GetTickCount() - start < TEST_TIMEOUT)
    {
        if (read_block(pid, &block) && (pool = block_default_pool(&block)) && pool->stuck_reports)
            break;
        Sleep(5);
    }
    if (!pool || !pool->stuck_reports || !wait_updates(pid, 3, &block))
    {
        printf("child: no report in the block\n");
        return 1;
    }
    SetEvent(release);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    CloseThreadpoolWork(work);
    CloseHandle(release);
    return 0;
}

/* A pool of one thread whose callback blocks while another waits: the
 * pool is reported starved, once, before the callback is released. */
static int case_starved(void)
{
    HANDLE release = CreateEventA(NULL, TRUE, FALSE, NULL);
    PTP_POOL pool = CreateThreadpool(NULL);
    TP_CALLBACK_ENVIRON environment;
    DWORD pid = GetCurrentProcessId(), start = GetTickCount();
    TPOOL_SHARED_BLOCK block;
    const TPOOL_SHARED_POOL *entry = NULL;
    PTP_WORK blocked, waiting;

    SetThreadpoolThreadMaximum(pool, 1);
    env_with_pool(&environment, pool);
    blocked = CreateThreadpoolWork(wait_for_release, release, &environment);
    waiting = CreateThreadpoolWork(quick_work, NULL, &environment);
    SubmitThreadpoolWork(blocked);
    SubmitThreadpoolWork(waiting);
    /* both reports: the callback is stuck as well */
    while (GetTickCount() - start < TEST_TIMEOUT)
    {
        if (read_block(pid, &block) && (entry = block_pool(&block, pool)) && entry->stuck_reports >= 2)
            break;
        Sleep(5);
    }
    if (!entry || entry->stuck_reports < 2 || entry->starved_ms < STUCK_MS || !wait_updates(pid, 3, &block))
    {
        printf("child: no reports in the block\n");
        return 1;
    }
    SetEvent(release);
    WaitForThreadpoolWorkCallbacks(blocked, FALSE);
    WaitForThreadpoolWorkCallbacks(waiting, FALSE);
    CloseThreadpoolWork(blocked);
    CloseThreadpoolWork(waiting);
    CloseThreadpool(pool);
    CloseHandle(release);
    return 0;
}

static const struct child_case cases[] =
{
    { "stuck", case_stuck },
    { "starved", case_starved },
};

static unsigned int occurrences(const char *text, const char *what)
{
    unsigned int count = 0;

    while ((text = strstr(text, what)))
    {
        count++;
        text += strlen(what);
    }
    return count;
}

/* These two run first: natively the child is forked, and starts the
 * monitor itself only if the parent has made no pool yet. */
static void test_stuck_callback_reported_once(void **state)
{
    struct child_result result;
    char stale[MAX_PATH + 32];

    block_path(999999999, stale, sizeof(stale));
    make_stale_block(stale);
    child_check(cases, (sizeof(cases) / sizeof(cases[0])), "stuck", 0, 0, "tpool: stuck callback: work callback test_diagnostics",
                &result);
    assert_int_equal(occurrences(result.output, "tpool: stuck callback:"), 1);
    assert_non_null(strstr(result.output, " ms on thread 0x"));
    /* the child's block, when made, removed the one no process holds */
    assert_false(file_exists(stale));
}

static void test_starved_pool_reported_once(void **state)
{
    struct child_result result;

    child_check(cases, sizeof(cases) / sizeof(cases[0]), "starved", 0, 0, "tpool: starved pool ",
                &result);
    assert_int_equal(occurrences(result.output, "tpool: starved pool "), 1);
    assert_non_null(strstr(result.output, ": 1 callbacks queued for "));
    assert_non_null(strstr(result.output, " ms, all 1 workers busy"));
}

/* ---- The block against tpool_query_stats ----------------------------------- */

static void CALLBACK unused_timer(PTP_CALLBACK_INSTANCE instance, void *context, PTP_TIMER timer)
{
}

static void CALLBACK unused_wait(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WAIT wait,
                                 TP_WAIT_RESULT result)
{
}

static void test_block_matches_stats(void **state)
{
    TP_CALLBACK_ENVIRON environment;
    PTP_POOL pool = CreateThreadpool(NULL);
    HANDLE never = CreateEventA(NULL, TRUE, FALSE, NULL);
    FILETIME due = { 0 };
    ULARGE_INTEGER relative;
    TPOOL_SHARED_BLOCK block;
    const TPOOL_SHARED_POOL *entry;
    TPOOL_STATS stats;
    PTP_WORK work;
    PTP_TIMER timer;
    PTP_WAIT wait;
    int i;

    assert_non_null(pool);
    env_with_pool(&environment, pool);
    work = CreateThreadpoolWork(quick_work, NULL, &environment);
    timer = CreateThreadpoolTimer(unused_timer, NULL, &environment);
    wait = CreateThreadpoolWait(unused_wait, NULL, &environment);
    assert_true(work && timer && wait);
    for (i = 0; i < 5; i++)
        SubmitThreadpoolWork(work);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    relative.QuadPart = (ULONGLONG)-600000000;  /* 60 s */
    due.dwLowDateTime = relative.LowPart;
    due.dwHighDateTime = relative.HighPart;
    SetThreadpoolTimer(timer, &due, 0, 0);
    SetThreadpoolWait(wait, never, NULL);

    assert_true(wait_updates(GetCurrentProcessId(), 2, &block));
    memset(&stats, 0, sizeof(stats));
    stats.size = sizeof(stats);
    assert_true(tpool_query_stats(pool, &stats));
    assert_non_null(entry = block_pool(&block, pool));
    assert_int_equal(entry->callbacks, stats.callbacks);
    assert_int_equal(entry->callbacks, 5);
    assert_int_equal(entry->timers_armed, stats.timers_armed);
    assert_int_equal(entry->timers_armed, 1);
    assert_int_equal(entry->waits_armed, 1);
    assert_int_equal(entry->workers, stats.workers);
    assert_int_equal(entry->queued[0] + entry->queued[1] + entry->queued[2], 0);
    assert_false(entry->is_default);
    assert_int_equal(block.pid, GetCurrentProcessId());
    assert_non_null(strstr(block.process, "test_diagnostics"));

    SetThreadpoolWait(wait, NULL, NULL);
    SetThreadpoolTimer(timer, NULL, 0, 0);
    CloseThreadpoolWait(wait);
    CloseThreadpoolTimer(timer);
    CloseThreadpoolWork(work);
    CloseThreadpool(pool);
    CloseHandle(never);
}

/* Everything the monitor reads is set before the first pool: the parent's
 * and, inherited, the child's. */
static void set_environment(void)
{
    char value[MAX_PATH];

#ifdef _WIN32
    if (!GetEnvironmentVariableA("TPOOL_SHARED_DIR", shared_dir, sizeof(shared_dir)))
    {
        GetTempPathA(sizeof(value), value);
        snprintf(shared_dir, sizeof(shared_dir), "%stpool-test-diagnostics-%lu", value, GetCurrentProcessId());
        CreateDirectoryA(shared_dir, NULL);
        SetEnvironmentVariableA("TPOOL_SHARED_DIR", shared_dir);
    }
    snprintf(value, sizeof(value), "%d", STUCK_MS);
    SetEnvironmentVariableA("TPOOL_STUCK_MS", value);
    SetEnvironmentVariableA("TPOOL_PUBLISH_MS", "20");
#else
    const char *dir = getenv("TPOOL_SHARED_DIR");

    if (dir)
        snprintf(shared_dir, sizeof(shared_dir), "%s", dir);
    else
    {
        snprintf(shared_dir, sizeof(shared_dir), "/tmp/tpool-test-diagnostics-%ld", (long)getpid());
        mkdir(shared_dir, 0755);
        setenv("TPOOL_SHARED_DIR", shared_dir, 1);
    }
    snprintf(value, sizeof(value), "%d", STUCK_MS);
    setenv("TPOOL_STUCK_MS", value, 1);
    setenv("TPOOL_PUBLISH_MS", "20", 1);
#endif
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_stuck_callback_reported_once),
        cmocka_unit_test(test_starved_pool_reported_once),
        cmocka_unit_test(test_block_matches_stats),
        cmocka_unit_test(test_worker_name),
        cmocka_unit_test(test_persistent_thread_name),
    };

    set_environment();
#ifdef _WIN32
    if (argc == 2)
        return child_main(cases, (sizeof(cases) / sizeof(cases[0])), argv[1]);
#endif
    return cmocka_run_group_tests(tests, NULL, NULL);
}
