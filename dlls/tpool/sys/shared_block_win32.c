/* Layer 1, Win32 backend: the block other processes read (sys.h). */

#include "sys.h"

#include <string.h>

void *shared_block_create(SIZE_T size)
{
    char dir[MAX_PATH], path[MAX_PATH];
    OVERLAPPED first_byte = { 0 };
    DWORD error = GetLastError(), length;
    HANDLE file, mapping;
    void *block = NULL;

    length = GetEnvironmentVariableA("TPOOL_SHARED_DIR", dir, sizeof(dir));
    if (!length || length >= sizeof(dir))
    {
        length = GetEnvironmentVariableA("ProgramData", dir, sizeof(dir) - 6);
        if (!length || length >= sizeof(dir) - 6)
            text_format(dir, sizeof(dir), "C:\\ProgramData");
        text_format(dir + strlen(dir), 7, "\\tpool");
        CreateDirectoryA(dir, NULL);
    }
    text_format(path, sizeof(path), "%s\\tpool-%lu", dir, GetCurrentProcessId());
    /* the file goes with the process, however it ends */
    file = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                       NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_DELETE_ON_CLOSE, NULL);
    if (file != INVALID_HANDLE_VALUE)
    {
        /* the handles stay open: closing the file would release the lock */
        if (LockFileEx(file, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &first_byte) &&
            (mapping = CreateFileMappingA(file, NULL, PAGE_READWRITE, 0, (DWORD)size, NULL)))
            block = MapViewOfFile(mapping, FILE_MAP_WRITE, 0, 0, size);
        if (!block)
            CloseHandle(file);
    }
    SetLastError(error);
    return block;
}
