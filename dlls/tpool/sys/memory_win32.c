/* Layer 1, Win32 backend: memory, from the process heap as Windows' pool. */

#include "sys.h"

void *mem_alloc(SIZE_T size)
{
    return HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, size);
}

void mem_free(void *ptr)
{
    HeapFree(GetProcessHeap(), 0, ptr);
}
