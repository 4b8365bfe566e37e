/*
 * Kernel object handles.
 */

#ifndef _HANDLEAPI_H_
#define _HANDLEAPI_H_

#include <windef.h>

#ifdef __cplusplus
extern "C" {
#endif

WINBASEAPI BOOL WINAPI CloseHandle(HANDLE hObject);

#ifdef __cplusplus
}
#endif

#endif /* _HANDLEAPI_H_ */
