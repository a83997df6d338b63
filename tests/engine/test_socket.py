"""Sockets: set-up, addresses and ports, backlog, streams, datagrams, resets, and their states."""

from helpers import check

from ipctui.engine import Kernel
from ipctui.engine.socket import describe

SERVER = """
        spawn S
        spawn C
        S: socket(AF_INET, SOCK_STREAM) = 3
        S: bind(3, "127.0.0.1:8080") = 0
        S: listen(3, 5) = 0
        C: socket(AF_INET, SOCK_STREAM) = 3
        C: connect(3, "127.0.0.1:8080") = 0
        S: accept(3) = 4
"""


def test_socket_and_socketpair_errors():
    check("""
        spawn A
        A: socket(99, SOCK_STREAM) = -1 EAFNOSUPPORT (Address family not supported by protocol)
        A: socket(AF_INET, 3) = -1 EPROTONOSUPPORT (Protocol not supported)
        A: socket(AF_INET, 5) = -1 ESOCKTNOSUPPORT (Socket type not supported)
        A: socket(AF_INET, 11) = -1 EINVAL (Invalid argument)
        A: socketpair(AF_INET, SOCK_STREAM) = -1 EOPNOTSUPP (Operation not supported)
        A: socketpair(AF_INET, 3) = -1 EPROTONOSUPPORT (Protocol not supported)
        A: socket(AF_INET, SOCK_STREAM|SOCK_NONBLOCK) = 3
        A: accept(3) = -1 EINVAL (Invalid argument)
        A: pipe() = [4, 5]
        A: send(4, "x") = -1 ENOTSOCK (Socket operation on non-socket)
        A: bind(5, "127.0.0.1:1") = -1 ENOTSOCK (Socket operation on non-socket)
        A: send(9, "x") = -1 EBADF (Bad file descriptor)
    """)


def test_socketpair_streams_and_datagrams():
    check("""
        spawn A
        A: socketpair(AF_UNIX, SOCK_STREAM) = [3, 4]
        A: send(3, "ab") = 2
        A: send(3, "cd") = 2
        A: recv(4, 100) = "abcd"
        A: write(4, "back") = 4
        A: read(3, 2) = "ba"
        A: socketpair(AF_UNIX, SOCK_DGRAM) = [5, 6]
        A: send(5, "one") = 3
        A: send(5, "two") = 3
        A: recv(6, 100) = "one"
        A: recvfrom(6, 100) = ["two", ""]
        A: socketpair(AF_UNIX, SOCK_STREAM|SOCK_NONBLOCK) = [7, 8]
        A: recv(8, 1) = -1 EAGAIN (Resource temporarily unavailable)
    """)


def test_bind_addresses_ports_and_privilege():
    check("""
        spawn A
        spawn R uid=0
        A: socket(AF_INET, SOCK_STREAM) = 3
        A: bind(3, "127.0.0.1:8080") = 0
        A: bind(3, "127.0.0.1:8081") = -1 EINVAL (Invalid argument)
        A: socket(AF_INET, SOCK_STREAM) = 4
        A: bind(4, "0.0.0.0:8080") = -1 EADDRINUSE (Address already in use)
        A: bind(4, "10.0.0.1:9000") = -1 EADDRNOTAVAIL (Cannot assign requested address)
        A: bind(4, "localhost:80") = -1 EACCES (Permission denied)
        A: bind(4, "nowhere") = -1 EINVAL (Invalid argument)
        A: bind(4, "not an address") = -1 EAFNOSUPPORT (Address family not supported by protocol)
        A: bind(4, "127.0.0.1:70000") = -1 EAFNOSUPPORT (Address family not supported by protocol)
        A: socket(AF_INET, SOCK_DGRAM) = 5
        A: bind(5, "127.0.0.1:8080") = 0
        R: socket(AF_INET, SOCK_STREAM) = 3
        R: bind(3, "127.0.0.1:80") = 0
    """)


def test_unix_paths_stay_until_unlinked():
    check("""
        spawn A
        A: socket(AF_UNIX, SOCK_STREAM) = 3
        A: bind(3, "/tmp/s") = 0
        A: listen(3, 1) = 0
        A: socket(AF_UNIX, SOCK_STREAM) = 4
        A: bind(4, "/tmp/s") = -1 EADDRINUSE (Address already in use)
        A: mkfifo("/tmp/s") = -1 EEXIST (File exists)
        A: close(3) = 0
        A: connect(4, "/tmp/s") = -1 ECONNREFUSED (Connection refused)
        A: connect(4, "/tmp/none") = -1 ENOENT (No such file or directory)
        A: bind(4, "/tmp/s") = -1 EADDRINUSE (Address already in use)
        A: unlink("/tmp/s") = 0
        A: bind(4, "/tmp/s") = 0
        A: socket(AF_UNIX, SOCK_DGRAM) = 3
        A: connect(3, "/tmp/s") = -1 EPROTOTYPE (Protocol wrong type for socket)
        A: mkfifo("/tmp/f") = 0
        A: connect(3, "/tmp/f") = -1 ECONNREFUSED (Connection refused)
    """)


def test_listen_rules():
    check("""
        spawn A
        A: socket(AF_INET, SOCK_DGRAM) = 3
        A: listen(3, 1) = -1 EOPNOTSUPP (Operation not supported)
        A: accept(3) = -1 EOPNOTSUPP (Operation not supported)
        A: socket(AF_UNIX, SOCK_STREAM) = 4
        A: listen(4, 1) = -1 EINVAL (Invalid argument)
        A: socket(AF_INET, SOCK_STREAM) = 5
        A: listen(5, 1) = 0
        A: socket(AF_INET, SOCK_STREAM) = 6
        A: connect(6, "127.0.0.1:32768") = 0
        A: accept(5) = 7
    """)


def test_connect_errors():
    check(
        SERVER
        + """
        C: connect(3, "127.0.0.1:8080") = -1 EISCONN (Transport endpoint is already connected)
        C: socket(AF_INET, SOCK_STREAM) = 4
        C: connect(4, "127.0.0.1:9") = -1 ECONNREFUSED (Connection refused)
        C: connect(4, "10.1.2.3:80") = -1 ENETUNREACH (Network is unreachable)
        C: connect(4, "127.0.0.2:8080") = -1 ECONNREFUSED (Connection refused)
    """
    )


def test_every_loopback_address_reaches_a_wildcard_listener():
    check("""
        spawn S
        S: socket(AF_INET, SOCK_STREAM) = 3
        S: bind(3, "0.0.0.0:7000") = 0
        S: listen(3, 1) = 0
        S: socket(AF_INET, SOCK_STREAM) = 4
        S: connect(4, "127.9.9.9:7000") = 0
    """)


def test_backlog_zero_admits_one_and_the_next_waits_for_an_accept():
    check("""
        spawn S
        spawn C1
        spawn C2
        S: socket(AF_INET, SOCK_STREAM) = 3
        S: bind(3, "127.0.0.1:5000") = 0
        S: listen(3, 0) = 0
        C1: socket(AF_INET, SOCK_STREAM) = 3
        C1: connect(3, "127.0.0.1:5000") = 0
        C2: socket(AF_INET, SOCK_STREAM) = 3
        C2: connect(3, "127.0.0.1:5000") <unfinished ...>
        S: accept(3) = 4
        C2: <... connect resumed> = 0
        S: accept(3) = 5
    """)


def test_nonblocking_tcp_connect_goes_einprogress_ealready_0_eisconn():
    check("""
        spawn S
        spawn C
        S: socket(AF_INET, SOCK_STREAM) = 3
        S: bind(3, "127.0.0.1:5000") = 0
        S: listen(3, 0) = 0
        C: socket(AF_INET, SOCK_STREAM) = 3
        C: connect(3, "127.0.0.1:5000") = 0
        C: socket(AF_INET, SOCK_STREAM|SOCK_NONBLOCK) = 4
        C: connect(4, "127.0.0.1:5000") = -1 EINPROGRESS (Operation now in progress)
        C: connect(4, "127.0.0.1:5000") = -1 EALREADY (Operation already in progress)
        S: accept(3) = 4
        C: connect(4, "127.0.0.1:5000") = 0
        C: connect(4, "127.0.0.1:5000") = -1 EISCONN (Transport endpoint is already connected)
        C: socket(AF_INET, SOCK_STREAM|SOCK_NONBLOCK) = 5
        C: connect(5, "127.0.0.1:5000") = -1 EINPROGRESS (Operation now in progress)
        S: close(3) = 0
        C: connect(5, "127.0.0.1:5000") = -1 ECONNREFUSED (Connection refused)
    """)


def test_nonblocking_unix_connect_to_a_full_queue_is_eagain():
    check("""
        spawn S
        S: socket(AF_UNIX, SOCK_STREAM) = 3
        S: bind(3, "/s") = 0
        S: listen(3, 0) = 0
        S: socket(AF_UNIX, SOCK_STREAM) = 4
        S: connect(4, "/s") = 0
        S: socket(AF_UNIX, SOCK_STREAM|SOCK_NONBLOCK) = 5
        S: connect(5, "/s") = -1 EAGAIN (Resource temporarily unavailable)
        S: fcntl(3, F_SETFL, O_NONBLOCK) = 0
        S: accept(3) = 6
        S: accept(3) = -1 EAGAIN (Resource temporarily unavailable)
    """)


def test_never_connected_sends_and_receives():
    check("""
        spawn A
        A: signal(SIGPIPE, SIG_IGN) = 0
        A: socket(AF_INET, SOCK_STREAM) = 3
        A: send(3, "x") = -1 EPIPE (Broken pipe)
        A: recv(3, 1) = -1 ENOTCONN (Transport endpoint is not connected)
        A: socket(AF_UNIX, SOCK_STREAM) = 4
        A: send(4, "x") = -1 ENOTCONN (Transport endpoint is not connected)
        A: recv(4, 1) = -1 EINVAL (Invalid argument)
        A: socket(AF_INET, SOCK_DGRAM) = 5
        A: send(5, "x") = -1 EDESTADDRREQ (Destination address required)
        A: socket(AF_UNIX, SOCK_DGRAM) = 6
        A: send(6, "x") = -1 ENOTCONN (Transport endpoint is not connected)
        A: shutdown(4, SHUT_WR) = 0
        A: shutdown(4, 7) = -1 EINVAL (Invalid argument)
    """)


def test_tcp_send_before_connecting_raises_sigpipe():
    check("""
        spawn A
        A: socket(AF_INET, SOCK_STREAM) = 3
        A: send(3, "x") = -1 EPIPE (Broken pipe)
        A: --- SIGPIPE ---
        A: +++ killed by SIGPIPE +++
    """)


def test_data_sent_before_accept_waits_in_the_queued_connection():
    check("""
        spawn S
        spawn C
        S: socket(AF_UNIX, SOCK_STREAM) = 3
        S: bind(3, "/srv") = 0
        S: listen(3, 1) = 0
        C: socket(AF_UNIX, SOCK_STREAM) = 3
        C: connect(3, "/srv") = 0
        C: send(3, "early") = 5
        S: accept(3) = 4
        S: recv(4, 100) = "early"
    """)


def test_a_full_receive_buffer_blocks_the_sender():
    big = "x" * 65536
    check(
        SERVER
        + f"""
        C: send(3, "{big}") = 65536
        C: fcntl(3, F_SETFL, O_NONBLOCK) = 0
        C: send(3, "y") = -1 EAGAIN (Resource temporarily unavailable)
        C: fcntl(3, F_SETFL, 0) = 0
        C: send(3, "yz") <unfinished ...>
        S: recv(4, 1) = "x"
        S: recv(4, 1) = "x"
        C: <... send resumed> = 2
    """
    )


def test_recv_blocks_then_gets_the_bytes_and_eof_after_close():
    check(
        SERVER
        + """
        S: recv(4, 10) <unfinished ...>
        C: send(3, "hi") = 2
        S: <... recv resumed> = "hi"
        S: recv(4, 10) <unfinished ...>
        C: close(3) = 0
        S: <... recv resumed> = ""
        S: recv(4, 10) = ""
    """
    )


def test_shutdown_wr_gives_eof_to_the_peer_and_epipe_to_oneself():
    check(
        SERVER
        + """
        C: send(3, "last") = 4
        C: shutdown(3, SHUT_WR) = 0
        S: recv(4, 100) = "last"
        S: recv(4, 100) = ""
        S: send(4, "still open") = 10
        C: recv(3, 100) = "still open"
        C: send(3, "x") = -1 EPIPE (Broken pipe)
        C: --- SIGPIPE ---
        C: +++ killed by SIGPIPE +++
    """
    )


def test_shutdown_rd_makes_recv_return_eof():
    check(
        SERVER
        + """
        S: shutdown(4, SHUT_RD) = 0
        S: recv(4, 10) = ""
    """
    )


def test_tcp_accepts_one_send_to_a_closed_peer_then_epipe():
    check(
        SERVER
        + """
        S: close(4) = 0
        C: recv(3, 10) = ""
        C: send(3, "lost") = 4
        C: send(3, "x") = -1 EPIPE (Broken pipe)
        C: --- SIGPIPE ---
        C: +++ killed by SIGPIPE +++
    """
    )


def test_unix_stream_send_to_a_closed_peer_is_epipe_at_once():
    check("""
        spawn A
        A: signal(SIGPIPE, "h") = 0
        A: socketpair(AF_UNIX, SOCK_STREAM) = [3, 4]
        A: close(4) = 0
        A: send(3, "x") = -1 EPIPE (Broken pipe)
        A: --- SIGPIPE ---
        A: recv(3, 1) = ""
    """)


def test_closing_with_unread_bytes_resets_the_connection():
    check(
        SERVER
        + """
        S: send(4, "unread") = 6
        C: send(3, "ab") = 2
        S: close(4) = 0
        C: recv(3, 100) = "unread"
        C: recv(3, 100) = -1 ECONNRESET (Connection reset by peer)
        C: recv(3, 100) = ""
        C: signal(SIGPIPE, SIG_IGN) = 0
        C: send(3, "x") = -1 EPIPE (Broken pipe)
    """
    )


def test_a_reset_is_reported_once_by_send_too():
    check(
        SERVER
        + """
        C: send(3, "ab") = 2
        S: close(4) = 0
        C: send(3, "x") = -1 ECONNRESET (Connection reset by peer)
        C: send(3, "x") = -1 EPIPE (Broken pipe)
        C: --- SIGPIPE ---
        C: +++ killed by SIGPIPE +++
    """
    )


def test_closing_a_listener_resets_its_unaccepted_connections():
    check("""
        spawn S
        spawn C
        S: socket(AF_INET, SOCK_STREAM) = 3
        S: bind(3, "127.0.0.1:5000") = 0
        S: listen(3, 3) = 0
        C: socket(AF_INET, SOCK_STREAM) = 3
        C: connect(3, "127.0.0.1:5000") = 0
        S: close(3) = 0
        C: recv(3, 1) = -1 ECONNRESET (Connection reset by peer)
        S: socket(AF_INET, SOCK_STREAM) = 3
        S: bind(3, "127.0.0.1:5000") = 0
    """)


def test_udp_boundaries_truncation_and_sender_addresses():
    check("""
        spawn A
        spawn B
        B: socket(AF_INET, SOCK_DGRAM) = 3
        B: bind(3, "127.0.0.1:9000") = 0
        A: socket(AF_INET, SOCK_DGRAM) = 3
        A: sendto(3, "hello", "127.0.0.1:9000") = 5
        A: sendto(3, "world", "127.0.0.1:9000") = 5
        B: recvfrom(3, 3) = ["hel", "127.0.0.1:32768"]
        B: recvfrom(3, 100) = ["world", "127.0.0.1:32768"]
        A: sendto(3, "nobody", "127.0.0.1:9999") = 6
        A: socket(AF_INET, SOCK_DGRAM) = 4
        A: bind(4, "0.0.0.0:7000") = 0
        A: sendto(4, "x", "127.0.0.1:9000") = 1
        B: recvfrom(3, 100) = ["x", "127.0.0.1:7000"]
        A: sendto(4, "x", "192.168.1.1:9000") = -1 ENETUNREACH (Network is unreachable)
        B: fcntl(3, F_SETFL, O_NONBLOCK) = 0
        B: recvfrom(3, 100) = -1 EAGAIN (Resource temporarily unavailable)
    """)


def test_connected_udp_to_nobody_gets_econnrefused_once():
    check("""
        spawn A
        A: socket(AF_INET, SOCK_DGRAM) = 3
        A: connect(3, "127.0.0.1:9999") = 0
        A: send(3, "ping") = 4
        A: send(3, "ping") = -1 ECONNREFUSED (Connection refused)
        A: send(3, "ping") = 4
        A: recv(3, 10) = -1 ECONNREFUSED (Connection refused)
    """)


def test_unix_datagrams_paths_and_a_closed_peer():
    check("""
        spawn A
        A: socket(AF_UNIX, SOCK_DGRAM) = 3
        A: bind(3, "/srv") = 0
        A: socket(AF_UNIX, SOCK_DGRAM) = 4
        A: sendto(4, "anon", "/srv") = 4
        A: recvfrom(3, 10) = ["anon", ""]
        A: sendto(4, "x", "/none") = -1 ENOENT (No such file or directory)
        A: connect(4, "/srv") = 0
        A: sendto(4, "x", "/srv") = 1
        A: close(3) = 0
        A: sendto(3, "x", "/srv") = -1 EBADF (Bad file descriptor)
        A: send(4, "x") = -1 ECONNREFUSED (Connection refused)
        A: send(4, "x") = -1 ENOTCONN (Transport endpoint is not connected)
        A: socket(AF_UNIX, SOCK_DGRAM) = 3
        A: sendto(3, "x", "/srv") = -1 ECONNREFUSED (Connection refused)
    """)


def test_sendto_on_a_stream_ignores_the_address():
    check(
        SERVER
        + """
        C: sendto(3, "via sendto", "127.0.0.1:1") = 10
        S: recvfrom(4, 100) = ["via sendto", ""]
    """
    )


def test_tcp_and_udp_states_for_the_views():
    k = Kernel()
    k.spawn("S")
    k.spawn("C")
    k.call("S", "socket", (2, 1))
    k.call("S", "bind", (3, "127.0.0.1:8080"))
    k.call("S", "listen", (3, 5))
    k.call("C", "socket", (2, 1))
    k.call("C", "connect", (3, "127.0.0.1:8080"))
    listener = k.procs[1].fds.get(3).obj
    client = k.procs[2].fds.get(3).obj
    assert describe(listener) == {
        "kind": "TCP",
        "state": "LISTEN",
        "local": "127.0.0.1:8080",
        "remote": None,
        "buffered": 0,
        "queue": 1,
    }
    k.call("C", "send", (3, b"hello"))
    server = listener.accept_queue[0]
    assert describe(server)["buffered"] == 5 and server.remote == client.local == "127.0.0.1:32768"
    k.call("S", "accept", (3,))
    k.call("C", "shutdown", (3, 1))
    assert (client.state, server.state) == ("FIN_WAIT_2", "CLOSE_WAIT")
    k.call("S", "close", (4,))
    assert client.state == "CLOSED"
    k.call("C", "socket", (2, 2))
    udp = k.procs[2].fds.get(4).obj
    assert udp.state == "unbound"
    k.call("C", "bind", (4, "127.0.0.1:0"))
    assert (udp.state, udp.local) == ("bound", "127.0.0.1:32768")  # UDP has its own port space
    k.call("C", "connect", (4, "127.0.0.1:53"))
    assert (udp.state, udp.remote) == ("connected", "127.0.0.1:53")
