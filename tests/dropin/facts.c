/*
 * What a program sees of its system, besides the thread pool: the drop-in
 * test runs this program in a plain prefix and in an installed one and
 * requires the same output (docs/wine-dropin.md).  Linked against kernel32
 * only; built with and without a compatibility manifest naming Windows 7
 * to 10, since the version a program is told depends on it.
 *
 * Prints, one fact a line: the version (GetVersionEx, RtlGetVersion,
 * VerifyVersionInfo), the compatibility the activation context declares,
 * the modules in initialisation order (tpool's own left out), where
 * kernel32 and kernelbase are and what GetProcAddress finds in them, the
 * errors of a few failing calls, and a thread's exit code.
 */

#include <windows.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <winternl.h>

typedef NTSTATUS (WINAPI *rtl_get_version_fn)(RTL_OSVERSIONINFOW *info);

/* Names kernel32 and kernelbase export that have nothing to do with the pool. */
static const char *const procedures[] =
{
    "CreateEventA", "Sleep", "GetLastError", "lstrlenA", "GetVersionExA", "HeapAlloc",
    "BaseThreadInitThunk", "CtrlRoutine", "AddAtomA", "GetProcAddress", "NoSuchFunction",
};

static void print_versions(void)
{
    OSVERSIONINFOEXA info;
    RTL_OSVERSIONINFOW rtl;
    rtl_get_version_fn rtl_get_version;
    static const DWORD majors[] = { 6, 6, 6, 10 }, minors[] = { 1, 2, 3, 0 };
    DWORDLONG mask;
    int i;

    memset(&info, 0, sizeof(info));
    info.dwOSVersionInfoSize = sizeof(info);
    if (GetVersionExA((OSVERSIONINFOA *)&info))
        printf("GetVersionEx: %lu.%lu.%lu platform %lu sp %u.%u product %u '%s'\n",
               info.dwMajorVersion, info.dwMinorVersion, info.dwBuildNumber, info.dwPlatformId,
               info.wServicePackMajor, info.wServicePackMinor, info.wProductType, info.szCSDVersion);
    else
        printf("GetVersionEx: error %lu\n", GetLastError());
    printf("GetVersion: 0x%08lx\n", GetVersion());
    rtl_get_version = (rtl_get_version_fn)(void *)GetProcAddress(GetModuleHandleA("ntdll.dll"),
                                                                 "RtlGetVersion");
    rtl.dwOSVersionInfoSize = sizeof(rtl);
    if (rtl_get_version && !rtl_get_version(&rtl))
        printf("RtlGetVersion: %lu.%lu.%lu\n", rtl.dwMajorVersion, rtl.dwMinorVersion,
               rtl.dwBuildNumber);
    for (i = 0; i < 4; i++)
    {
        memset(&info, 0, sizeof(info));
        info.dwOSVersionInfoSize = sizeof(info);
        info.dwMajorVersion = majors[i];
        info.dwMinorVersion = minors[i];
        mask = VerSetConditionMask(0, VER_MAJORVERSION, VER_GREATER_EQUAL);
        mask = VerSetConditionMask(mask, VER_MINORVERSION, VER_GREATER_EQUAL);
        printf("VerifyVersionInfo >= %lu.%lu: %d\n", majors[i], minors[i],
               VerifyVersionInfoA(&info, VER_MAJORVERSION | VER_MINORVERSION, mask));
    }
}

static void print_compatibility(void)
{
    /* Windows 10's layout, which mingw-w64's headers predate. */
    struct
    {
        DWORD count;
        struct { GUID id; DWORD type; ULONGLONG max_version_tested; } elements[16];
    } compat;
    SIZE_T size = 0;
    DWORD i;

    memset(&compat, 0, sizeof(compat));
    /* no flags and no handle: the process's default activation context */
    if (!QueryActCtxW(QUERY_ACTCTX_FLAG_NO_ADDREF, NULL, NULL,
                      CompatibilityInformationInActivationContext, &compat, sizeof(compat), &size))
    {
        printf("compatibility: error %lu\n", GetLastError());
        return;
    }
    printf("compatibility: %lu elements\n", compat.count);
    for (i = 0; i < compat.count && i < 16; i++)
        printf("  {%08lx-...} type %lu\n", compat.elements[i].id.Data1, compat.elements[i].type);
}

static BOOL is_tpools_own(const WCHAR *name)
{
    return !_wcsicmp(name, L"tpool.dll") || !_wcsnicmp(name, L"wine_", 5);
}

/* LDR_DATA_TABLE_ENTRY as far as the initialisation order links reach. */
struct module_entry
{
    LIST_ENTRY load_order, memory_order, init_order;
    void *base, *entry;
    ULONG size;
    UNICODE_STRING full_name, base_name;
};

/* GCC takes NtCurrentTeb's segment read for an access to address 0x30. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
static void print_init_order(void)
{
    /* PEB_LDR_DATA: Length, Initialized, SsHandle, then the load, memory
     * and initialisation order lists; winternl.h names only the second. */
    LIST_ENTRY *head = &NtCurrentTeb()->ProcessEnvironmentBlock->Ldr->InMemoryOrderModuleList + 1;
    LIST_ENTRY *link;

    printf("initialisation order:");
    for (link = head->Flink; link != head; link = link->Flink)
    {
        struct module_entry *module = CONTAINING_RECORD(link, struct module_entry, init_order);
        if (!is_tpools_own(module->base_name.Buffer))
            printf(" %ls", module->base_name.Buffer);
    }
    printf("\n");
}
#pragma GCC diagnostic pop

static void print_module(const char *name)
{
    HMODULE module = GetModuleHandleA(name);
    char path[MAX_PATH], *c;

    if (!module || !GetModuleFileNameA(module, path, sizeof(path)))
    {
        printf("%s: not loaded\n", name);
        return;
    }
    for (c = path; *c; c++) *c = tolower((unsigned char)*c);
    printf("%s: %s, LoadLibrary gives the same: %d\n", name, path, LoadLibraryA(name) == module);
}

static void print_procedures(void)
{
    HMODULE kernel32 = GetModuleHandleA("kernel32.dll"), kernelbase = GetModuleHandleA("kernelbase.dll");
    size_t i;

    for (i = 0; i < ARRAYSIZE(procedures); i++)
    {
        FARPROC in_kernel32, in_kernelbase;
        DWORD error32, error_base;

        SetLastError(0xdeadbeef);
        in_kernel32 = GetProcAddress(kernel32, procedures[i]);
        error32 = in_kernel32 ? 0 : GetLastError();
        SetLastError(0xdeadbeef);
        in_kernelbase = GetProcAddress(kernelbase, procedures[i]);
        error_base = in_kernelbase ? 0 : GetLastError();
        printf("GetProcAddress %s: kernel32 %s (%lu), kernelbase %s (%lu), same %d\n", procedures[i],
               in_kernel32 ? "found" : "NULL", error32, in_kernelbase ? "found" : "NULL", error_base,
               in_kernel32 == in_kernelbase);
    }
}

static DWORD WINAPI thread_main(void *arg)
{
    return 42;
}

static void print_errors(void)
{
    HANDLE thread;
    DWORD code = 0;

    SetLastError(0xdeadbeef);
    CreateFileA("C:\\no\\such\\dir\\file", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    printf("CreateFile on a missing path: error %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    OpenEventA(SYNCHRONIZE, FALSE, "tpool-facts-no-such-event");
    printf("OpenEvent on a missing name: error %lu\n", GetLastError());
    SetLastError(0xdeadbeef);
    printf("CloseHandle(0x1234): %d error %lu\n", CloseHandle((HANDLE)0x1234), GetLastError());
    thread = CreateThread(NULL, 0, thread_main, NULL, 0, NULL);
    WaitForSingleObject(thread, INFINITE);
    GetExitCodeThread(thread, &code);
    CloseHandle(thread);
    printf("a thread's exit code: %lu\n", code);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    print_versions();
    print_compatibility();
    print_init_order();
    print_module("kernel32.dll");
    print_module("kernelbase.dll");
    print_procedures();
    print_errors();
    return 0;
}
