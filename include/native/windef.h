/*
 * Base types of the Win32 API for native (non-Windows) builds.
 */

#ifndef _WINDEF_
#define _WINDEF_

#ifdef _WIN32
#error "these headers are for native builds; use the mingw-w64 headers on Windows"
#endif

#include <stddef.h>
#include <stdint.h>

/* Winelib convention: code tests _WIN64 for the 64-bit layout. */
#if defined(__LP64__) && !defined(_WIN64)
#define _WIN64
#endif

#define _WIN32_WINNT_VISTA 0x0600
#define _WIN32_WINNT_WIN7  0x0601
#define _WIN32_WINNT_WIN8  0x0602
#define _WIN32_WINNT_WIN10 0x0A00

#ifndef _WIN32_WINNT
#define _WIN32_WINNT _WIN32_WINNT_WIN10
#endif
#ifndef WINVER
#define WINVER _WIN32_WINNT
#endif

#if !defined(STRICT) && !defined(NO_STRICT)
#define STRICT 1
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Calling conventions do not exist on the native ABI. */
#ifndef __stdcall
#define __stdcall
#endif
#ifndef __cdecl
#define __cdecl
#endif
#define WINAPI
#define WINAPIV
#define APIENTRY WINAPI
#define CALLBACK
#define NTAPI
#define CDECL

#if defined(__GNUC__)
#define DECLSPEC_EXPORT __attribute__((visibility("default")))
#else
#define DECLSPEC_EXPORT
#endif
#define DECLSPEC_IMPORT

/* Public declarations keep default visibility so that the library exports
 * them even when built with -fvisibility=hidden. */
#ifndef WINBASEAPI
#define WINBASEAPI DECLSPEC_EXPORT
#endif
#ifndef NTSYSAPI
#define NTSYSAPI DECLSPEC_EXPORT
#endif

/* As mingw-w64's __forceinline: always inlined, never emitted out of line. */
#ifndef FORCEINLINE
#if defined(__GNUC__)
#define FORCEINLINE extern __inline__ __attribute__((__always_inline__, __gnu_inline__))
#else
#define FORCEINLINE static inline
#endif
#endif

#ifndef CONST
#define CONST const
#endif
#ifndef IN
#define IN
#endif
#ifndef OUT
#define OUT
#endif
#ifndef OPTIONAL
#define OPTIONAL
#endif

#ifndef VOID
#define VOID void
#endif

typedef void *PVOID, *LPVOID;
typedef const void *LPCVOID;

typedef char CHAR, *PCHAR, *PSTR, *LPSTR;
typedef const CHAR *PCSTR, *LPCSTR;
typedef unsigned short WCHAR, *PWCHAR, *PWSTR, *LPWSTR;
typedef const WCHAR *PCWSTR, *LPCWSTR;
typedef unsigned char UCHAR, *PUCHAR;
typedef unsigned char BYTE, *PBYTE, *LPBYTE;
typedef short SHORT, *PSHORT;
typedef unsigned short USHORT, *PUSHORT;
typedef unsigned short WORD, *PWORD, *LPWORD;
typedef int INT, *PINT, *LPINT;
typedef unsigned int UINT, *PUINT;

/* LONG, ULONG and DWORD are 32 bits, as on Windows, not the LP64 long. */
typedef int LONG, *PLONG, *LPLONG;
typedef unsigned int ULONG, *PULONG;
typedef unsigned int DWORD, *PDWORD, *LPDWORD;

typedef long long LONGLONG, *PLONGLONG;
typedef unsigned long long ULONGLONG, *PULONGLONG;
typedef long long LONG64, *PLONG64;
typedef unsigned long long ULONG64, *PULONG64;
typedef unsigned long long DWORD64, *PDWORD64;
typedef long long INT64, *PINT64;
typedef unsigned long long UINT64, *PUINT64;

/* The pointer-sized types are the C ones, so that SIZE_T is size_t. */
typedef intptr_t INT_PTR, *PINT_PTR;
typedef uintptr_t UINT_PTR, *PUINT_PTR;
typedef intptr_t LONG_PTR, *PLONG_PTR;
typedef uintptr_t ULONG_PTR, *PULONG_PTR;
typedef ULONG_PTR DWORD_PTR, *PDWORD_PTR;
typedef ULONG_PTR SIZE_T, *PSIZE_T;
typedef LONG_PTR SSIZE_T, *PSSIZE_T;

typedef int BOOL, *PBOOL, *LPBOOL;
typedef BYTE BOOLEAN, *PBOOLEAN;

typedef LONG NTSTATUS, *PNTSTATUS;

typedef void *HANDLE, **PHANDLE, **LPHANDLE;

#ifdef STRICT
#define DECLARE_HANDLE(name) struct name##__ { int unused; }; typedef struct name##__ *name
#else
#define DECLARE_HANDLE(name) typedef HANDLE name
#endif

DECLARE_HANDLE(HINSTANCE);
typedef HINSTANCE HMODULE;

typedef union _LARGE_INTEGER
{
    struct
    {
        DWORD LowPart;
        LONG HighPart;
    };
    struct
    {
        DWORD LowPart;
        LONG HighPart;
    } u;
    LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef union _ULARGE_INTEGER
{
    struct
    {
        DWORD LowPart;
        DWORD HighPart;
    };
    struct
    {
        DWORD LowPart;
        DWORD HighPart;
    } u;
    ULONGLONG QuadPart;
} ULARGE_INTEGER, *PULARGE_INTEGER;

#ifndef _FILETIME_
#define _FILETIME_
typedef struct _FILETIME
{
    DWORD dwLowDateTime;
    DWORD dwHighDateTime;
} FILETIME, *PFILETIME, *LPFILETIME;
#endif

#ifndef FALSE
#define FALSE 0
#endif
#ifndef TRUE
#define TRUE 1
#endif

#define MAXCHAR     0x7f
#define MAXSHORT    0x7fff
#define MINLONG     0x80000000
#define MAXLONG     0x7fffffff
#define MAXBYTE     0xff
#define MAXWORD     0xffff
#define MAXDWORD    0xffffffff
#define MAXULONG    0xffffffff
#define MAXLONGLONG (0x7fffffffffffffffll)

#define MAX_PATH 260

#define INFINITE 0xffffffff
#define INVALID_HANDLE_VALUE ((HANDLE)(LONG_PTR)-1)

#define FIELD_OFFSET(type, field) ((LONG)offsetof(type, field))
#define CONTAINING_RECORD(address, type, field) \
    ((type *)((PCHAR)(address) - offsetof(type, field)))

#define UNREFERENCED_PARAMETER(P) ((void)(P))
#define UNREFERENCED_LOCAL_VARIABLE(V) ((void)(V))
#define DBG_UNREFERENCED_PARAMETER(P) ((void)(P))
#define DBG_UNREFERENCED_LOCAL_VARIABLE(V) ((void)(V))

#ifdef __cplusplus
}
#endif

#endif /* _WINDEF_ */
