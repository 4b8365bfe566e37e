/* Layer 1, Win32 backend: memory, from the process heap as Windows' pool. */

#include "sys.h"

void *mem_alloc(SIZE_T size)
{
    void *ptr;

    if (fault_injected(TPOOL_FAULT_ALLOCATION))
        return NULL;
    ptr = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, size);
    fault_count_allocation(ptr);
    return ptr;
}

void mem_free(void *ptr)
{
    fault_count_free(ptr);
    HeapFree(GetProcessHeap(), 0, ptr);
}
