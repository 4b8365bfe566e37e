/* Layer 1, POSIX backend: what tpool's diagnostics read of the process
 * and where they write: reports on stderr, the trace (read when the
 * library is loaded, before any thread can call it). */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "sys.h"
#include "report.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void write_fully(int fd, const char *line, size_t length)
{
    ssize_t written;

    while (length && (written = write(fd, line, length)) > 0)
    {
        line += written;
        length -= (size_t)written;
    }
}

void report_write(const char *line)
{
    write_fully(STDERR_FILENO, line, strlen(line));
}

BOOL trace_on;
LONGLONG trace_epoch;

static int trace_fd = STDERR_FILENO;

__attribute__((constructor)) void trace_sink_open(void)
{
    const char *value = getenv("TPOOL_TRACE"), *path = getenv("TPOOL_TRACE_FILE");
    int fd;

    if (!value || strcmp(value, "1"))
        return;
    if (path && *path)
    {
        /* one write a line, appended: lines of several threads and
         * processes do not mix */
        if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) < 0)
            return;
        trace_fd = fd;
    }
    trace_epoch = clock_monotonic();
    trace_on = TRUE;
}

void trace_sink_write(const char *line, size_t length)
{
    write_fully(trace_fd, line, length);
}

ULONG report_env_number(const char *name, ULONG fallback)
{
    const char *value = getenv(name);
    char *end;
    unsigned long number;

    if (!value || !*value)
        return fallback;
    number = strtoul(value, &end, 10);
    return *end ? fallback : (ULONG)number;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

void report_code_module(const void *address, char *name, SIZE_T size, ULONG_PTR *offset)
{
    Dl_info info;

    if (dladdr(address, &info) && info.dli_fname)
    {
        text_format(name, size, "%s", base_name(info.dli_fname));
        *offset = (ULONG_PTR)address - (ULONG_PTR)info.dli_fbase;
        return;
    }
    text_format(name, size, "?");
    *offset = (ULONG_PTR)address;
}

DWORD report_process(char *name, SIZE_T size)
{
    char path[4096];
    ssize_t length = readlink("/proc/self/exe", path, sizeof(path) - 1);

    path[length > 0 ? length : 0] = 0;
    text_format(name, size, "%s", length > 0 ? base_name(path) : "?");
    return (DWORD)getpid();
}
