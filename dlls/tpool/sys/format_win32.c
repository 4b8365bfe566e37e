/* Layer 1, Win32 backend: formatting text with ntdll's printf.  tpool.dll
 * imports no C runtime DLL: a drop-in kernel32 whose dependencies loaded
 * msvcrt would initialise it before kernel32 (docs/wine-dropin.md). */

#include "sys.h"

#include <stdarg.h>

int __cdecl _vsnprintf(char *buffer, size_t size, const char *format, va_list args);

void text_format(char *buffer, size_t size, const char *format, ...)
{
    va_list args;

    if (!size)
        return;
    va_start(args, format);
    _vsnprintf(buffer, size, format, args);
    va_end(args);
    /* on truncation ntdll leaves the buffer unterminated */
    buffer[size - 1] = 0;
}
