/*
 * Layer 2: the trace (TPOOL_TRACE=1, docs/diagnostics.md).
 *
 * One line per export call, written when it returns (its arguments, its
 * result, how long it took), and one when a callback is dispatched and
 * one when it returns.  An export that another export calls (the Win32
 * names call the ntdll ones) writes no line of its own: the thread's
 * state names the call whose line is pending.  When the trace is off, an
 * export pays one predictable branch on trace_on.
 */

#ifndef TPOOL_TRACE_H
#define TPOOL_TRACE_H

#include "sys.h"
#include "report.h"

struct tp_object;

/* An export call, on its own stack frame. */
struct trace_call
{
    const char *name;
    BOOL nested;                 /* inside another export call: no line */
    LONGLONG start;
    ULONG_PTR result, out;
    unsigned int result_size;    /* 0: no result */
    BOOL has_out;
    char args[192];
};

/* `format` names each argument: "work=%p due=%L"; %p a pointer or handle,
 * %c code (module+offset), %u, %d and %x numbers, %L a LARGE_INTEGER
 * pointer, %F a FILETIME pointer.  Every argument is passed as ULONG_PTR. */
void trace_call_enter(struct trace_call *call, const char *name, const char *format, unsigned int count,
                      const ULONG_PTR *args);
void trace_call_result(struct trace_call *call, ULONG_PTR result, unsigned int size);
void trace_call_finish(struct trace_call *call);
/* The calling thread's export call raises an exception: its line is
 * written now, marked so. */
void trace_call_raised(void);

/* The cleanup of the macros' `trace_active_`: a pointer that is NULL
 * unless the call is traced, and whose address only this inline function
 * takes, so that an untraced call tests nothing on its way out. */
static inline void trace_call_leave(struct trace_call **active)
{
    if (*active)
        trace_call_finish(*active);
}

#define TRACE_ARG(a) ((ULONG_PTR)(a))
#define TRACE_ARGS_1(a) TRACE_ARG(a)
#define TRACE_ARGS_2(a, ...) TRACE_ARG(a), TRACE_ARGS_1(__VA_ARGS__)
#define TRACE_ARGS_3(a, ...) TRACE_ARG(a), TRACE_ARGS_2(__VA_ARGS__)
#define TRACE_ARGS_4(a, ...) TRACE_ARG(a), TRACE_ARGS_3(__VA_ARGS__)
#define TRACE_ARGS_5(a, ...) TRACE_ARG(a), TRACE_ARGS_4(__VA_ARGS__)
#define TRACE_ARGS_6(a, ...) TRACE_ARG(a), TRACE_ARGS_5(__VA_ARGS__)
#define TRACE_ARGS_7(a, ...) TRACE_ARG(a), TRACE_ARGS_6(__VA_ARGS__)
#define TRACE_COUNT(...) TRACE_COUNT_(__VA_ARGS__, 7, 6, 5, 4, 3, 2, 1, 0)
#define TRACE_COUNT_(a, b, c, d, e, f, g, n, ...) n
#define TRACE_JOIN(a, b) TRACE_JOIN_(a, b)
#define TRACE_JOIN_(a, b) a##b

#define TRACE_CALL_BEGIN() \
    struct trace_call trace_call_; \
    struct trace_call *trace_active_ __attribute__((cleanup(trace_call_leave))) = NULL

/* At the top of an export: TRACE_CALL("SubmitThreadpoolWork", "work=%p", work). */
#define TRACE_CALL(name, format, ...) \
    TRACE_CALL_BEGIN(); \
    if (__builtin_expect(trace_on, 0)) \
        trace_call_enter(trace_active_ = &trace_call_, name, format, TRACE_COUNT(__VA_ARGS__), \
                         (const ULONG_PTR[]){ TRACE_JOIN(TRACE_ARGS_, TRACE_COUNT(__VA_ARGS__))(__VA_ARGS__) })

/* An export without arguments. */
#define TRACE_CALL_VOID(name) \
    TRACE_CALL_BEGIN(); \
    if (__builtin_expect(trace_on, 0)) \
        trace_call_enter(trace_active_ = &trace_call_, name, "", 0, NULL)

/* return TRACE_RETURN(value): the value goes on the line. */
#define TRACE_RETURN(value) \
    ({ __typeof__(value) trace_value_ = (value); \
       if (trace_active_) \
           trace_call_result(trace_active_, (ULONG_PTR)trace_value_, sizeof(trace_value_)); \
       trace_value_; })

/* What an export stores for its caller (the object it made). */
#define TRACE_OUT(value) \
    do { if (trace_active_) { trace_active_->out = (ULONG_PTR)(value); trace_active_->has_out = TRUE; } } while (0)

/* A callback, from its dispatch to its return. */
struct trace_callback
{
    const struct tp_object *object;
    LONGLONG start;
    void *outer;                 /* the thread's pending export call, set aside */
};

void trace_callback_dispatch(struct trace_callback *callback, const struct tp_object *object);
void trace_callback_return(struct trace_callback *callback);

/* Application code that an export calls (a cleanup group's cancel
 * callback): the exports it calls write lines of their own. */
void *trace_app_code_begin(void);
void trace_app_code_end(void *outer);

#endif
