/* The trace (TPOOL_TRACE=1, docs/diagnostics.md): a child process makes a
 * known sequence of calls with the trace on, and its lines are parsed. */

#include "test_child.h"

#ifndef _WIN32
#include <dlfcn.h>
#endif

#define TRACE_LINE_SIZE 512
#define TRACE_LINES_MAX 256

/* One line: "tpool-trace TIME TID REST". */
struct trace_line
{
    unsigned long tid;
    char rest[TRACE_LINE_SIZE];
};

struct trace
{
    struct trace_line lines[TRACE_LINES_MAX];
    unsigned int count;
};

static char trace_path[MAX_PATH];

/* What the child names and the trace must show. */
struct expected
{
    unsigned long main_tid;
    char context[32];
    char work_code[96], simple_code[96], item_code[96];
};

static int marker;

/* "module+0xoffset" as the trace names code. */
static void code_name(const void *code, char *name, size_t size)
{
#ifdef _WIN32
    char path[MAX_PATH], *slash;
    HMODULE module;

    GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                       code, &module);
    GetModuleFileNameA(module, path, sizeof(path));
    slash = strrchr(path, '\\');
    snprintf(name, size, "%s+0x%" PRIxPTR, slash ? slash + 1 : path, (uintptr_t)code - (uintptr_t)module);
#else
    Dl_info info;
    const char *slash;

    assert_true(dladdr(code, &info) && info.dli_fname);
    slash = strrchr(info.dli_fname, '/');
    snprintf(name, size, "%s+0x%" PRIxPTR, slash ? slash + 1 : info.dli_fname,
             (uintptr_t)code - (uintptr_t)info.dli_fbase);
#endif
}

/* ---- The child -------------------------------------------------------------- */

static void CALLBACK traced_work(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
}

static void CALLBACK traced_simple(PTP_CALLBACK_INSTANCE instance, void *context)
{
}

static DWORD WINAPI traced_item(void *context)
{
    SetEvent(context);
    return 0;
}

static int case_trace(void)
{
    HANDLE done = CreateEventA(NULL, FALSE, FALSE, NULL);
    PTP_CLEANUP_GROUP group = CreateThreadpoolCleanupGroup();
    TP_CALLBACK_ENVIRON environment;
    char name[96];
    PTP_WORK work;

    printf("child: main 0x%lx\n", (unsigned long)GetCurrentThreadId());
    printf("child: context 0x%" PRIxPTR "\n", (uintptr_t)&marker);
    code_name((const void *)traced_work, name, sizeof(name));
    printf("child: work %s\n", name);
    code_name((const void *)traced_simple, name, sizeof(name));
    printf("child: simple %s\n", name);
    code_name((const void *)traced_item, name, sizeof(name));
    printf("child: item %s\n", name);

    work = CreateThreadpoolWork(traced_work, &marker, NULL);
    SubmitThreadpoolWork(work);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    CloseThreadpoolWork(work);

    InitializeThreadpoolEnvironment(&environment);
    SetThreadpoolCallbackCleanupGroup(&environment, group, NULL);
    TrySubmitThreadpoolCallback(traced_simple, NULL, &environment);
    CloseThreadpoolCleanupGroupMembers(group, FALSE, NULL);
    CloseThreadpoolCleanupGroup(group);

    QueueUserWorkItem(traced_item, done, 0);
    WaitForSingleObject(done, INFINITE);
    CloseHandle(done);
    printf("child: done\n");
    return 0;
}

/* Misuse that raises: the call's line is written before the exception. */
static int case_trace_raise(void)
{
    SubmitThreadpoolWork(NULL);
    return 1;
}

static const struct child_case cases[] =
{
    { "trace", case_trace },
    { "trace_raise", case_trace_raise },
};

#define CASE_COUNT (sizeof(cases) / sizeof(cases[0]))

/* ---- The parent ------------------------------------------------------------- */

static void set_trace_environment(BOOL on)
{
#ifdef _WIN32
    SetEnvironmentVariableA("TPOOL_TRACE", on ? "1" : NULL);
    SetEnvironmentVariableA("TPOOL_TRACE_FILE", on ? trace_path : NULL);
#else
    if (on)
    {
        setenv("TPOOL_TRACE", "1", 1);
        setenv("TPOOL_TRACE_FILE", trace_path, 1);
    }
    else
    {
        unsetenv("TPOOL_TRACE");
        unsetenv("TPOOL_TRACE_FILE");
    }
#endif
}

/* Runs a case with the trace on, into a new file, and reads its lines;
 * every line must have the trace's form. */
static void run_traced(const char *name, DWORD exception, const char *text, struct child_result *result,
                       struct trace *trace)
{
    static char lines[TRACE_LINES_MAX][TRACE_LINE_SIZE];
    unsigned int seconds, micro, count = 0, i;
    int offset;
    FILE *file;

    remove(trace_path);
    set_trace_environment(TRUE);
    child_run(cases, CASE_COUNT, name, CHILD_RELOAD, result);
    set_trace_environment(FALSE);
    child_check_result(name, exception, text, result);

    assert_non_null(file = fopen(trace_path, "r"));
    while (count < TRACE_LINES_MAX && fgets(lines[count], TRACE_LINE_SIZE, file))
        count++;
    fclose(file);
    remove(trace_path);

    assert_true(count < TRACE_LINES_MAX);
    for (i = 0; i < count; i++)
    {
        struct trace_line *entry = &trace->lines[i];
        char *end = strchr(lines[i], '\n');

        if (!end)
            fail_msg("line without its end: %s", lines[i]);
        *end = 0;
        offset = 0;
        if (sscanf(lines[i], "tpool-trace %u.%6u 0x%lx %n", &seconds, &micro, &entry->tid, &offset) != 3 ||
            !offset)
            fail_msg("not a trace line: %s", lines[i]);
        snprintf(entry->rest, sizeof(entry->rest), "%s", lines[i] + offset);
    }
    trace->count = count;
}

static void child_value(const char *output, const char *key, char *value, size_t size)
{
    char prefix[64];
    const char *found;

    snprintf(prefix, sizeof(prefix), "child: %s ", key);
    assert_non_null(found = strstr(output, prefix));
    found += strlen(prefix);
    /* the child's stdout is text: "\r\n" in the DLL's world */
    snprintf(value, size, "%.*s", (int)strcspn(found, "\r\n"), found);
}

static void read_expected(const char *output, struct expected *expected)
{
    char main_tid[32];

    child_value(output, "main", main_tid, sizeof(main_tid));
    expected->main_tid = strtoul(main_tid, NULL, 16);
    child_value(output, "context", expected->context, sizeof(expected->context));
    child_value(output, "work", expected->work_code, sizeof(expected->work_code));
    child_value(output, "simple", expected->simple_code, sizeof(expected->simple_code));
    child_value(output, "item", expected->item_code, sizeof(expected->item_code));
}

/* The first line from `from` on that starts with `start`; fails if none. */
static unsigned int find_line(const struct trace *trace, unsigned int from, const char *start)
{
    unsigned int i;

    for (i = from; i < trace->count; i++)
        if (!strncmp(trace->lines[i].rest, start, strlen(start)))
            return i;
    for (i = 0; i < trace->count; i++)
        print_message("%u: 0x%lx %s\n", i, trace->lines[i].tid, trace->lines[i].rest);
    fail_msg("no trace line from %u on starts with \"%s\"", from, start);
    return 0;
}

/* The object after `key` in the line ("= 0x...", "work 0x..."). */
static void object_after(const struct trace_line *line, const char *key, char *object, size_t size)
{
    const char *found = strstr(line->rest, key);

    assert_non_null(found);
    found += strlen(key);
    snprintf(object, size, "%.*s", (int)strcspn(found, " "), found);
}

static BOOL ends_with_duration(const struct trace_line *line)
{
    const char *last = strrchr(line->rest, ' ');
    char *end;

    if (!last)
        return FALSE;
    strtoul(last + 1, &end, 10);
    return end != last + 1 && !strcmp(end, "us");
}

static void test_trace_of_a_work_object(void **state)
{
    struct child_result result;
    struct expected expected;
    static struct trace trace;
    char start[256], work[32], pool[32];
    unsigned int create, submit, dispatch, finish, wait, close;

    run_traced("trace", 0, "child: done", &result, &trace);
    read_expected(result.output, &expected);

    snprintf(start, sizeof(start), "CreateThreadpoolWork(callback=%s context=%s environment=0x0) = 0x",
             expected.work_code, expected.context);
    create = find_line(&trace, 0, start);
    object_after(&trace.lines[create], " = ", work, sizeof(work));
    snprintf(start, sizeof(start), "SubmitThreadpoolWork(work=%s) ", work);
    submit = find_line(&trace, create + 1, start);
    snprintf(start, sizeof(start), "dispatch work %s %s pool=0x", work, expected.work_code);
    dispatch = find_line(&trace, 0, start);
    object_after(&trace.lines[dispatch], " pool=", pool, sizeof(pool));
    snprintf(start, sizeof(start), "return work %s %s pool=%s ", work, expected.work_code, pool);
    finish = find_line(&trace, dispatch + 1, start);
    snprintf(start, sizeof(start), "WaitForThreadpoolWorkCallbacks(work=%s cancel_pending=0) ", work);
    wait = find_line(&trace, finish + 1, start);
    snprintf(start, sizeof(start), "CloseThreadpoolWork(work=%s) ", work);
    close = find_line(&trace, wait + 1, start);

    assert_int_equal(trace.lines[create].tid, expected.main_tid);
    assert_int_equal(trace.lines[submit].tid, expected.main_tid);
    assert_int_equal(trace.lines[close].tid, expected.main_tid);
    assert_int_not_equal(trace.lines[dispatch].tid, expected.main_tid);
    assert_int_equal(trace.lines[finish].tid, trace.lines[dispatch].tid);
    assert_true(ends_with_duration(&trace.lines[submit]));
    assert_true(ends_with_duration(&trace.lines[finish]));
    assert_false(ends_with_duration(&trace.lines[dispatch]));
}

static void test_trace_of_simple_callbacks(void **state)
{
    struct child_result result;
    struct expected expected;
    static struct trace trace;
    char start[256], object[32];
    unsigned int submit, dispatch, members, i;

    run_traced("trace", 0, "child: done", &result, &trace);
    read_expected(result.output, &expected);

    snprintf(start, sizeof(start), "TrySubmitThreadpoolCallback(callback=%s context=0x0 environment=0x",
             expected.simple_code);
    submit = find_line(&trace, 0, start);
    assert_non_null(strstr(trace.lines[submit].rest, ") = 0x1 "));
    dispatch = find_line(&trace, 0, "dispatch simple ");
    object_after(&trace.lines[dispatch], "dispatch simple ", object, sizeof(object));
    snprintf(start, sizeof(start), "dispatch simple %s %s pool=", object, expected.simple_code);
    assert_int_equal(strncmp(trace.lines[dispatch].rest, start, strlen(start)), 0);
    snprintf(start, sizeof(start), "return simple %s %s pool=", object, expected.simple_code);
    members = find_line(&trace, find_line(&trace, dispatch + 1, start) + 1,
                        "CloseThreadpoolCleanupGroupMembers(group=0x");

    /* a wrapper of the legacy API is named by the function it calls */
    snprintf(start, sizeof(start), "QueueUserWorkItem(function=%s context=0x", expected.item_code);
    assert_non_null(strstr(trace.lines[find_line(&trace, members + 1, start)].rest, " flags=0x0) = 0x1 "));
    for (i = 0, dispatch = 0; i < trace.count; i++)
        if (!strncmp(trace.lines[i].rest, "dispatch simple ", 16) && strstr(trace.lines[i].rest, expected.item_code))
            dispatch++;
    assert_int_equal(dispatch, 1);

    /* the ntdll functions the Win32 ones call write no lines of their own */
    for (i = 0; i < trace.count; i++)
        if (!strncmp(trace.lines[i].rest, "Tp", 2))
            fail_msg("nested call traced: %s", trace.lines[i].rest);
}

static void test_trace_of_a_raising_call(void **state)
{
    struct child_result result;
    static struct trace trace;
    unsigned int line;

    run_traced("trace_raise", STATUS_INVALID_PARAMETER, NULL, &result, &trace);
    line = find_line(&trace, 0, "SubmitThreadpoolWork(work=0x0) raised ");
    assert_true(ends_with_duration(&trace.lines[line]));
    assert_int_equal(trace.count, 1);
}

static void set_trace_path(void)
{
#ifdef _WIN32
    char dir[MAX_PATH];

    GetTempPathA(sizeof(dir), dir);
    snprintf(trace_path, sizeof(trace_path), "%stpool-test-trace-%lu.txt", dir, GetCurrentProcessId());
#else
    snprintf(trace_path, sizeof(trace_path), "/tmp/tpool-test-trace-%ld.txt", (long)getpid());
#endif
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_trace_of_a_work_object),
        cmocka_unit_test(test_trace_of_simple_callbacks),
        cmocka_unit_test(test_trace_of_a_raising_call),
    };

    if (argc == 2)
        return child_main(cases, CASE_COUNT, argv[1]);
    set_trace_path();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
