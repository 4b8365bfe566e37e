/* Layer 1, Win32 backend: where the trace goes (sys.h).  Read by
 * tpool.dll's entry point when the process attaches, before any thread can
 * call it.  Wine's writes to a handle opened for appending are not atomic:
 * the process's lines are written one at a time. */

#include "sys.h"

BOOL trace_on;
LONGLONG trace_epoch;

static HANDLE trace_output;
static struct lock trace_output_lock = LOCK_INIT;

void trace_sink_open(void)
{
    char value[4], path[MAX_PATH];
    DWORD error = GetLastError(), length;

    length = GetEnvironmentVariableA("TPOOL_TRACE", value, sizeof(value));
    if (length == 1 && value[0] == '1')
    {
        length = GetEnvironmentVariableA("TPOOL_TRACE_FILE", path, sizeof(path));
        if (length && length < sizeof(path))
            trace_output = CreateFileA(path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE |
                                       FILE_SHARE_DELETE, NULL, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
        else
            trace_output = GetStdHandle(STD_ERROR_HANDLE);
        if (trace_output && trace_output != INVALID_HANDLE_VALUE)
        {
            SetFilePointer(trace_output, 0, NULL, FILE_END);
            trace_epoch = clock_monotonic();
            trace_on = TRUE;
        }
    }
    SetLastError(error);
}

void trace_sink_write(const char *line, size_t length)
{
    DWORD written, error = GetLastError();

    lock_acquire(&trace_output_lock);
    WriteFile(trace_output, line, (DWORD)length, &written, NULL);
    lock_release(&trace_output_lock);
    SetLastError(error);
}
