/* Layer 1, POSIX backend: where the trace goes (sys.h).  Read when the
 * library is loaded, before any thread can call it. */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "sys.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    ssize_t written;

    while (length && (written = write(trace_fd, line, length)) > 0)
    {
        line += written;
        length -= (size_t)written;
    }
}
