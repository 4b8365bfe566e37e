/* Layer 1, Win32 backend: what tpool's diagnostics read of the process
 * and where they write. */

#include "sys.h"

#include <string.h>

void report_write(const char *line)
{
    HANDLE output = GetStdHandle(STD_ERROR_HANDLE);
    DWORD written, error = GetLastError();

    if (output && output != INVALID_HANDLE_VALUE)
        WriteFile(output, line, (DWORD)strlen(line), &written, NULL);
    SetLastError(error);
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
