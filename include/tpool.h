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

#ifdef __cplusplus
}
#endif

#endif
