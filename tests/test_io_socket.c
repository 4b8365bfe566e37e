/*
 * I/O completion objects on sockets: overlapped receives on a connected
 * TCP socket over loopback complete through the object's callback, and
 * closing the socket with a receive in flight completes it with an error.
 * Natively tpool has no overlapped socket I/O (its native I/O is reported
 * through tpool_complete_io, tested in test_io), so the tests skip there.
 */

#ifdef _WIN32
#include <winsock2.h>
#endif
#include "test_util.h"

#ifdef _WIN32

struct socket_pair
{
    SOCKET server;               /* overlapped, bound to the I/O object */
    SOCKET client;
};

struct receive
{
    OVERLAPPED ovl;
    char data[64];
    volatile LONG count;
    ULONG result;
    ULONG_PTR bytes;
    HANDLE done;
};

static void socket_pair_open(struct socket_pair *pair)
{
    struct sockaddr_in addr;
    int length = sizeof(addr);
    SOCKET listener;

    listener = WSASocketA(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);
    assert_true(listener != INVALID_SOCKET);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(listener, (struct sockaddr *)&addr, sizeof(addr)), 0);
    assert_int_equal(listen(listener, 1), 0);
    assert_int_equal(getsockname(listener, (struct sockaddr *)&addr, &length), 0);
    pair->client = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    assert_true(pair->client != INVALID_SOCKET);
    assert_int_equal(connect(pair->client, (struct sockaddr *)&addr, sizeof(addr)), 0);
    pair->server = accept(listener, NULL, NULL);
    assert_true(pair->server != INVALID_SOCKET);
    closesocket(listener);
}

static void WINAPI record_receive(PTP_CALLBACK_INSTANCE instance, void *context, void *overlapped,
                                  ULONG result, ULONG_PTR bytes, PTP_IO io)
{
    struct receive *receive = context;

    receive->result = result;
    receive->bytes = bytes;
    InterlockedIncrement(&receive->count);
    SetEvent(receive->done);
}

/* Starts an overlapped receive; FALSE if it completed at once. */
static void receive_start(PTP_IO io, struct socket_pair *pair, struct receive *receive)
{
    WSABUF buffer = { sizeof(receive->data), receive->data };
    DWORD flags = 0;

    memset(&receive->ovl, 0, sizeof(receive->ovl));
    StartThreadpoolIo(io);
    if (WSARecv(pair->server, &buffer, 1, NULL, &flags, &receive->ovl, NULL))
        assert_int_equal(WSAGetLastError(), WSA_IO_PENDING);
}

static void test_socket_receive(void **state)
{
    struct receive receive = { 0 };
    struct socket_pair pair;
    PTP_IO io;
    int i;

    socket_pair_open(&pair);
    receive.done = CreateEventA(NULL, FALSE, FALSE, NULL);
    io = CreateThreadpoolIo((HANDLE)pair.server, record_receive, &receive, NULL);
    assert_non_null(io);
    for (i = 0; i < 3; i++)
    {
        receive_start(io, &pair, &receive);
        assert_int_equal(send(pair.client, "tpool", 5, 0), 5);
        assert_signaled(receive.done);
        assert_int_equal(receive.result, ERROR_SUCCESS);
        assert_int_equal(receive.bytes, 5);
        assert_memory_equal(receive.data, "tpool", 5);
    }
    WaitForThreadpoolIoCallbacks(io, FALSE);
    assert_int_equal(receive.count, 3);

    /* a receive in flight when the socket closes still gets its callback */
    receive_start(io, &pair, &receive);
    closesocket(pair.server);
    assert_signaled(receive.done);
    assert_true(receive.result != ERROR_SUCCESS);
    WaitForThreadpoolIoCallbacks(io, FALSE);
    assert_int_equal(receive.count, 4);
    CloseThreadpoolIo(io);
    closesocket(pair.client);
    CloseHandle(receive.done);
}

static int setup(void **state)
{
    WSADATA data;
    return WSAStartup(MAKEWORD(2, 2), &data);
}

static int teardown(void **state)
{
    return WSACleanup();
}

#else

static void test_socket_receive(void **state)
{
    skip();
}

static int setup(void **state)
{
    return 0;
}

static int teardown(void **state)
{
    return 0;
}

#endif

int main(void)
{
    static const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_socket_receive),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
