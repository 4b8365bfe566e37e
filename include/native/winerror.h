/*
 * Win32 error codes, as returned by GetLastError(), with the values of the
 * Windows SDK.
 */

#ifndef _WINERROR_
#define _WINERROR_

#define ERROR_SUCCESS                   0
#define NO_ERROR                        0
#define ERROR_INVALID_FUNCTION          1
#define ERROR_FILE_NOT_FOUND            2
#define ERROR_PATH_NOT_FOUND            3
#define ERROR_TOO_MANY_OPEN_FILES       4
#define ERROR_ACCESS_DENIED             5
#define ERROR_INVALID_HANDLE            6
#define ERROR_NOT_ENOUGH_MEMORY         8
#define ERROR_INVALID_ACCESS            12
#define ERROR_INVALID_DATA              13
#define ERROR_OUTOFMEMORY               14
#define ERROR_BAD_LENGTH                24
#define ERROR_GEN_FAILURE               31
#define ERROR_HANDLE_EOF                38
#define ERROR_NOT_SUPPORTED             50
#define ERROR_NETNAME_DELETED           64
#define ERROR_INVALID_PARAMETER         87
#define ERROR_TOO_MANY_SEMAPHORES       100
#define ERROR_SEM_IS_SET                102
#define ERROR_TOO_MANY_SEM_REQUESTS     103
#define ERROR_BROKEN_PIPE               109
#define ERROR_DISK_FULL                 112
#define ERROR_SEM_OWNER_DIED            105
#define ERROR_CALL_NOT_IMPLEMENTED      120
#define ERROR_SEM_TIMEOUT               121
#define ERROR_INSUFFICIENT_BUFFER       122
#define ERROR_INVALID_NAME              123
#define ERROR_MOD_NOT_FOUND             126
#define ERROR_PROC_NOT_FOUND            127
#define ERROR_WAIT_NO_CHILDREN          128
#define ERROR_INVALID_EVENT_COUNT       151
#define ERROR_TOO_MANY_TCBS             155
#define ERROR_SIGNAL_REFUSED            156
#define ERROR_NOT_LOCKED                158
#define ERROR_MAX_THRDS_REACHED         164
#define ERROR_BUSY                      170
#define ERROR_ALREADY_EXISTS            183
#define ERROR_PIPE_NOT_CONNECTED        233
#define ERROR_SEM_NOT_FOUND             187
#define ERROR_MORE_DATA                 234
#define WAIT_TIMEOUT                    258
#define ERROR_NO_MORE_ITEMS             259
#define ERROR_NOT_OWNER                 288
#define ERROR_TOO_MANY_POSTS            298
#define ERROR_PARTIAL_COPY              299
#define ERROR_MR_MID_NOT_FOUND          317
#define ERROR_INVALID_ADDRESS           487
#define ERROR_ARITHMETIC_OVERFLOW       534
#define ERROR_TOO_MANY_THREADS          565
#define ERROR_ABANDONED_WAIT_0          735
#define ERROR_ABANDONED_WAIT_63         736
#define ERROR_USER_APC                  737
#define ERROR_ALERTED                   739
#define ERROR_OPERATION_ABORTED         995
#define ERROR_IO_INCOMPLETE             996
#define ERROR_IO_PENDING                997
#define ERROR_NOACCESS                  998
#define ERROR_STACK_OVERFLOW            1001
#define ERROR_INVALID_FLAGS             1004
#define ERROR_DLL_INIT_FAILED           1114
#define ERROR_POSSIBLE_DEADLOCK         1131
#define ERROR_DLL_NOT_FOUND             1157
#define ERROR_NOT_FOUND                 1168
#define ERROR_CANCELLED                 1223
#define ERROR_CONNECTION_ABORTED        1236
#define ERROR_RETRY                     1237
#define ERROR_INTERNAL_ERROR            1359
#define ERROR_INVALID_INDEX             1413
#define ERROR_INVALID_THREAD_ID         1444
#define ERROR_NO_SYSTEM_RESOURCES       1450
#define ERROR_NONPAGED_SYSTEM_RESOURCES 1451
#define ERROR_PAGED_SYSTEM_RESOURCES    1452
#define ERROR_WORKING_SET_QUOTA         1453
#define ERROR_PAGEFILE_QUOTA            1454
#define ERROR_COMMITMENT_LIMIT          1455
#define ERROR_TIMEOUT                   1460
#define ERROR_NOT_ENOUGH_QUOTA          1816
#define ERROR_INVALID_OPERATION         4317
#define ERROR_INVALID_STATE             5023

#endif /* _WINERROR_ */
