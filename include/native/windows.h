/*
 * Win32 API subset provided natively by libtpool.
 *
 * Define WIN32_NO_STATUS before including this header to leave the
 * STATUS_ codes to <ntstatus.h>.
 */

#ifndef _WINDOWS_
#define _WINDOWS_

#include <stdarg.h>

#include <windef.h>
#include <winnt.h>
#include <interlockedapi.h>
#include <winerror.h>
#include <winbase.h>

#endif /* _WINDOWS_ */
