/*
 * Running a case in a child process, for the cases that end it: an
 * exception the API raises.  Under Windows the child is the test program
 * run again with the case's name, and its unhandled exception filter
 * prints the exception and its parameters and exits with the exception
 * code; natively the child is forked (the parent never calls tpool, so the
 * child starts with a fresh library) and tpool aborts after naming the
 * status on stderr.  A case that needs the library loaded afresh (what it
 * reads of the environment at load) is, natively too, the program run
 * again.  One source for both worlds.
 */

#ifndef TPOOL_TEST_CHILD_H
#define TPOOL_TEST_CHILD_H

#include "test_util.h"

#include <inttypes.h>
#include <stdio.h>

#ifndef _WIN32
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

#define CHILD_SKIPPED   77      /* the case cannot be set up here */
#define CHILD_TIMED_OUT 124     /* the expected exception never came */
#define CHILD_WATCHDOG  60      /* seconds; only turns a hang into a failure */

struct child_case
{
    const char *name;
    int (*run)(void);
};

/* How a child runs. */
#define CHILD_CHECKED 1         /* with TPOOL_CHECKED=1, else the parent's TPOOL_CHECKED */
#define CHILD_RELOAD  2         /* natively too the program run again, not only forked */

struct child_result
{
    DWORD exception;            /* the exception that ended the child, or 0 */
    DWORD exit_code;            /* when it exited instead */
    char output[8192];          /* its stdout and stderr */
};

static inline int child_run_case(const struct child_case *cases, size_t count, const char *name)
{
    size_t i;

    for (i = 0; i < count; i++)
        if (!strcmp(cases[i].name, name))
            return cases[i].run();
    fprintf(stderr, "child: no case %s\n", name);
    return 2;
}

#ifdef _WIN32
static LONG WINAPI child_exception_filter(EXCEPTION_POINTERS *pointers)
{
    const EXCEPTION_RECORD *record = pointers->ExceptionRecord;
    DWORD i;

    printf("child: exception 0x%08lx", record->ExceptionCode);
    for (i = 0; i < record->NumberParameters; i++)
        printf("%s0x%" PRIxPTR, i ? ", " : " [", (uintptr_t)record->ExceptionInformation[i]);
    printf("%s\n", record->NumberParameters ? "]" : "");
    fflush(stdout);
    /* before Wine would start its debugger, and without DLL detach */
    TerminateProcess(GetCurrentProcess(), record->ExceptionCode);
    return EXCEPTION_EXECUTE_HANDLER;
}

static DWORD WINAPI child_watchdog(void *arg)
{
    Sleep(CHILD_WATCHDOG * 1000);
    printf("child: timed out\n");
    fflush(stdout);
    TerminateProcess(GetCurrentProcess(), CHILD_TIMED_OUT);
    return 0;
}

/* The child's main: runs the case `name` of `cases`. */
static inline int child_main(const struct child_case *cases, size_t count, const char *name)
{
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
    SetUnhandledExceptionFilter(child_exception_filter);
    CloseHandle(CreateThread(NULL, 0, child_watchdog, NULL, 0, NULL));
    return child_run_case(cases, count, name);
}

/* Reads everything the child writes, keeping what fits. */
static inline void child_read_output(HANDLE pipe, struct child_result *result)
{
    size_t size = 0;
    char buffer[512];
    DWORD got;

    while (ReadFile(pipe, buffer, sizeof(buffer), &got, NULL) && got)
    {
        if (got > sizeof(result->output) - 1 - size)
            got = (DWORD)(sizeof(result->output) - 1 - size);
        memcpy(result->output + size, buffer, got);
        size += got;
    }
    result->output[size] = 0;
}

/* Runs the case `name` of `cases` in a child, as `flags` say; the
 * program's main calls child_main when given a name. */
static inline void child_run(const struct child_case *cases, size_t count, const char *name,
                             unsigned int flags, struct child_result *result)
{
    SECURITY_ATTRIBUTES inherit = { sizeof(inherit), NULL, TRUE };
    STARTUPINFOA startup;
    PROCESS_INFORMATION process;
    char path[MAX_PATH], command[MAX_PATH + 64];
    HANDLE read_end, write_end;
    DWORD code, checked_length;
    char checked[16];
    BOOL started;

    assert_true(GetModuleFileNameA(NULL, path, sizeof(path)));
    snprintf(command, sizeof(command), "\"%s\" %s", path, name);
    assert_true(CreatePipe(&read_end, &write_end, &inherit, 0));
    SetHandleInformation(read_end, HANDLE_FLAG_INHERIT, 0);
    memset(&startup, 0, sizeof(startup));
    startup.cb = sizeof(startup);
    startup.dwFlags = STARTF_USESTDHANDLES;
    startup.hStdOutput = startup.hStdError = write_end;
    checked_length = GetEnvironmentVariableA("TPOOL_CHECKED", checked, sizeof(checked));
    if (flags & CHILD_CHECKED)
        SetEnvironmentVariableA("TPOOL_CHECKED", "1");
    started = CreateProcessA(path, command, NULL, NULL, TRUE, 0, NULL, NULL, &startup, &process);
    if (!started)
        print_message("CreateProcess %s: error %lu\n", command, (unsigned long)GetLastError());
    SetEnvironmentVariableA("TPOOL_CHECKED", checked_length && checked_length < sizeof(checked) ? checked : NULL);
    CloseHandle(write_end);
    assert_true(started);
    child_read_output(read_end, result);
    CloseHandle(read_end);
    assert_int_equal(WaitForSingleObject(process.hProcess, INFINITE), WAIT_OBJECT_0);
    assert_true(GetExitCodeProcess(process.hProcess, &code));
    CloseHandle(process.hProcess);
    CloseHandle(process.hThread);
    /* exception codes have both severity bits set, exit codes here do not */
    result->exception = (code & 0xc0000000) == 0xc0000000 ? code : 0;
    result->exit_code = result->exception ? 0 : code;
}
#else
static inline int child_main(const struct child_case *cases, size_t count, const char *name)
{
    struct rlimit no_core = { 0, 0 };

    setrlimit(RLIMIT_CORE, &no_core);
    signal(SIGABRT, SIG_DFL);
    signal(SIGSEGV, SIG_DFL);
    alarm(CHILD_WATCHDOG);
    return child_run_case(cases, count, name);
}

static inline void child_read_output(int pipe, struct child_result *result)
{
    size_t size = 0;
    char buffer[512];
    ssize_t got;

    while ((got = read(pipe, buffer, sizeof(buffer))) > 0 || (got < 0 && errno == EINTR))
    {
        if (got < 0)
            continue;
        if ((size_t)got > sizeof(result->output) - 1 - size)
            got = (ssize_t)(sizeof(result->output) - 1 - size);
        memcpy(result->output + size, buffer, (size_t)got);
        size += (size_t)got;
    }
    result->output[size] = 0;
}

/* tpool's report: "tpool: exception 0x<status> ..." before abort(). */
static inline DWORD child_reported_exception(const char *output)
{
    const char *report = strstr(output, "tpool: exception 0x");
    return report ? (DWORD)strtoul(report + strlen("tpool: exception 0x"), NULL, 16) : 0;
}

/* The program again, with the case's name; the path is the one valgrind
 * gives its client for /proc/self/exe. */
static inline void child_exec(const char *name)
{
    char path[4096], *args[3];
    ssize_t length = readlink("/proc/self/exe", path, sizeof(path) - 1);

    if (length > 0)
    {
        path[length] = 0;
        args[0] = program_invocation_name;
        args[1] = (char *)name;
        args[2] = NULL;
        execv(path, args);
    }
    _exit(127);
}

static inline void child_run(const struct child_case *cases, size_t count, const char *name,
                             unsigned int flags, struct child_result *result)
{
    int fds[2], status;
    pid_t pid;

    assert_int_equal(pipe(fds), 0);
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    assert_true(pid >= 0);
    if (!pid)
    {
        close(fds[0]);
        dup2(fds[1], STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        close(fds[1]);
        if (flags & CHILD_CHECKED)
            setenv("TPOOL_CHECKED", "1", 1);
        if (flags & CHILD_RELOAD)
            child_exec(name);
        _exit(child_main(cases, count, name));
    }
    close(fds[1]);
    child_read_output(fds[0], result);
    close(fds[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    result->exception = 0;
    result->exit_code = 0;
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT)
        result->exception = child_reported_exception(result->output);
    else if (WIFEXITED(status))
        result->exit_code = (DWORD)WEXITSTATUS(status);
    else
        result->exit_code = 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
#endif

/* The case `name` must have ended with `exception` (0: exited normally)
 * and written `text` (if not NULL); one that could not be set up is
 * skipped. */
static inline void child_check_result(const char *name, DWORD exception, const char *text,
                                      const struct child_result *result)
{
    if (!result->exception && result->exit_code == CHILD_SKIPPED)
    {
        print_message("%s cannot be set up here\n", name);
        skip();
    }
    if (result->exception != exception || result->exit_code || (text && !strstr(result->output, text)))
        print_message("child %s: exception 0x%08lx, exit code %lu, output:\n%s", name,
                      (unsigned long)result->exception, (unsigned long)result->exit_code,
                      result->output);
    assert_int_equal(result->exception, exception);
    assert_int_equal(result->exit_code, 0);
    if (text)
        assert_non_null(strstr(result->output, text));
}

static inline void child_check(const struct child_case *cases, size_t count, const char *name,
                               unsigned int flags, DWORD exception, const char *text,
                               struct child_result *result)
{
    child_run(cases, count, name, flags, result);
    child_check_result(name, exception, text, result);
}

#endif
