/*
 * Native libraries: LoadLibrary and FreeLibrary over dlopen, so that
 * FreeLibraryWhenCallbackReturns and SetThreadpoolCallbackLibrary have a
 * module handle to work with.  An HMODULE is the dlopen handle.
 */

#include <dlfcn.h>
#include <link.h>
#include <stdlib.h>

#include "sys.h"

HMODULE WINAPI LoadLibraryA(LPCSTR name)
{
    void *handle;

    if (!name)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    if (!(handle = dlopen(name, RTLD_NOW)))
        SetLastError(ERROR_MOD_NOT_FOUND);
    return handle;
}

/* UTF-16 to UTF-8, enough for file names. */
static char *utf16_to_utf8(LPCWSTR name)
{
    SIZE_T length = 0, i, out = 0;
    char *utf8;

    while (name[length])
        length++;
    if (!(utf8 = malloc(length * 3 + 1)))
        return NULL;
    for (i = 0; i < length; i++)
    {
        unsigned int c = name[i];
        if (c >= 0xd800 && c < 0xdc00 && i + 1 < length && name[i + 1] >= 0xdc00 && name[i + 1] < 0xe000)
            c = 0x10000 + ((c - 0xd800) << 10) + (name[++i] - 0xdc00);
        if (c < 0x80)
            utf8[out++] = c;
        else if (c < 0x800)
        {
            utf8[out++] = 0xc0 | (c >> 6);
            utf8[out++] = 0x80 | (c & 0x3f);
        }
        else if (c < 0x10000)
        {
            utf8[out++] = 0xe0 | (c >> 12);
            utf8[out++] = 0x80 | ((c >> 6) & 0x3f);
            utf8[out++] = 0x80 | (c & 0x3f);
        }
        else
        {
            utf8[out++] = 0xf0 | (c >> 18);
            utf8[out++] = 0x80 | ((c >> 12) & 0x3f);
            utf8[out++] = 0x80 | ((c >> 6) & 0x3f);
            utf8[out++] = 0x80 | (c & 0x3f);
        }
    }
    utf8[out] = 0;
    return utf8;
}

HMODULE WINAPI LoadLibraryW(LPCWSTR name)
{
    HMODULE module;
    char *utf8;

    if (!name)
    {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    if (!(utf8 = utf16_to_utf8(name)))
    {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    module = LoadLibraryA(utf8);
    free(utf8);
    return module;
}

BOOL WINAPI FreeLibrary(HMODULE module)
{
    if (!module || dlclose(module))
    {
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    return TRUE;
}

/* dlopen of the library's own path takes one more reference on it. */
NTSTATUS library_addref(HMODULE library)
{
    struct link_map *map;

    if (!library || dlinfo(library, RTLD_DI_LINKMAP, &map) || !map)
        return STATUS_INVALID_HANDLE;
    if (!dlopen(map->l_name[0] ? map->l_name : NULL, RTLD_NOW | RTLD_NOLOAD))
        return STATUS_INVALID_HANDLE;
    return STATUS_SUCCESS;
}
