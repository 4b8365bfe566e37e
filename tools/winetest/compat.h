/*
 * What mingw-w64's headers lack to build Wine's thread pool conformance
 * tests (tools/winetest.sh); force-included ahead of each test source.
 * Wine's sources include ntstatus.h ahead of the Win32 headers with
 * WIN32_NO_STATUS, so this header does the same.
 */

#ifndef TPOOL_WINETEST_COMPAT_H
#define TPOOL_WINETEST_COMPAT_H

#include <ntstatus.h>
#define WIN32_NO_STATUS
#include <windows.h>

/* Wine's IO_STATUS_BLOCK names its union (NONAMELESSUNION gives "u"). */
#define IO_STATUS_BLOCK mingw_IO_STATUS_BLOCK
#define PIO_STATUS_BLOCK mingw_PIO_STATUS_BLOCK
#include <winternl.h>
#undef IO_STATUS_BLOCK
#undef PIO_STATUS_BLOCK
/* Wine 10's names it not: both spellings reach the same fields. */
typedef struct
{
    union
    {
        union
        {
            NTSTATUS Status;
            PVOID Pointer;
        };
        union
        {
            NTSTATUS Status;
            PVOID Pointer;
        } u;
    };
    ULONG_PTR Information;
} IO_STATUS_BLOCK, *PIO_STATUS_BLOCK;

typedef VOID (NTAPI *PTP_IO_CALLBACK)(PTP_CALLBACK_INSTANCE, PVOID, PVOID, IO_STATUS_BLOCK *, PTP_IO);

/* The ntdll legacy pool functions the tests import, as Wine's winternl.h
 * declares them. */
typedef DWORD (CALLBACK *PRTL_WORK_ITEM_ROUTINE)(LPVOID);
typedef void (NTAPI *RTL_WAITORTIMERCALLBACKFUNC)(PVOID, BOOLEAN);
NTSTATUS WINAPI RtlQueueWorkItem(PRTL_WORK_ITEM_ROUTINE, PVOID, ULONG);
NTSTATUS WINAPI RtlRegisterWait(PHANDLE, HANDLE, RTL_WAITORTIMERCALLBACKFUNC, PVOID, ULONG, ULONG);
NTSTATUS WINAPI RtlDeregisterWait(HANDLE);
NTSTATUS WINAPI RtlDeregisterWaitEx(HANDLE, HANDLE);

typedef void (NTAPI *PNTAPCFUNC)(ULONG_PTR, ULONG_PTR, ULONG_PTR);

/* Attributes of Wine's headers. */
#define __WINE_ALLOC_SIZE(...)
#define __WINE_MALLOC
#ifndef DECLSPEC_EXPORT
#define DECLSPEC_EXPORT
#endif

/* Wine's TEB and PEB name fields that mingw-w64's leave reserved. */
#define Peb ProcessEnvironmentBlock
#define ImageBaseAddress Reserved3[1]

/* ntdll's RtlImageNtHeader, which mingw-w64's i686 ntdll library lacks. */
static inline IMAGE_NT_HEADERS *winetest_image_nt_header(HMODULE module)
{
    const IMAGE_DOS_HEADER *dos = (const IMAGE_DOS_HEADER *)module;
    return (IMAGE_NT_HEADERS *)((char *)module + dos->e_lfanew);
}
#define RtlImageNtHeader winetest_image_nt_header

/* The tests find most functions with GetModuleHandle("ntdll"/"kernel32")
 * and GetProcAddress.  Built against tpool, a lookup in ntdll or kernel32
 * of a name tpool.dll exports resolves in tpool.dll (support.c), as the
 * functions the tests import do through tpool's import library. */
FARPROC WINAPI winetest_get_proc_address(HMODULE module, LPCSTR name);
#ifdef WINETEST_TPOOL
# define GetProcAddress winetest_get_proc_address
#endif

/* Prints the proof that tpool served the test: where tpool.dll was loaded
 * from, the lookups redirected and the callbacks tpool ran. */
void winetest_tpool_report(void);

#endif
