/* Layer 1, POSIX backend: memory. */

#include <stdlib.h>

#include "sys.h"

void *mem_alloc(SIZE_T size)
{
    return calloc(1, size);
}

void mem_free(void *ptr)
{
    free(ptr);
}
