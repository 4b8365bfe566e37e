/* Layer 1, POSIX backend: formatting text. */

#include "sys.h"

#include <stdarg.h>
#include <stdio.h>

void text_format(char *buffer, size_t size, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    vsnprintf(buffer, size, format, args);
    va_end(args);
}
