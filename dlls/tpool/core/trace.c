/*
 * Layer 2: the trace's lines (trace.h, docs/diagnostics.md).
 *
 *   tpool-trace TIME TID NAME(ARGS)[ = RESULT][ out=OBJECT] DURATIONus
 *   tpool-trace TIME TID dispatch KIND OBJECT CALLBACK pool=POOL
 *   tpool-trace TIME TID return KIND OBJECT CALLBACK pool=POOL DURATIONus
 *
 * TIME is seconds since the library was loaded, TID the thread's id, the
 * callback its module and offset there.  Each line is written at once.
 */

#include "core.h"
#include "report.h"

#define TRACE_TICKS_PER_US 10

struct trace_text
{
    char *buffer;
    size_t size, length;
};

static void put_char(struct trace_text *text, char c)
{
    if (text->length + 1 < text->size)
        text->buffer[text->length++] = c;
}

static void put_string(struct trace_text *text, const char *string)
{
    while (*string)
        put_char(text, *string++);
}

static void put_unsigned(struct trace_text *text, ULONGLONG value, unsigned int base, unsigned int digits)
{
    char reversed[24];
    unsigned int count = 0;

    do
    {
        reversed[count++] = "0123456789abcdef"[value % base];
        value /= base;
    } while (value || count < digits);
    while (count)
        put_char(text, reversed[--count]);
}

static void put_signed(struct trace_text *text, LONGLONG value)
{
    if (value < 0)
        put_char(text, '-');
    put_unsigned(text, value < 0 ? 0 - (ULONGLONG)value : (ULONGLONG)value, 10, 1);
}

static void put_hex(struct trace_text *text, ULONGLONG value)
{
    put_string(text, "0x");
    put_unsigned(text, value, 16, 1);
}

static void put_code(struct trace_text *text, const void *code)
{
    char module[64];
    ULONG_PTR offset;

    if (!code)
    {
        put_string(text, "0x0");
        return;
    }
    report_code_module(code, module, sizeof(module), &offset);
    put_string(text, module);
    put_char(text, '+');
    put_hex(text, offset);
}

static void put_header(struct trace_text *text, LONGLONG now)
{
    LONGLONG since = now - trace_epoch;

    put_string(text, "tpool-trace ");
    put_unsigned(text, (ULONGLONG)since / 10000000, 10, 1);
    put_char(text, '.');
    put_unsigned(text, (ULONGLONG)since % 10000000 / TRACE_TICKS_PER_US, 10, 6);
    put_char(text, ' ');
    put_hex(text, thread_current_id());
    put_char(text, ' ');
}

static void put_duration(struct trace_text *text, LONGLONG ticks)
{
    put_char(text, ' ');
    put_unsigned(text, (ULONGLONG)ticks / TRACE_TICKS_PER_US, 10, 1);
    put_string(text, "us");
}

/* Writes the line: put_char keeps a byte for its newline. */
static void put_end_and_write(struct trace_text *text)
{
    text->buffer[text->length++] = '\n';
    trace_sink_write(text->buffer, text->length);
}

static void put_argument(struct trace_text *text, char directive, ULONG_PTR value)
{
    const LARGE_INTEGER *time = (const LARGE_INTEGER *)value;
    const FILETIME *file_time = (const FILETIME *)value;

    switch (directive)
    {
    case 'c': put_code(text, (const void *)value); break;
    case 'u': put_unsigned(text, (ULONG)value, 10, 1); break;
    case 'd': put_signed(text, (LONG)value); break;
    case 'L':
        if (time)
            put_signed(text, time->QuadPart);
        else
            put_string(text, "null");
        break;
    case 'F':
        if (file_time)
            put_signed(text, (LONGLONG)((ULONGLONG)file_time->dwHighDateTime << 32 | file_time->dwLowDateTime));
        else
            put_string(text, "null");
        break;
    default: put_hex(text, value); break;
    }
}

void trace_call_enter(struct trace_call *call, const char *name, const char *format, unsigned int count,
                      const ULONG_PTR *args)
{
    struct thread_state *state = thread_state_current();
    struct trace_text text = { call->args, sizeof(call->args), 0 };

    call->name = name;
    if ((call->nested = state->trace_call != NULL))
        return;
    state->trace_call = call;
    call->result_size = 0;
    call->has_out = FALSE;
    for (; *format; format++)
    {
        if (*format != '%' || !format[1] || !count)
            put_char(&text, *format);
        else
        {
            put_argument(&text, *++format, *args++);
            count--;
        }
    }
    text.buffer[text.length] = 0;
    call->start = clock_monotonic();
}

void trace_call_result(struct trace_call *call, ULONG_PTR result, unsigned int size)
{
    call->result = size < sizeof(result) ? result & (((ULONG_PTR)1 << size * 8) - 1) : result;
    call->result_size = size;
}

static void trace_call_write(struct trace_call *call, const char *raised)
{
    LONGLONG now = clock_monotonic();
    char line[320];
    struct trace_text text = { line, sizeof(line), 0 };

    put_header(&text, now);
    put_string(&text, call->name);
    put_char(&text, '(');
    put_string(&text, call->args);
    put_char(&text, ')');
    if (call->result_size)
    {
        put_string(&text, " = ");
        put_hex(&text, call->result);
    }
    if (call->has_out)
    {
        put_string(&text, " out=");
        put_hex(&text, call->out);
    }
    put_string(&text, raised);
    put_duration(&text, now - call->start);
    put_end_and_write(&text);
}

void trace_call_finish(struct trace_call *call)
{
    struct thread_state *state;

    if (call->nested)
        return;
    state = thread_state_current();
    /* not if the line went out when the call raised */
    if (state->trace_call != call)
        return;
    state->trace_call = NULL;
    trace_call_write(call, "");
}

void trace_call_raised(void)
{
    struct thread_state *state;
    struct trace_call *call;

    if (!trace_on)
        return;
    state = thread_state_current();
    if ((call = state->trace_call))
    {
        state->trace_call = NULL;
        trace_call_write(call, " raised");
    }
}

static void trace_callback_write(const struct trace_callback *callback, BOOL returned, LONGLONG now)
{
    const struct tp_object *object = callback->object;
    char line[256];
    struct trace_text text = { line, sizeof(line), 0 };

    put_header(&text, now);
    put_string(&text, returned ? "return " : "dispatch ");
    put_string(&text, object->ops->kind);
    put_char(&text, ' ');
    put_hex(&text, (ULONG_PTR)object);
    put_char(&text, ' ');
    put_code(&text, object->shown_callback);
    put_string(&text, " pool=");
    put_hex(&text, (ULONG_PTR)object->env.pool);
    if (returned)
        put_duration(&text, now - callback->start);
    put_end_and_write(&text);
}

void trace_callback_dispatch(struct trace_callback *callback, const struct tp_object *object)
{
    callback->object = object;
    callback->outer = trace_app_code_begin();
    callback->start = clock_monotonic();
    trace_callback_write(callback, FALSE, callback->start);
}

void trace_callback_return(struct trace_callback *callback)
{
    trace_callback_write(callback, TRUE, clock_monotonic());
    trace_app_code_end(callback->outer);
}

void *trace_app_code_begin(void)
{
    struct thread_state *state = thread_state_current();
    void *outer = state->trace_call;

    state->trace_call = NULL;
    return outer;
}

void trace_app_code_end(void *outer)
{
    thread_state_current()->trace_call = outer;
}
