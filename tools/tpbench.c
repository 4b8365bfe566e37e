/*
 * tpbench, the thread pool benchmark: runs one workload in this process
 * and prints its results, one line each:
 *
 *     result <workload> <metric> <unit> <lower|higher> <value>
 *
 * tools/tpbench.sh runs every workload in its own process, repeatedly,
 * against every implementation, and makes the tables.  Every workload
 * checks its callback counts; a wrong count ends it with status 1.
 *
 * usage: tpbench [--short] [--impl=NAME] [--list] [WORKLOAD[-busy]]
 *
 * WORKLOAD-busy runs a work workload with a CPU-bound thread per
 * processor competing, as on a machine busy with other programs.
 *
 * The Windows build measures the thread pool it is linked against:
 * tpool.dll (tpbench.exe) or the system's (tpbench-builtin.exe).
 * Natively --impl chooses tpool (the default), glib or libuv.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpbench.h"

struct implementation
{
    const char *name;
    const char *(*pool_name)(void);
    const struct workload *workloads;
    long long (*pool_stats)(void);
};

static const struct implementation implementations[] =
{
    { "tpool", win32_pool_name, win32_workloads, win32_pool_stats },
#ifdef TPBENCH_GLIB
    { "glib", glib_pool_name, glib_workloads, NULL },
#endif
#ifdef TPBENCH_LIBUV
    { "libuv", libuv_pool_name, libuv_workloads, NULL },
#endif
};

/* When tpool serves the workload, every callback must have gone through
 * it (a program linked against the system's pool by mistake would not
 * measure tpool at all). */
static void check_pool_stats(const struct implementation *implementation)
{
    long long callbacks;

    if (!implementation->pool_stats || (callbacks = implementation->pool_stats()) < 0)
        return;
    if (callbacks != bench_expected_callbacks())
        bench_fail("tpool ran %lld callbacks, the workload expected %ld", callbacks,
                   bench_expected_callbacks());
}

static const char *current_workload = "-";

void bench_result(const char *metric, const char *unit, enum better better, double value)
{
    printf("result\t%s\t%s\t%s\t%s\t%.6g\n", current_workload, metric, unit,
           better == HIGHER_IS_BETTER ? "higher" : "lower", value);
    fflush(stdout);
}

void bench_fail(const char *format, ...)
{
    va_list args;

    fflush(stdout);
    fprintf(stderr, "error: %s: ", current_workload);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fputc('\n', stderr);
    fflush(stderr);
    /* Without unwinding: the pool may still hold the failed workload's
     * callbacks. */
    _Exit(1);
}

long bench_count(const struct bench_config *config, long full, long smoke)
{
    return config->short_mode ? smoke : full;
}

static void usage(void)
{
    size_t i;

    fprintf(stderr, "usage: tpbench [--short] [--impl=NAME] [--list] [WORKLOAD]\n");
    fprintf(stderr, "implementations:");
    for (i = 0; i < sizeof(implementations) / sizeof(implementations[0]); i++)
        fprintf(stderr, " %s", implementations[i].name);
    fprintf(stderr, "\n");
    exit(2);
}

static const struct implementation *find_implementation(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(implementations) / sizeof(implementations[0]); i++)
        if (!strcmp(implementations[i].name, name))
            return &implementations[i];
    return NULL;
}

#define BUSY_SUFFIX "-busy"

/* NAME, or NAME-busy for a workload with a busy variant (sets *busy). */
static const struct workload *find_workload(const struct implementation *implementation,
                                            const char *name, int *busy)
{
    const struct workload *workload;
    size_t length = strlen(name), suffix = strlen(BUSY_SUFFIX);

    *busy = length > suffix && !strcmp(name + length - suffix, BUSY_SUFFIX);
    if (*busy)
        length -= suffix;
    for (workload = implementation->workloads; workload->name; workload++)
        if (strlen(workload->name) == length && !strncmp(workload->name, name, length)
            && (!*busy || (workload->flags & WORKLOAD_BUSY_VARIANT)))
            return workload;
    return NULL;
}

static void list_workloads(const struct implementation *implementation)
{
    const struct workload *workload;

    for (workload = implementation->workloads; workload->name; workload++)
        printf("%-16s %s\n", workload->name, workload->description);
    for (workload = implementation->workloads; workload->name; workload++)
        if (workload->flags & WORKLOAD_BUSY_VARIANT)
            printf("%s%-*s %s, a CPU-bound thread per processor competing\n", workload->name,
                   (int)(16 - strlen(workload->name)), BUSY_SUFFIX, workload->description);
}

int main(int argc, char **argv)
{
    const struct implementation *implementation = &implementations[0];
    const struct workload *workload = NULL;
    struct bench_config config = { 0 };
    const char *workload_name = NULL;
    int list = 0, busy, i;

    for (i = 1; i < argc; i++)
    {
        if (!strcmp(argv[i], "--short"))
            config.short_mode = 1;
        else if (!strcmp(argv[i], "--list"))
            list = 1;
        else if (!strncmp(argv[i], "--impl=", 7))
        {
            if (!(implementation = find_implementation(argv[i] + 7)))
                usage();
        }
        else if (argv[i][0] == '-' || workload_name)
            usage();
        else
            workload_name = argv[i];
    }
    if (list)
    {
        list_workloads(implementation);
        return 0;
    }
    if (!workload_name || !(workload = find_workload(implementation, workload_name, &busy)))
        usage();

    bench_clock_init();
    config.cpus = bench_cpu_count();
    current_workload = workload_name;
    printf("# tpbench %s: %s%s, %s, %u cpus%s\n", workload_name, workload->description,
           busy ? ", a CPU-bound thread per processor competing" : "", implementation->pool_name(),
           config.cpus, config.short_mode ? ", short" : "");
    fflush(stdout);

    /* Before the pool runs anything, so that nothing of its own (wait
     * threads, handles closed later) competes with the floor; the floor's
     * threads have ended before the monitor counts its baseline. */
    if (workload->floor)
        workload->floor(&config);
    /* The competing threads are not the pool's: they start before the
     * monitor counts its baseline. */
    if (busy)
        busy_start(config.cpus);
    monitor_start();
    workload->run(&config);
    monitor_stop();
    if (busy)
        busy_stop();
    check_pool_stats(implementation);
    printf("# ok\n");
    return 0;
}
