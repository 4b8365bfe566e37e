/* Layer 1, Win32 backend: what tpool's diagnostics read of the process
 * and where they write: reports on stderr, the trace (read by tpool.dll's
 * entry point when the process attaches, before any thread can call it).
 * Wine's writes to a handle opened for appending are not atomic: the
 * process writes its trace lines one at a time, at the end of the file. */

#include "sys.h"
#include "report.h"

#include <string.h>

/* The pool function that got here keeps its caller's last error. */
static void write_handle(HANDLE output, const char *line, size_t length)
{
    DWORD written, error = GetLastError();

    if (output && output != INVALID_HANDLE_VALUE)
        WriteFile(output, line, (DWORD)length, &written, NULL);
    SetLastError(error);
}

void report_write(const char *line)
{
    write_handle(GetStdHandle(STD_ERROR_HANDLE), line, strlen(line));
}

BOOL trace_on;
LONGLONG trace_epoch;

static HANDLE trace_output;
static struct lock trace_output_lock = LOCK_INIT(LOCK_TRACE_OUTPUT);

void trace_sink_open(void)
{
    char value[4], path[MAX_PATH];
    DWORD error = GetLastError(), length;

    length = GetEnvironmentVariableA("TPOOL_TRACE", value, sizeof(value));
    if (length == 1 && value[0] == '1')
    {
        length = GetEnvironmentVariableA("TPOOL_TRACE_FILE", path, sizeof(path));
        if (length && length < sizeof(path))
        {
            trace_output = CreateFileA(path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE |
                                       FILE_SHARE_DELETE, NULL, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
            SetFilePointer(trace_output, 0, NULL, FILE_END);
        }
        else
            trace_output = GetStdHandle(STD_ERROR_HANDLE);
        if (trace_output && trace_output != INVALID_HANDLE_VALUE)
        {
            trace_epoch = clock_monotonic();
            trace_on = TRUE;
        }
    }
    SetLastError(error);
}

void trace_sink_write(const char *line, size_t length)
{
    lock_acquire(&trace_output_lock);
    write_handle(trace_output, line, length);
    lock_release(&trace_output_lock);
}

/* The pool function that got here keeps its caller's last error, which
 * GetEnvironmentVariable sets for a variable that is not there. */
ULONG report_env_number(const char *name, ULONG fallback)
{
    char value[16];
    DWORD error = GetLastError(), length = GetEnvironmentVariableA(name, value, sizeof(value)), i;
    ULONG number = 0;

    SetLastError(error);
    if (!length || length >= sizeof(value))
        return fallback;
    for (i = 0; i < length; i++)
    {
        if (value[i] < '0' || value[i] > '9')
            return fallback;
        number = number * 10 + (ULONG)(value[i] - '0');
    }
    return number;
}

static void module_base_name(HMODULE module, char *name, SIZE_T size)
{
    char path[MAX_PATH];
    const char *slash;
    DWORD length = GetModuleFileNameA(module, path, sizeof(path));

    if (!length || length >= sizeof(path))
    {
        text_format(name, size, "?");
        return;
    }
    slash = strrchr(path, '\\');
    text_format(name, size, "%s", slash ? slash + 1 : path);
}

void report_code_module(const void *address, char *name, SIZE_T size, ULONG_PTR *offset)
{
    HMODULE module;
    DWORD error = GetLastError();

    if (GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                           GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT, address, &module))
    {
        module_base_name(module, name, size);
        *offset = (ULONG_PTR)address - (ULONG_PTR)module;
    }
    else
    {
        text_format(name, size, "?");
        *offset = (ULONG_PTR)address;
    }
    SetLastError(error);
}

DWORD report_process(char *name, SIZE_T size)
{
    module_base_name(NULL, name, size);
    return GetCurrentProcessId();
}
