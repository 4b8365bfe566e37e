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
    /* on truncation ntdll returns -1 and leaves the buffer unterminated */
    if (_vsnprintf(buffer, size, format, args) < 0)
        buffer[size - 1] = 0;
    va_end(args);
    buffer[size - 1] = 0;
}
