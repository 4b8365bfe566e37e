/*
 * Loading libraries (natively through dlopen; an HMODULE is its handle).
 */

#ifndef _LIBLOADERAPI_H_
#define _LIBLOADERAPI_H_

#include <windef.h>

#ifdef __cplusplus
extern "C" {
#endif

WINBASEAPI HMODULE WINAPI LoadLibraryA(LPCSTR lpLibFileName);
WINBASEAPI HMODULE WINAPI LoadLibraryW(LPCWSTR lpLibFileName);
WINBASEAPI BOOL WINAPI FreeLibrary(HMODULE hLibModule);

#ifdef UNICODE
#define LoadLibrary LoadLibraryW
#else
#define LoadLibrary LoadLibraryA
#endif

#ifdef __cplusplus
}
#endif

#endif /* _LIBLOADERAPI_H_ */
