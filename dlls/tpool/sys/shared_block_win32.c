/* Layer 1, Win32 backend: the block other processes read (sys.h).  The
 * file is deleted when the process's handles close, however the process
 * ends (not if it is renamed: Wine then leaves it), and files left by
 * processes gone (unlocked) are removed when a block is made.  A process
 * removing them may hold the lock of a new block for an instant: its
 * maker tries again. */

#include "sys.h"
#include "report.h"
#include "tpoolshared.h"

#include <string.h>

static void remove_stale_blocks(const char *dir)
{
    char pattern[MAX_PATH], path[MAX_PATH];
    OVERLAPPED first_byte = { 0 };
    WIN32_FIND_DATAA found;
    HANDLE search, file;
    BOOL stale;

    text_format(pattern, sizeof(pattern), "%s\\tpool-*", dir);
    if ((search = FindFirstFileA(pattern, &found)) == INVALID_HANDLE_VALUE)
        return;
    do
    {
        if (!tpool_shared_is_block_name(found.cFileName))
            continue;
        text_format(path, sizeof(path), "%s\\%s", dir, found.cFileName);
        file = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           NULL, OPEN_EXISTING, 0, NULL);
        if (file == INVALID_HANDLE_VALUE)
            continue;
        stale = LockFileEx(file, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &first_byte);
        if (stale)
            UnlockFileEx(file, 0, 1, 0, &first_byte);
        CloseHandle(file);
        if (stale)
            DeleteFileA(path);
    } while (FindNextFileA(search, &found));
    FindClose(search);
}

static void block_dir(char *dir, SIZE_T size)
{
    DWORD length = GetEnvironmentVariableA("TPOOL_SHARED_DIR", dir, (DWORD)size);

    if (length && length < size)
        return;
    length = GetEnvironmentVariableA("ProgramData", dir, (DWORD)size - 6);
    if (!length || length >= size - 6)
        text_format(dir, size, "C:\\ProgramData");
    text_format(dir + strlen(dir), 7, "\\tpool");
    CreateDirectoryA(dir, NULL);
}

void *shared_block_create(SIZE_T size)
{
    char dir[MAX_PATH - 32], path[MAX_PATH];
    OVERLAPPED first_byte = { 0 };
    DWORD error = GetLastError();
    HANDLE file, mapping;
    void *block = NULL;
    int tries;

    block_dir(dir, sizeof(dir));
    remove_stale_blocks(dir);
    text_format(path, sizeof(path), "%s\\tpool-%lu", dir, GetCurrentProcessId());
    file = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                       NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_DELETE_ON_CLOSE, NULL);
    if (file == INVALID_HANDLE_VALUE)
    {
        SetLastError(error);
        return NULL;
    }
    for (tries = 0; tries < 100; tries++)
    {
        if (LockFileEx(file, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &first_byte))
            break;
        SwitchToThread();
    }
    /* the handles stay open: closing the file would release the lock */
    if (tries < 100 && (mapping = CreateFileMappingA(file, NULL, PAGE_READWRITE, 0, (DWORD)size, NULL)) &&
        !(block = MapViewOfFile(mapping, FILE_MAP_WRITE, 0, 0, size)))
        CloseHandle(mapping);
    if (!block)
        CloseHandle(file);
    SetLastError(error);
    return block;
}
