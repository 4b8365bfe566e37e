/*
 * The checked mode's lock rules (sys.h): each broken rule ends a child
 * process with STATUS_POSSIBLE_DEADLOCK and names the locks; the rules
 * kept let it run on.  The children turn the checks on themselves, since
 * this program links layer 1 without the library's load.
 */

#include "sys.h"
#include "report.h"
#include "test_child.h"

/* Two locks of layer 1 in their order, and two of one level. */
static struct lock outer = LOCK_INIT(LOCK_NATIVE_WAIT_ALL);
static struct lock inner = LOCK_INIT(LOCK_PORT);
static struct lock siblings[2] = { LOCK_INIT(LOCK_NATIVE_OBJECT), LOCK_INIT(LOCK_NATIVE_OBJECT) };

static void nothing(void *arg)
{
}

static void checks_on(void)
{
    checked_mode_load();
    if (!lock_checking)
        _exit(CHILD_SKIPPED);
}

static int case_out_of_order(void)
{
    checks_on();
    lock_acquire(&inner);
    lock_acquire(&outer);
    return 0;
}

static int case_twice(void)
{
    checks_on();
    lock_acquire(&inner);
    lock_acquire(&inner);
    return 0;
}

static int case_same_level(void)
{
    checks_on();
    lock_acquire(&siblings[0]);
    lock_acquire(&siblings[1]);
    return 0;
}

static int case_thread_under_lock(void)
{
    checks_on();
    lock_acquire(&outer);
    thread_start(nothing, NULL, "test-lock", 0, 0);
    return 0;
}

static int case_not_held(void)
{
    checks_on();
    lock_acquire(&outer);
    lock_assert_held(&inner);
    return 0;
}

static int case_release_not_held(void)
{
    checks_on();
    lock_release(&inner);
    return 0;
}

/* Everything the rules allow: the order, siblings under their serializer,
 * releases in any order, a thread once no lock is held. */
static int case_kept(void)
{
    checks_on();
    lock_acquire(&outer);
    lock_acquire_sibling(&siblings[0], &outer);
    lock_acquire_sibling(&siblings[1], &outer);
    lock_assert_held(&siblings[0]);
    lock_acquire(&inner);
    lock_release(&siblings[0]);
    lock_release(&outer);
    lock_release(&inner);
    lock_release(&siblings[1]);
    lock_acquire(&inner);
    lock_release(&inner);
    if (thread_start(nothing, NULL, "test-lock", 0, 0))
        return 3;
    printf("kept\n");
    fflush(stdout);
    return 0;
}

static const struct child_case cases[] =
{
    { "out_of_order", case_out_of_order },
    { "twice", case_twice },
    { "same_level", case_same_level },
    { "thread_under_lock", case_thread_under_lock },
    { "not_held", case_not_held },
    { "release_not_held", case_release_not_held },
    { "kept", case_kept },
};
#define CASE_COUNT (sizeof(cases) / sizeof(cases[0]))

/* Each broken rule, and what the report says of it. */
static const struct
{
    const char *name;
    const char *text;
} broken[] =
{
    { "out_of_order", "taking the native wait-all lock while holding the port lock" },
    { "twice", "taking the port lock again" },
    { "same_level", "taking the native object lock while holding the native object lock" },
    { "thread_under_lock", "starting a thread while holding the native wait-all lock" },
    { "not_held", "the caller must hold the port lock" },
    { "release_not_held", "releasing the port lock, which the thread does not hold" },
};

static void test_broken_rules(void **state)
{
    struct child_result result;
    size_t i;

    for (i = 0; i < sizeof(broken) / sizeof(broken[0]); i++)
        child_check(cases, CASE_COUNT, broken[i].name, CHILD_CHECKED, STATUS_POSSIBLE_DEADLOCK,
                    broken[i].text, &result);
}

static void test_kept(void **state)
{
    struct child_result result;

    child_check(cases, CASE_COUNT, "kept", CHILD_CHECKED, 0, "kept", &result);
}

int main(int argc, char **argv)
{
    static const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_broken_rules),
        cmocka_unit_test(test_kept),
    };

    if (argc > 1)
        return child_main(cases, CASE_COUNT, argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
