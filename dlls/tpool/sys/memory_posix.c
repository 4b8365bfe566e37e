/* Layer 1, POSIX backend: memory. */

#include <stdlib.h>

#include "sys.h"

void *mem_alloc(SIZE_T size)
{
    void *ptr;

    if (fault_injected(TPOOL_FAULT_ALLOCATION))
        return NULL;
    ptr = calloc(1, size);
    fault_count_allocation(ptr);
    return ptr;
}

void mem_free(void *ptr)
{
    fault_count_free(ptr);
    free(ptr);
}
