/*
 * System clocks.
 */

#ifndef _SYSINFOAPI_H_
#define _SYSINFOAPI_H_

#include <windef.h>

#ifdef __cplusplus
extern "C" {
#endif

WINBASEAPI DWORD WINAPI GetTickCount(VOID);
#if _WIN32_WINNT >= 0x0600
WINBASEAPI ULONGLONG WINAPI GetTickCount64(VOID);
#endif
WINBASEAPI VOID WINAPI GetSystemTimeAsFileTime(LPFILETIME lpSystemTimeAsFileTime);
#if _WIN32_WINNT >= 0x0602
WINBASEAPI VOID WINAPI GetSystemTimePreciseAsFileTime(LPFILETIME lpSystemTimeAsFileTime);
#endif

#ifdef __cplusplus
}
#endif

#endif /* _SYSINFOAPI_H_ */
