/*
 * tpool's own extensions to the Windows thread pool API.
 * Include after <windows.h>.
 */

#ifndef TPOOL_H
#define TPOOL_H

#ifdef __cplusplus
extern "C" {
#endif

#ifdef _WIN32
# ifdef TPOOL_BUILDING
#  define TPOOLAPI
# else
#  define TPOOLAPI __declspec(dllimport)
# endif
#else
# define TPOOLAPI
#endif

/* The version of the tpool implementation serving this process, e.g.
 * "tpool 0.1.0".  Present only in tpool: a program can use it to tell
 * whether its thread pool calls reach tpool. */
TPOOLAPI const char *WINAPI tpool_version(void);

#ifndef _WIN32
/* Natively there is no kernel to complete overlapped I/O: whoever performs
 * an operation on a handle bound to a thread pool I/O object reports its
 * completion here.  As Windows, it stores status and information in the
 * OVERLAPPED's Internal and InternalHigh; the object's callback then gets
 * them (the status as a Win32 error).  FALSE with ERROR_INVALID_HANDLE
 * when no I/O object is bound to the handle. */
TPOOLAPI BOOL WINAPI tpool_complete_io(HANDLE file, OVERLAPPED *overlapped, NTSTATUS status,
                                       ULONG_PTR information);
#endif

#ifdef __cplusplus
}
#endif

#endif
