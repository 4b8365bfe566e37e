/*
 * Process and thread identity.
 */

#ifndef _PROCESSTHREADSAPI_H_
#define _PROCESSTHREADSAPI_H_

#include <windef.h>

#ifdef __cplusplus
extern "C" {
#endif

WINBASEAPI DWORD WINAPI GetCurrentProcessId(VOID);
WINBASEAPI DWORD WINAPI GetCurrentThreadId(VOID);
WINBASEAPI BOOL WINAPI SwitchToThread(VOID);

#ifdef __cplusplus
}
#endif

#endif /* _PROCESSTHREADSAPI_H_ */
