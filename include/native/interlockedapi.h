/*
 * The Interlocked* operations of winnt.h, as full-barrier atomics.
 */

#ifndef _INTERLOCKEDAPI_
#define _INTERLOCKEDAPI_

#include <windef.h>

#ifdef __cplusplus
extern "C" {
#endif

static inline LONG InterlockedIncrement(LONG volatile *addend)
{
    return __atomic_add_fetch(addend, 1, __ATOMIC_SEQ_CST);
}

static inline LONG InterlockedDecrement(LONG volatile *addend)
{
    return __atomic_sub_fetch(addend, 1, __ATOMIC_SEQ_CST);
}

static inline LONG InterlockedExchange(LONG volatile *target, LONG value)
{
    return __atomic_exchange_n(target, value, __ATOMIC_SEQ_CST);
}

static inline LONG InterlockedExchangeAdd(LONG volatile *addend, LONG value)
{
    return __atomic_fetch_add(addend, value, __ATOMIC_SEQ_CST);
}

static inline LONG InterlockedCompareExchange(LONG volatile *dest, LONG exchange, LONG comparand)
{
    __atomic_compare_exchange_n(dest, &comparand, exchange, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return comparand;
}

static inline LONGLONG InterlockedIncrement64(LONGLONG volatile *addend)
{
    return __atomic_add_fetch(addend, 1, __ATOMIC_SEQ_CST);
}

static inline LONGLONG InterlockedDecrement64(LONGLONG volatile *addend)
{
    return __atomic_sub_fetch(addend, 1, __ATOMIC_SEQ_CST);
}

static inline LONGLONG InterlockedExchangeAdd64(LONGLONG volatile *addend, LONGLONG value)
{
    return __atomic_fetch_add(addend, value, __ATOMIC_SEQ_CST);
}

static inline LONGLONG InterlockedCompareExchange64(LONGLONG volatile *dest, LONGLONG exchange,
                                                    LONGLONG comparand)
{
    __atomic_compare_exchange_n(dest, &comparand, exchange, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return comparand;
}

static inline PVOID InterlockedExchangePointer(PVOID volatile *target, PVOID value)
{
    return __atomic_exchange_n(target, value, __ATOMIC_SEQ_CST);
}

static inline PVOID InterlockedCompareExchangePointer(PVOID volatile *dest, PVOID exchange,
                                                      PVOID comparand)
{
    __atomic_compare_exchange_n(dest, &comparand, exchange, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return comparand;
}

#define MemoryBarrier() __atomic_thread_fence(__ATOMIC_SEQ_CST)

#ifdef __cplusplus
}
#endif

#endif /* _INTERLOCKEDAPI_ */
