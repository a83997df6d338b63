"""Issue 18's kinds of disagreement, each as a reproducer that must give the trace written here
on the simulated kernel and on the real one (as root, as CI runs)."""

from __future__ import annotations

import os

import pytest

from ipctui.check.run import run_real
from ipctui.script import parse
from ipctui.script.runner import run_script

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="the real run of uid= needs root")

# paths around what sun_path holds (107 bytes and its NUL fit, 108 do not), and texts around
# what the kernel copies of any address (a sockaddr_un of 125 bytes and its NUL fits in 128)
P107, P108 = "/tmp/" + "u" * 102, "/tmp/" + "u" * 103
T125, T126 = "/" + "t" * 124, "/" + "t" * 125
Y70K = "y" * 70000  # past the mapping and its 64 KiB of guard pages

KINDS: dict[str, str] = {
    "a_number_is_what_c_s_long_makes_of_it": """spawn A
A: signal(SIGXFSZ, SIG_IGN) = 0
A: msgget(4660, IPC_CREAT, mode=0666) = 0
A: msgsnd(0, 5, "x", nowait=1) = 0
A: msgsnd(0, 7, "y", nowait=1) = 0
A: msgsnd(0, 9223372036854775808, "x", nowait=1) = -1 EINVAL (Invalid argument)
A: msgsnd(0, 18446744073709551619, "z", nowait=1) = 0
A: msgrcv(0, 9223372036854775808, nowait=1) = ["z", 3]
A: msgrcv(0, -9223372036854775808, nowait=1) = ["x", 5]
A: msgrcv(0, 18446744073709551619, nowait=1) = -1 ENOMSG (No message of desired type)
A: msgrcv(0, -9223372036854775809, nowait=1) = -1 ENOMSG (No message of desired type)
A: shm_open("/mx", O_CREAT|O_RDWR) = 3
A: ftruncate(9, -1) = -1 EINVAL (Invalid argument)
A: ftruncate(9, 1) = -1 EBADF (Bad file descriptor)
A: ftruncate(3, 9223372036854775808) = -1 EINVAL (Invalid argument)
A: ftruncate(3, 18446744073709551617) = 0
A: ftruncate(3, -9223372036854775809) = -1 EFBIG (File too large)
A: msgctl(0, IPC_RMID) = 0
A: shm_unlink("/mx") = 0
""",
    "a_huge_page_size_that_does_not_exist_is_einval": """spawn A
A: shmget(4660, 4097, IPC_CREAT, mode=04600) = -1 EPERM (Operation not permitted)
A: shmget(4660, 4097, IPC_CREAT, mode=012400004600) = -1 EPERM (Operation not permitted)
A: shmget(4660, 4097, IPC_CREAT, mode=017000004600) = -1 EPERM (Operation not permitted)
A: shmget(4660, 4097, IPC_CREAT, mode=013000004600) = -1 EINVAL (Invalid argument)
A: shmget(4660, 4097, IPC_CREAT, mode=037400004600) = -1 EINVAL (Invalid argument)
A: shmget(4660, 4097, -0001) = -1 EINVAL (Invalid argument)
A: shmget(4660, 0, IPC_CREAT, mode=013000004600) = -1 EINVAL (Invalid argument)
A: shmget(4660, 4097, IPC_CREAT, mode=0600) = 0
A: shmget(4660, 4097, IPC_CREAT, mode=013000004600) = 0
A: shmget(4660, 4097, -0001) = -1 EEXIST (File exists)
A: shmctl(0, IPC_RMID) = 0
""",
    "an_unconnected_udp_shutdown_wakes_a_waiting_recv": """spawn A
A: socket(AF_INET, SOCK_DGRAM) = 3
A: socket(AF_INET, SOCK_DGRAM|SOCK_NONBLOCK) = 4
A: fork("C") = 2
C: recv(3, 0) <unfinished ...>
A: shutdown(3, SHUT_WR) = -1 ENOTCONN (Transport endpoint is not connected)
A: shutdown(3, SHUT_RD) = -1 ENOTCONN (Transport endpoint is not connected)
C: <... recv resumed> = ""
C: recv(3, 5) = ""
C: recv(4, 5) = -1 EAGAIN (Resource temporarily unavailable)
A: shutdown(4, SHUT_RDWR) = -1 ENOTCONN (Transport endpoint is not connected)
C: recv(4, 5) = -1 EAGAIN (Resource temporarily unavailable)
""",
    "a_closed_tcp_connection_gives_back_a_port_it_did_not_bind": """spawn A
A: socket(AF_INET, SOCK_STREAM) = 3
A: bind(3, "127.0.0.1:9000") = 0
A: listen(3, 5) = 0
A: socket(AF_INET, SOCK_STREAM) = 4
A: connect(4, "127.0.0.1:9000") = 0
A: accept(3) = 5
A: close(5) = 0
A: shutdown(4, SHUT_WR) = 0
A: bind(4, "127.0.0.1:9001") = 0
A: bind(4, "127.0.0.1:9002") = -1 EINVAL (Invalid argument)
A: listen(4, 5) = -1 EINVAL (Invalid argument)
A: connect(4, "127.0.0.1:9000") = -1 EISCONN (Transport endpoint is already connected)
A: socket(AF_INET, SOCK_STREAM) = 5
A: connect(5, "127.0.0.1:9000") = 0
A: accept(3) = 6
A: send(5, "abc") = 3
A: shutdown(5, SHUT_RDWR) = 0
A: bind(5, "127.0.0.1:0") = -1 EINVAL (Invalid argument)
A: bind(6, "127.0.0.1:0") = -1 EINVAL (Invalid argument)
A: socket(AF_INET, SOCK_STREAM) = 7
A: connect(7, "127.0.0.1:9000") = 0
A: accept(3) = 8
A: send(7, "abc") = 3
A: close(8) = 0
A: bind(7, "127.0.0.1:0") = 0
A: recv(7, 5) = -1 ECONNRESET (Connection reset by peer)
A: bind(7, "127.0.0.1:0") = -1 EINVAL (Invalid argument)
""",
    "a_system_v_key_and_flags_are_c_ints": """spawn A
A: msgget(9223372036854775808, 0) = 0
A: msgget(4294967296, 0) = 1
A: msgget(4294972591, IPC_CREAT) = 2
A: msgget(5295, 0) = 2
A: msgget(-4294967296, 0) = 3
A: semget(4294967296, 1) = 0
A: shmget(4294967296, 10) = 0
A: semget(8589939887, 1, IPC_CREAT) = 1
A: semget(5295, 1) = 1
A: shmget(4294972591, 10, IPC_CREAT, mode=040000000600) = 1
A: shmget(5295, 10) = 1
A: msgget(5296, 040000000000) = -1 ENOENT (No such file or directory)
A: msgctl(0, IPC_RMID) = 0
A: msgctl(1, IPC_RMID) = 0
A: msgctl(2, IPC_RMID) = 0
A: msgctl(3, IPC_RMID) = 0
A: semctl(0, 0, IPC_RMID) = 0
A: semctl(1, 0, IPC_RMID) = 0
A: semctl(2, 0, IPC_RMID) = -1 EINVAL (Invalid argument)
A: shmctl(0, IPC_RMID) = 0
A: shmctl(1, IPC_RMID) = 0
A: shmctl(2, IPC_RMID) = -1 EINVAL (Invalid argument)
""",
    "a_store_far_past_a_truncated_mapping_is_sigbus_first": f"""spawn A
A: shm_open("/fs1", O_CREAT|O_RDWR, mode=0666) = 3
A: ftruncate(3, 4096) = 0
A: mmap(3) = 0
A: ftruncate(3, 0) = 0
A: poke("/fs1", 4095, "{Y70K}") = ?
A: --- SIGBUS ---
A: +++ killed by SIGBUS +++
""",
    "unix_stream_send_of_0_bytes_to_a_peer_shut_or_gone_is_epipe": """spawn A
A: signal(SIGPIPE, SIG_IGN) = 0
A: socketpair(AF_UNIX, SOCK_STREAM) = [3, 4]
A: shutdown(3, SHUT_RD) = 0
A: send(4, "") = -1 EPIPE (Broken pipe)
A: write(4, "") = -1 EPIPE (Broken pipe)
A: send(4, "x") = -1 EPIPE (Broken pipe)
A: socketpair(AF_UNIX, SOCK_STREAM) = [5, 6]
A: close(5) = 0
A: send(6, "") = -1 EPIPE (Broken pipe)
A: write(6, "") = -1 EPIPE (Broken pipe)
A: socketpair(AF_UNIX, SOCK_STREAM) = [5, 7]
A: shutdown(7, SHUT_WR) = 0
A: send(7, "") = -1 EPIPE (Broken pipe)
A: write(7, "") = -1 EPIPE (Broken pipe)
""",
    "a_tcp_reset_by_a_send_gives_back_the_port": """spawn A
A: signal(SIGPIPE, SIG_IGN) = 0
A: socket(AF_INET, SOCK_STREAM) = 3
A: bind(3, "127.0.0.1:9000") = 0
A: listen(3, 5) = 0
A: socket(AF_INET, SOCK_STREAM) = 4
A: connect(4, "127.0.0.1:9000") = 0
A: accept(3) = 5
A: close(5) = 0
A: send(4, "") = 0
A: send(4, "abc") = 3
A: bind(4, "127.0.0.1:0") = 0
A: send(4, "abc") = -1 EPIPE (Broken pipe)
A: bind(4, "127.0.0.1:0") = -1 EINVAL (Invalid argument)
A: recv(4, 5) = ""
""",
    "a_refused_connect_gives_back_a_port_not_bound_by_number": """spawn A
A: socket(AF_INET, SOCK_STREAM|SOCK_NONBLOCK) = 3
A: connect(3, "127.0.0.1:9") = -1 EINPROGRESS (Operation now in progress)
A: connect(3, "127.0.0.1:9") = -1 ECONNREFUSED (Connection refused)
A: listen(3, 1) = -1 EINVAL (Invalid argument)
A: bind(3, "127.0.0.1:5601") = -1 EINVAL (Invalid argument)
A: connect(3, "127.0.0.1:9") = -1 EINPROGRESS (Operation now in progress)
A: bind(3, "127.0.0.1:5601") = 0
A: socket(AF_INET, SOCK_STREAM) = 4
A: bind(4, "127.0.0.1:0") = 0
A: connect(4, "127.0.0.1:9") = -1 ECONNREFUSED (Connection refused)
A: bind(4, "127.0.0.1:0") = 0
A: bind(4, "127.0.0.1:5602") = -1 EINVAL (Invalid argument)
A: connect(4, "127.0.0.1:9") = -1 ECONNREFUSED (Connection refused)
A: bind(4, "127.0.0.1:0") = 0
A: socket(AF_INET, SOCK_STREAM) = 5
A: bind(5, "0.0.0.0:0") = 0
A: connect(5, "127.0.0.1:9") = -1 ECONNREFUSED (Connection refused)
A: listen(5, 1) = -1 EINVAL (Invalid argument)
A: bind(5, "127.0.0.1:0") = -1 EINVAL (Invalid argument)
""",
    "an_accepted_socket_gives_back_its_port_when_its_connection_ends": """spawn A
A: socket(AF_INET, SOCK_STREAM) = 3
A: bind(3, "127.0.0.1:9000") = 0
A: listen(3, 5) = 0
A: socket(AF_INET, SOCK_STREAM) = 4
A: connect(4, "127.0.0.1:9000") = 0
A: accept(3) = 5
A: close(4) = 0
A: shutdown(5, SHUT_WR) = 0
A: bind(5, "127.0.0.1:9200") = 0
""",
    "a_listener_shut_for_reading_gives_back_a_port_not_bound_by_number": """spawn A
A: socket(AF_INET, SOCK_STREAM) = 3
A: listen(3, 5) = 0
A: shutdown(3, SHUT_RD) = 0
A: bind(3, "127.0.0.1:9400") = 0
A: socket(AF_INET, SOCK_STREAM) = 4
A: bind(4, "127.0.0.1:9500") = 0
A: listen(4, 5) = 0
A: shutdown(4, SHUT_RDWR) = 0
A: bind(4, "127.0.0.1:9600") = -1 EINVAL (Invalid argument)
A: socket(AF_INET, SOCK_STREAM) = 5
A: bind(5, "127.0.0.1:9500") = -1 EADDRINUSE (Address already in use)
""",
    "a_reset_to_a_peer_that_has_left_the_connection_is_ignored": """spawn A
A: socket(AF_INET, SOCK_STREAM) = 3
A: bind(3, "127.0.0.1:9000") = 0
A: listen(3, 5) = 0
A: socket(AF_INET, SOCK_STREAM) = 4
A: connect(4, "127.0.0.1:9000") = 0
A: accept(3) = 5
A: shutdown(5, SHUT_WR) = 0
A: send(4, "x") = 1
A: shutdown(4, SHUT_WR) = 0
A: bind(4, "127.0.0.1:0") = 0
A: close(5) = 0
A: bind(4, "127.0.0.1:0") = -1 EINVAL (Invalid argument)
A: recv(4, 1) = ""
""",
    "a_port_a_refused_listen_kept_goes_when_a_later_connection_ends": """spawn A
A: signal(SIGPIPE, SIG_IGN) = 0
A: socket(AF_INET, SOCK_STREAM) = 3
A: bind(3, "127.0.0.1:9000") = 0
A: listen(3, 5) = 0
A: socket(AF_INET, SOCK_STREAM) = 4
A: connect(4, "127.0.0.1:9") = -1 ECONNREFUSED (Connection refused)
A: listen(4, 1) = -1 EINVAL (Invalid argument)
A: bind(4, "127.0.0.1:5601") = -1 EINVAL (Invalid argument)
A: connect(4, "127.0.0.1:9000") = 0
A: accept(3) = 5
A: close(5) = 0
A: shutdown(4, SHUT_WR) = 0
A: bind(4, "127.0.0.1:5601") = 0
A: bind(4, "127.0.0.1:5602") = -1 EINVAL (Invalid argument)
""",
    "a_listener_s_port_is_free_once_its_connections_are_reset": """spawn A
A: socket(AF_INET, SOCK_STREAM) = 3
A: bind(3, "127.0.0.1:9000") = 0
A: listen(3, 5) = 0
A: socket(AF_INET, SOCK_STREAM) = 4
A: connect(4, "127.0.0.1:9000") = 0
A: accept(3) = 5
A: send(5, "x") = 1
A: close(4) = 0
A: close(3) = 0
A: socket(AF_INET, SOCK_STREAM) = 3
A: bind(3, "127.0.0.1:9000") = 0
A: close(5) = 0
A: socket(AF_INET, SOCK_STREAM) = 4
A: bind(4, "127.0.0.1:9000") = -1 EADDRINUSE (Address already in use)
""",
    "a_port_bound_by_number_stays_after_a_reset": """spawn A
A: signal(SIGPIPE, SIG_IGN) = 0
A: socket(AF_INET, SOCK_STREAM) = 3
A: bind(3, "127.0.0.1:9000") = 0
A: listen(3, 5) = 0
A: socket(AF_INET, SOCK_STREAM) = 4
A: bind(4, "127.0.0.1:9100") = 0
A: connect(4, "127.0.0.1:9000") = 0
A: accept(3) = 5
A: send(5, "x") = 1
A: close(4) = 0
A: close(3) = 0
A: recv(5, 1) = -1 ECONNRESET (Connection reset by peer)
A: bind(5, "127.0.0.1:9200") = 0
A: socket(AF_INET, SOCK_STREAM) = 3
A: bind(3, "127.0.0.1:9000") = 0
A: socket(AF_INET, SOCK_STREAM) = 4
A: bind(4, "127.0.0.1:9100") = 0
A: close(5) = 0
A: socket(AF_INET, SOCK_STREAM) = 5
A: bind(5, "127.0.0.1:9000") = -1 EADDRINUSE (Address already in use)
""",
    "shutdown_of_a_connect_under_way_disconnects_it": """spawn A
A: socket(AF_INET, SOCK_STREAM) = 3
A: bind(3, "127.0.0.1:9000") = 0
A: listen(3, 0) = 0
A: socket(AF_INET, SOCK_STREAM) = 4
A: connect(4, "127.0.0.1:9000") = 0
A: socket(AF_INET, SOCK_STREAM|SOCK_NONBLOCK) = 5
A: connect(5, "127.0.0.1:9000") = -1 EINPROGRESS (Operation now in progress)
A: shutdown(5, SHUT_RDWR) = 0
A: bind(5, "127.0.0.1:9300") = 0
A: connect(5, "127.0.0.1:9000") = -1 EINPROGRESS (Operation now in progress)
""",
    "a_reset_after_the_peer_s_fin_still_reads_end_of_file": """spawn A
A: signal(SIGPIPE, SIG_IGN) = 0
A: socket(AF_INET, SOCK_STREAM) = 3
A: bind(3, "127.0.0.1:9000") = 0
A: listen(3, 5) = 0
A: socket(AF_INET, SOCK_STREAM) = 4
A: connect(4, "127.0.0.1:9000") = 0
A: accept(3) = 5
A: shutdown(5, SHUT_WR) = 0
A: send(4, "x") = 1
A: close(5) = 0
A: recv(4, 1) = ""
A: send(4, "y") = -1 EPIPE (Broken pipe)
A: recv(4, 1) = ""
A: send(4, "y") = -1 EPIPE (Broken pipe)
A: connect(4, "127.0.0.1:9000") = -1 EISCONN (Transport endpoint is already connected)
A: socket(AF_INET, SOCK_STREAM) = 5
A: connect(5, "127.0.0.1:9000") = 0
A: accept(3) = 6
A: send(5, "x") = 1
A: close(6) = 0
A: recv(5, 1) = -1 ECONNRESET (Connection reset by peer)
A: recv(5, 1) = ""
A: send(5, "y") = -1 EPIPE (Broken pipe)
A: connect(5, "127.0.0.1:9000") = -1 EISCONN (Transport endpoint is already connected)
""",
    "an_address_past_what_the_kernel_copies_is_einval": f"""spawn A
A: signal(SIGPIPE, SIG_IGN) = 0
A: socket(AF_UNIX, SOCK_DGRAM) = 3
A: bind(3, "{P108}") = -1 EINVAL (Invalid argument)
A: connect(3, "{P108}") = -1 EINVAL (Invalid argument)
A: sendto(3, "x", "{P108}") = -1 EINVAL (Invalid argument)
A: bind(3, "{P107}") = 0
A: sendto(3, "x", "{P107}") = 1
A: socket(AF_INET, SOCK_DGRAM) = 4
A: bind(4, "{T125}") = -1 EAFNOSUPPORT (Address family not supported by protocol)
A: bind(4, "{T126}") = -1 EINVAL (Invalid argument)
A: sendto(4, "x", "{T125}") = -1 EAFNOSUPPORT (Address family not supported by protocol)
A: sendto(4, "x", "{T126}") = -1 EINVAL (Invalid argument)
A: pipe() = [5, 6]
A: connect(5, "{T125}") = -1 ENOTSOCK (Socket operation on non-socket)
A: connect(5, "{T126}") = -1 EINVAL (Invalid argument)
A: sendto(5, "x", "{T126}") = -1 ENOTSOCK (Socket operation on non-socket)
A: socket(AF_UNIX, SOCK_STREAM) = 7
A: sendto(7, "x", "{T125}") = -1 EOPNOTSUPP (Operation not supported)
A: sendto(7, "x", "{T126}") = -1 EINVAL (Invalid argument)
A: socket(AF_INET, SOCK_STREAM) = 8
A: sendto(8, "x", "{T126}") = -1 EINVAL (Invalid argument)
A: sendto(8, "x", "{T125}") = -1 EPIPE (Broken pipe)
A: unlink("{P107}") = 0
""",
    "a_tcp_socket_that_sent_a_connect_can_never_listen_or_bind": """spawn A
A: socket(AF_INET, SOCK_STREAM|SOCK_NONBLOCK) = 3
A: connect(3, "127.0.0.1:9") = -1 EINPROGRESS (Operation now in progress)
A: fork("C") = 2
C: listen(3, 1) = -1 EINVAL (Invalid argument)
A: recv(3, 1) = -1 ECONNREFUSED (Connection refused)
A: listen(3, 1) = -1 EINVAL (Invalid argument)
A: connect(3, "127.0.0.1:9") = -1 ECONNABORTED (Software caused connection abort)
A: listen(3, 1) = -1 EINVAL (Invalid argument)
A: bind(3, "127.0.0.1:5601") = -1 EINVAL (Invalid argument)
A: connect(3, "127.0.0.1:9") = -1 EINPROGRESS (Operation now in progress)
A: socket(AF_INET, SOCK_STREAM) = 4
A: connect(4, "127.0.0.1:9") = -1 ECONNREFUSED (Connection refused)
A: bind(4, "127.0.0.1:5602") = 0
A: listen(4, 1) = -1 EINVAL (Invalid argument)
A: socket(AF_INET, SOCK_STREAM) = 5
A: connect(5, "10.0.0.1:9") = -1 ENETUNREACH (Network is unreachable)
A: listen(5, 1) = 0
A: socket(AF_INET, SOCK_STREAM|SOCK_NONBLOCK) = 6
A: connect(6, "127.0.0.1:9") = -1 EINPROGRESS (Operation now in progress)
A: shutdown(6, SHUT_RDWR) = -1 ENOTCONN (Transport endpoint is not connected)
A: listen(6, 1) = -1 EINVAL (Invalid argument)
A: socket(AF_INET, SOCK_STREAM|SOCK_NONBLOCK) = 7
A: connect(7, "0.0.0.0:0") = -1 EINPROGRESS (Operation now in progress)
A: bind(7, "127.0.0.1:0") = 0
A: socket(AF_INET, SOCK_STREAM) = 8
A: connect(8, "127.0.0.1:9") = -1 ECONNREFUSED (Connection refused)
A: listen(8, 1) = -1 EINVAL (Invalid argument)
A: bind(8, "127.0.0.1:0") = -1 EINVAL (Invalid argument)
""",
    "unix_address_that_names_a_fifo_checks_write_permission_first": """spawn A uid=0
spawn B uid=1001
A: mkfifo("/tmp/ipctui-k-fifo", mode=0600) = 0
A: mkfifo("/tmp/ipctui-k-open", mode=0666) = 0
B: socket(AF_UNIX, SOCK_DGRAM) = 3
B: sendto(3, "x", "/tmp/ipctui-k-fifo") = -1 EACCES (Permission denied)
B: connect(3, "/tmp/ipctui-k-fifo") = -1 EACCES (Permission denied)
B: sendto(3, "x", "/tmp/ipctui-k-open") = -1 ECONNREFUSED (Connection refused)
B: socket(AF_UNIX, SOCK_STREAM) = 4
B: connect(4, "/tmp/ipctui-k-fifo") = -1 EACCES (Permission denied)
A: unlink("/tmp/ipctui-k-fifo") = 0
A: unlink("/tmp/ipctui-k-open") = 0
""",
    "unix_close_with_unread_bytes_resets_the_peer_s_next_recv": """spawn A
A: signal(SIGPIPE, SIG_IGN) = 0
A: socketpair(AF_UNIX, SOCK_STREAM) = [3, 4]
A: send(4, "abc") = 3
A: send(3, "xy") = 2
A: close(3) = 0
A: recv(4, 1) = "x"
A: send(4, "q") = -1 EPIPE (Broken pipe)
A: recv(4, 5) = "y"
A: recv(4, 5) = -1 ECONNRESET (Connection reset by peer)
A: recv(4, 0) = ""
spawn B
B: signal(SIGPIPE, SIG_IGN) = 0
B: socketpair(AF_UNIX, SOCK_STREAM) = [3, 4]
B: send(4, "abc") = 3
B: close(3) = 0
B: send(4, "q") = -1 EPIPE (Broken pipe)
B: recv(4, 0) = -1 ECONNRESET (Connection reset by peer)
B: recv(4, 0) = ""
spawn C
C: signal(SIGPIPE, SIG_IGN) = 0
C: socketpair(AF_UNIX, SOCK_STREAM) = [3, 4]
C: send(3, "abc") = 3
C: close(3) = 0
C: recv(4, 5) = "abc"
C: recv(4, 5) = ""
""",
    "unix_close_with_unread_bytes_wakes_a_reader_with_econnreset": """spawn S
spawn C
S: signal(SIGPIPE, SIG_IGN) = 0
S: socket(AF_UNIX, SOCK_STREAM) = 3
S: bind(3, "/tmp/ipctui-k-ureset") = 0
S: listen(3, 5) = 0
C: socket(AF_UNIX, SOCK_STREAM) = 3
C: connect(3, "/tmp/ipctui-k-ureset") = 0
S: accept(3) = 4
S: send(4, "unread") = 6
S: read(4, 10) <unfinished ...>
C: close(3) = 0
S: <... read resumed> = -1 ECONNRESET (Connection reset by peer)
S: send(4, "x") = -1 EPIPE (Broken pipe)
S: read(4, 10) = ""
S: unlink("/tmp/ipctui-k-ureset") = 0
""",
    "unix_connect_to_a_socket_not_listening": """spawn A
A: socket(AF_UNIX, SOCK_STREAM) = 3
A: bind(3, "/tmp/ipctui-k1") = 0
A: socket(AF_UNIX, SOCK_STREAM) = 4
A: connect(4, "/tmp/ipctui-k1") = -1 ECONNREFUSED (Connection refused)
A: unlink("/tmp/ipctui-k1") = 0
""",
    "nonblocking_tcp_connect_is_always_in_progress": """spawn A
A: socket(AF_INET, SOCK_STREAM|SOCK_NONBLOCK) = 3
A: connect(3, "127.0.0.1:9000") = -1 EINPROGRESS (Operation now in progress)
A: connect(3, "127.0.0.1:9000") = -1 ECONNREFUSED (Connection refused)
A: socket(AF_INET, SOCK_STREAM) = 4
A: bind(4, "127.0.0.1:9001") = 0
A: listen(4, 5) = 0
A: socket(AF_INET, SOCK_STREAM|SOCK_NONBLOCK) = 5
A: connect(5, "127.0.0.1:9001") = -1 EINPROGRESS (Operation now in progress)
A: connect(5, "127.0.0.1:9001") = 0
A: connect(5, "127.0.0.1:9001") = -1 EISCONN (Transport endpoint is already connected)
""",
    "a_refused_connect_whose_error_was_taken_is_aborted": """spawn A
A: socket(AF_INET, SOCK_STREAM|SOCK_NONBLOCK) = 3
A: connect(3, "127.0.0.1:9000") = -1 EINPROGRESS (Operation now in progress)
A: send(3, "x") = -1 ECONNREFUSED (Connection refused)
A: recv(3, 5) = ""
A: connect(3, "127.0.0.1:9000") = -1 ECONNABORTED (Software caused connection abort)
A: recv(3, 5) = -1 ENOTCONN (Transport endpoint is not connected)
A: connect(3, "127.0.0.1:9000") = -1 EINPROGRESS (Operation now in progress)
A: socket(AF_INET, SOCK_STREAM|SOCK_NONBLOCK) = 4
A: connect(4, "127.0.0.1:9000") = -1 EINPROGRESS (Operation now in progress)
A: recv(4, 5) = -1 ECONNREFUSED (Connection refused)
A: recv(4, 5) = ""
A: send(4, "x") = -1 EPIPE (Broken pipe)
A: --- SIGPIPE ---
A: +++ killed by SIGPIPE +++
""",
    "recv_of_0_bytes_waits_for_data": """spawn A
A: socketpair(AF_UNIX, SOCK_STREAM|SOCK_NONBLOCK) = [3, 4]
A: recv(3, 0) = -1 EAGAIN (Resource temporarily unavailable)
A: send(4, "ab") = 2
A: recv(3, 0) = ""
A: recv(3, 5) = "ab"
A: close(4) = 0
A: recv(3, 0) = ""
""",
    "sendto_with_an_address": """spawn A
A: socket(AF_UNIX, SOCK_STREAM) = 3
A: sendto(3, "x", "/tmp/ipctui-k2") = -1 EOPNOTSUPP (Operation not supported)
A: socketpair(AF_UNIX, SOCK_STREAM) = [4, 5]
A: sendto(4, "x", "/tmp/ipctui-k2") = -1 EISCONN (Transport endpoint is already connected)
A: socket(AF_INET, SOCK_DGRAM) = 6
A: sendto(6, "x", "127.0.0.1:0") = -1 EINVAL (Invalid argument)
A: bind(6, "0.0.0.0:9100") = -1 EINVAL (Invalid argument)
A: socket(AF_INET, SOCK_DGRAM) = 7
A: bind(7, "127.0.0.1:9101") = 0
A: sendto(6, "hi", "0.0.0.0:9101") = 2
A: recv(7, 10) = "hi"
""",
    "bind_checks_in_linux_order": """spawn A
A: socket(AF_INET, SOCK_STREAM) = 3
A: bind(3, "127.0.0.1:9200") = 0
A: bind(3, "10.1.2.3:9201") = -1 EADDRNOTAVAIL (Cannot assign requested address)
A: bind(3, "127.0.0.1:9202") = -1 EINVAL (Invalid argument)
A: socket(AF_UNIX, SOCK_STREAM) = 4
A: bind(4, "/tmp/ipctui-k3") = 0
A: bind(4, "/tmp/ipctui-k3") = -1 EADDRINUSE (Address already in use)
A: bind(4, "/tmp/ipctui-k4") = -1 EINVAL (Invalid argument)
A: unlink("/tmp/ipctui-k3") = 0
""",
    "unix_bind_after_socketpair_or_connect": """spawn A
A: socketpair(AF_UNIX, SOCK_STREAM) = [3, 4]
A: bind(3, "/tmp/ipctui-k8") = 0
A: bind(3, "/tmp/ipctui-k9") = -1 EINVAL (Invalid argument)
A: socket(AF_UNIX, SOCK_STREAM) = 5
A: bind(5, "/tmp/ipctui-k10") = 0
A: listen(5, 1) = 0
A: socket(AF_UNIX, SOCK_STREAM) = 6
A: connect(6, "/tmp/ipctui-k10") = 0
A: bind(6, "/tmp/ipctui-k11") = 0
A: accept(5) = 7
A: send(6, "hi") = 2
A: recvfrom(7, 5) = ["hi", "/tmp/ipctui-k11"]
A: unlink("/tmp/ipctui-k8") = 0
A: unlink("/tmp/ipctui-k10") = 0
A: unlink("/tmp/ipctui-k11") = 0
""",
    "unix_connect_finds_its_target_first": """spawn A
A: socketpair(AF_UNIX, SOCK_STREAM) = [3, 4]
A: connect(3, "/tmp/ipctui-k12") = -1 ENOENT (No such file or directory)
A: socket(AF_UNIX, SOCK_STREAM) = 5
A: bind(5, "/tmp/ipctui-k13") = 0
A: listen(5, 0) = 0
A: connect(3, "/tmp/ipctui-k13") = -1 EISCONN (Transport endpoint is already connected)
A: connect(5, "/tmp/ipctui-k13") = -1 EINVAL (Invalid argument)
A: socket(AF_UNIX, SOCK_STREAM) = 6
A: shutdown(5, SHUT_RD) = 0
A: connect(6, "/tmp/ipctui-k13") = -1 ECONNREFUSED (Connection refused)
A: unlink("/tmp/ipctui-k13") = 0
""",
    "a_child_killed_while_its_parent_ignores_sigchld": """spawn A
A: fork("C") = 2
A: signal(SIGCHLD, SIG_IGN) = 0
A: kill(C, SIGKILL) = 0
C: +++ killed by SIGKILL +++
A: wait() = -1 ECHILD (No child processes)
""",
    "shutdown_for_writing_of_a_datagram_socket_is_epipe": """spawn A
A: socket(AF_UNIX, SOCK_DGRAM) = 3
A: bind(3, "/tmp/ipctui-k14") = 0
A: shutdown(3, SHUT_RDWR) = 0
A: sendto(3, "bc", "127.0.0.1:9000") = -1 EPIPE (Broken pipe)
A: sendto(3, "bc", "/tmp/ipctui-k14") = -1 EPIPE (Broken pipe)
A: socketpair(AF_UNIX, SOCK_DGRAM) = [4, 5]
A: shutdown(4, SHUT_WR) = 0
A: send(4, "x") = -1 EPIPE (Broken pipe)
A: send(5, "y") = 1
A: recv(4, 5) = "y"
A: socket(AF_INET, SOCK_DGRAM) = 6
A: shutdown(6, SHUT_WR) = -1 ENOTCONN (Transport endpoint is not connected)
A: sendto(6, "z", "127.0.0.1:9000") = -1 EPIPE (Broken pipe)
A: unlink("/tmp/ipctui-k14") = 0
""",
    "shutdown_of_an_unconnected_or_connecting_tcp_socket": """spawn A
A: socket(AF_INET, SOCK_STREAM) = 3
A: shutdown(3, SHUT_RD) = -1 ENOTCONN (Transport endpoint is not connected)
A: recv(3, 5) = ""
A: socket(AF_INET, SOCK_STREAM) = 4
A: shutdown(4, SHUT_WR) = -1 ENOTCONN (Transport endpoint is not connected)
A: recv(4, 5) = -1 ENOTCONN (Transport endpoint is not connected)
A: socket(AF_INET, SOCK_STREAM) = 5
A: bind(5, "127.0.0.1:9000") = 0
A: listen(5, 1) = 0
A: shutdown(5, SHUT_WR) = 0
A: socket(AF_INET, SOCK_STREAM) = 6
A: connect(6, "127.0.0.1:9000") = 0
A: accept(5) = 7
A: shutdown(5, SHUT_RD) = 0
A: accept(5) = -1 EINVAL (Invalid argument)
A: socket(AF_INET, SOCK_STREAM|SOCK_NONBLOCK) = 8
A: connect(8, "127.0.0.1:9000") = -1 EINPROGRESS (Operation now in progress)
A: shutdown(8, SHUT_RDWR) = -1 ENOTCONN (Transport endpoint is not connected)
A: connect(8, "127.0.0.1:9000") = -1 EINVAL (Invalid argument)
A: socket(AF_INET, SOCK_STREAM) = 9
A: shutdown(9, SHUT_WR) = -1 ENOTCONN (Transport endpoint is not connected)
A: getpid() = 1
A: socket(AF_INET, SOCK_STREAM) = 10
A: bind(10, "127.0.0.1:9001") = 0
A: listen(10, 3) = 0
A: socket(AF_INET, SOCK_STREAM|SOCK_NONBLOCK) = 11
A: connect(11, "127.0.0.1:9001") = -1 EINPROGRESS (Operation now in progress)
A: shutdown(11, SHUT_WR) = 0
A: connect(11, "127.0.0.1:9001") = -1 EISCONN (Transport endpoint is already connected)
A: socket(AF_INET, SOCK_STREAM|SOCK_NONBLOCK) = 12
A: connect(12, "127.0.0.1:9001") = -1 EINPROGRESS (Operation now in progress)
A: accept(10) = 13
A: recv(13, 5) = ""
""",
    "accept_of_a_listener_shut_for_reading": """spawn A
A: socket(AF_INET, SOCK_STREAM) = 3
A: bind(3, "127.0.0.1:9500") = 0
A: listen(3, 1) = 0
A: fork("C") = 2
C: accept(3) <unfinished ...>
A: shutdown(3, SHUT_RD) = 0
C: <... accept resumed> = -1 EINVAL (Invalid argument)
A: socket(AF_UNIX, SOCK_STREAM) = 4
A: bind(4, "/tmp/ipctui-k16") = 0
A: listen(4, 3) = 0
A: fork("D") = 3
D: accept(4) <unfinished ...>
A: shutdown(4, SHUT_WR) = 0
A: socket(AF_UNIX, SOCK_STREAM) = 5
A: connect(5, "/tmp/ipctui-k16") = 0
D: <... accept resumed> = 5
D: accept(4) <unfinished ...>
A: shutdown(4, SHUT_RDWR) = 0
D: <... accept resumed> = -1 EINVAL (Invalid argument)
A: socket(AF_UNIX, SOCK_STREAM) = 6
A: connect(6, "/tmp/ipctui-k16") = -1 ECONNREFUSED (Connection refused)
A: socket(AF_UNIX, SOCK_STREAM|SOCK_NONBLOCK) = 7
A: bind(7, "/tmp/ipctui-k17") = 0
A: listen(7, 3) = 0
A: socket(AF_UNIX, SOCK_STREAM) = 8
A: connect(8, "/tmp/ipctui-k17") = 0
A: shutdown(7, SHUT_RD) = 0
A: accept(7) = 9
A: accept(7) = -1 EAGAIN (Resource temporarily unavailable)
A: unlink("/tmp/ipctui-k16") = 0
A: unlink("/tmp/ipctui-k17") = 0
""",
    "a_tcp_listener_shut_for_reading_never_connects": """spawn A
A: socket(AF_INET, SOCK_STREAM|SOCK_NONBLOCK) = 3
A: bind(3, "127.0.0.1:9600") = 0
A: listen(3, 1) = 0
A: shutdown(3, SHUT_WR) = 0
A: connect(3, "127.0.0.1:9601") = -1 EISCONN (Transport endpoint is already connected)
A: shutdown(3, SHUT_RD) = 0
A: connect(3, "10.0.0.1:9601") = -1 ENETUNREACH (Network is unreachable)
A: connect(3, "127.0.0.1:9601") = -1 EINVAL (Invalid argument)
A: socket(AF_INET, SOCK_STREAM) = 4
A: bind(4, "127.0.0.1:9602") = 0
A: listen(4, 1) = 0
A: connect(3, "127.0.0.1:9602") = -1 EINVAL (Invalid argument)
A: listen(3, 1) = 0
A: connect(3, "127.0.0.1:9602") = -1 EISCONN (Transport endpoint is already connected)
A: shutdown(3, SHUT_RDWR) = 0
A: connect(3, "127.0.0.1:9602") = -1 EINVAL (Invalid argument)
A: send(3, "x") = -1 EPIPE (Broken pipe)
A: --- SIGPIPE ---
A: +++ killed by SIGPIPE +++
""",
    "a_sysv_mode_past_0777_is_flags": """spawn A
A: msgget(16962, IPC_CREAT, mode=0600) = 0
A: msgget(16962, 0, mode=03600) = -1 EEXIST (File exists)
A: semget(16963, 1, 0, mode=01600) = 0
A: semget(16963, 1, 0, mode=03600) = -1 EEXIST (File exists)
A: shmget(16964, 4096, 0, mode=01600) = 0
A: msgctl(0, IPC_RMID) = 0
A: semctl(0, 0, IPC_RMID) = 0
A: shmctl(0, IPC_RMID) = 0
""",
    "unsigned_ints_as_c_passes_them": """spawn A
A: mq_open("/ipctui-k18", O_CREAT|O_RDWR) = 3
A: mq_send(3, "a", 4294967297) = 0
A: mq_send(3, "b", -1) = -1 EINVAL (Invalid argument)
A: mq_receive(3) = ["a", 1]
A: sem_open("/ipctui-k19", O_CREAT, value=4294967298) = 1
A: sem_getvalue(1) = 2
A: sem_open("/ipctui-k20", O_CREAT, value=-1) = -1 EINVAL (Invalid argument)
A: mq_unlink("/ipctui-k18") = 0
A: sem_unlink("/ipctui-k19") = 0
""",
    "mkfifo_with_file_type_bits_in_its_mode": """spawn A
A: mkfifo("/tmp/ipctui-k21", mode=0600) = 0
A: mkfifo("/tmp/ipctui-k21", mode=0177777) = -1 EINVAL (Invalid argument)
A: mkfifo("/tmp/ipctui-k21", mode=040600) = -1 EINVAL (Invalid argument)
A: mkfifo("/tmp/ipctui-k21", mode=010600) = -1 EEXIST (File exists)
A: unlink("/tmp/ipctui-k21") = 0
""",
    "ftruncate_past_the_file_size_limit": """spawn A
A: shm_open("/ipctui-k23", O_CREAT|O_RDWR) = 3
A: ftruncate(3, 67108864) = 0
A: signal(SIGXFSZ, SIG_IGN) = 0
A: ftruncate(3, 67108865) = -1 EFBIG (File too large)
A: ftruncate(3, 9223372036854775807) = -1 EFBIG (File too large)
A: signal(SIGXFSZ, "on_sig") = 0
A: ftruncate(3, 67108865) = -1 EFBIG (File too large)
A: --- SIGXFSZ ---
A: shm_unlink("/ipctui-k23") = 0
A: signal(SIGXFSZ, SIG_DFL) = 0
A: ftruncate(3, 67108865) = -1 EFBIG (File too large)
A: --- SIGXFSZ ---
A: +++ killed by SIGXFSZ +++
""",
    "semaphore_numbers_as_c_ints": """spawn A
A: semget(IPC_PRIVATE, 4294967298, IPC_CREAT, mode=0600) = 0
A: semctl(0, 1, GETVAL) = 0
A: semctl(0, 2, GETVAL) = -1 EINVAL (Invalid argument)
A: semctl(0, 0, SETVAL, 4294967297) = 0
A: semctl(0, 4294967296, GETVAL) = 1
A: semctl(0, -4294967295, GETVAL) = 0
A: semctl(0, 0, SETVAL, -4294967290) = 0
A: semctl(0, 0, GETVAL) = 6
A: semctl(0, 0, IPC_RMID) = 0
""",
    "sem_open_of_an_existing_semaphore_as_a_directory": """spawn A
A: sem_open("/ipctui-k24", O_CREAT, value=1) = 1
A: sem_open("/ipctui-k24", 65536) = -1 ENOTDIR (Not a directory)
A: sem_open("/ipctui-k25", 65536) = -1 ENOENT (No such file or directory)
A: sem_open("/ipctui-k24", 65537) = -1 ENOTDIR (Not a directory)
A: sem_unlink("/ipctui-k24") = 0
""",
    "setall_of_the_wrong_length_before_permission": """spawn A uid=0
spawn B uid=1001
A: semget(IPC_PRIVATE, 2, IPC_CREAT, mode=0600) = 0
B: semctl(0, 0, SETALL, [0, 0, 0]) = -1 EINVAL (Invalid argument)
B: semctl(0, 0, SETALL, [0, 0]) = -1 EACCES (Permission denied)
A: semctl(0, 0, IPC_RMID) = 0
""",
    "shmget_of_huge_pages": """spawn A uid=0
spawn B
A: shmget(IPC_PRIVATE, 8192, IPC_CREAT, mode=04600) = -1 EPERM (Operation not permitted)
B: shmget(IPC_PRIVATE, 8192, IPC_CREAT, mode=04600) = -1 EPERM (Operation not permitted)
A: shmget(IPC_PRIVATE, 0, IPC_CREAT, mode=04600) = -1 EINVAL (Invalid argument)
A: shmget(22136, 8192, IPC_CREAT, mode=0600) = 0
B: shmget(22136, 8192, 0, mode=04600) = -1 EACCES (Permission denied)
A: shmget(22136, 8192, 0, mode=04600) = 0
A: semget(IPC_PRIVATE, 1, IPC_CREAT, mode=04600) = 0
A: shmctl(0, IPC_RMID) = 0
A: semctl(0, 0, IPC_RMID) = 0
""",
    "open_of_a_fifo_with_a_mode": """spawn A
A: mkfifo("/tmp/ipctui-k26", mode=0600) = 0
A: open("/tmp/ipctui-k26", O_RDWR|O_NONBLOCK, mode=0644) = 3
A: open("/tmp/ipctui-k26", O_RDWR, mode=0177777) = 4
A: unlink("/tmp/ipctui-k26") = 0
""",
    "tcp_connect_to_itself": """spawn A
A: socket(AF_INET, SOCK_STREAM) = 3
A: bind(3, "127.0.0.1:9300") = 0
A: connect(3, "127.0.0.1:9300") = 0
A: send(3, "me") = 2
A: recv(3, 10) = "me"
""",
    "kill_sigcont_across_uids_and_sigkill_to_itself": """spawn A uid=1000
spawn B uid=1001
B: kill(A, SIGSTOP) = -1 EPERM (Operation not permitted)
B: kill(B, SIGSTOP) = 0
B: --- stopped by SIGSTOP ---
A: kill(B, SIGCONT) = 0
B: --- SIGCONT ---
A: kill(A, SIGKILL) = ?
A: +++ killed by SIGKILL +++
""",
    "peek_and_poke_of_nothing_never_fault": """spawn A
A: shm_open("/ipctui-k5", O_CREAT|O_RDWR) = 3
A: ftruncate(3, 4096) = 0
A: mmap(3) = 0
A: peek("/ipctui-k5", 8192, 0) = ""
A: poke("/ipctui-k5", 8192, "") = 0
A: peek("/elsewhere", 0, 0) = ""
A: poke("/elsewhere", 5, "") = 0
A: shm_unlink("/ipctui-k5") = 0
""",
    "unix_socket_file_is_0600": """spawn A
spawn B uid=1001
A: socket(AF_UNIX, SOCK_STREAM) = 3
A: bind(3, "/tmp/ipctui-k6") = 0
A: listen(3, 1) = 0
B: socket(AF_UNIX, SOCK_STREAM) = 3
B: connect(3, "/tmp/ipctui-k6") = -1 EACCES (Permission denied)
A: unlink("/tmp/ipctui-k6") = 0
""",
    "mq_open_as_root_with_invalid_sizes": """spawn A
A: mq_open("/ipctui-k7", O_CREAT|O_RDWR, maxmsg=0) = -1 EINVAL (Invalid argument)
A: mq_open("/ipctui-k7", O_CREAT|O_RDWR, maxmsg=70000) = -1 EINVAL (Invalid argument)
A: mq_open("/ipctui-k7", O_CREAT|O_RDWR, msgsize=0) = -1 EINVAL (Invalid argument)
""",
    "datagram_recv_when_shut_for_reading": """spawn A
spawn B
A: socket(AF_INET, SOCK_DGRAM|SOCK_NONBLOCK) = 3
A: bind(3, "127.0.0.1:9500") = 0
A: shutdown(3, SHUT_RD) = -1 ENOTCONN (Transport endpoint is not connected)
A: recv(3, 0) = -1 EAGAIN (Resource temporarily unavailable)
B: socket(AF_INET, SOCK_DGRAM) = 3
B: sendto(3, "abc", "127.0.0.1:9500") = 3
A: recv(3, 0) = ""
A: recvfrom(3, 5) = -1 EAGAIN (Resource temporarily unavailable)
A: socket(AF_UNIX, SOCK_DGRAM) = 4
A: shutdown(4, SHUT_RD) = 0
A: recv(4, 0) = ""
A: recvfrom(4, 2) = ["", ""]
A: socket(AF_UNIX, SOCK_DGRAM|SOCK_NONBLOCK) = 5
A: shutdown(5, SHUT_RDWR) = 0
A: recv(5, 2) = -1 EAGAIN (Resource temporarily unavailable)
""",
    "unix_datagram_to_a_socket_shut_for_reading_or_connected_elsewhere": """spawn A
spawn B
A: socket(AF_UNIX, SOCK_DGRAM) = 3
A: bind(3, "/tmp/ipctui-k30") = 0
A: shutdown(3, SHUT_RD) = 0
B: socket(AF_UNIX, SOCK_DGRAM) = 3
B: sendto(3, "abc", "/tmp/ipctui-k30") = -1 EPIPE (Broken pipe)
B: connect(3, "/tmp/ipctui-k30") = 0
B: send(3, "abc") = -1 EPIPE (Broken pipe)
A: socket(AF_UNIX, SOCK_DGRAM) = 4
A: bind(4, "/tmp/ipctui-k31") = 0
B: socket(AF_UNIX, SOCK_DGRAM) = 4
B: connect(4, "/tmp/ipctui-k31") = 0
A: connect(4, "/tmp/ipctui-k30") = 0
B: send(4, "x") = -1 EPERM (Operation not permitted)
B: connect(4, "/tmp/ipctui-k31") = -1 EPERM (Operation not permitted)
A: close(3) = 0
B: send(4, "x") = -1 EPERM (Operation not permitted)
A: unlink("/tmp/ipctui-k30") = 0
A: unlink("/tmp/ipctui-k31") = 0
""",
    "unix_bind_and_connect_to_the_empty_name": """spawn A
spawn B uid=1001
A: socket(AF_UNIX, SOCK_STREAM) = 3
A: connect(3, "") = -1 ECONNREFUSED (Connection refused)
A: bind(3, "") = 0
A: bind(3, "") = -1 EINVAL (Invalid argument)
A: bind(3, "/tmp/ipctui-k32") = -1 EINVAL (Invalid argument)
A: socket(AF_UNIX, SOCK_STREAM) = 4
A: bind(4, "") = -1 EADDRINUSE (Address already in use)
B: socket(AF_UNIX, SOCK_STREAM) = 3
B: connect(3, "") = -1 ECONNREFUSED (Connection refused)
A: listen(3, 1) = 0
B: connect(3, "") = 0
A: accept(3) = 5
A: send(5, "hi") = 2
B: recvfrom(3, 5) = ["hi", ""]
A: close(3) = 0
A: bind(4, "") = 0
A: socket(AF_UNIX, SOCK_DGRAM) = 3
A: bind(3, "") = 0
A: connect(3, "") = 0
A: sendto(3, "me", "") = 2
A: recvfrom(3, 5) = ["me", ""]
B: socket(AF_UNIX, SOCK_DGRAM) = 4
B: sendto(4, "x", "") = -1 EPERM (Operation not permitted)
""",
    "read_of_0_bytes_on_a_socket_and_open_of_a_socket_file": """spawn A uid=0
spawn B uid=1001
A: socket(AF_UNIX, SOCK_STREAM) = 3
A: bind(3, "/tmp/ipctui-k33") = 0
A: listen(3, 1) = 0
A: read(3, 0) = ""
A: read(3, 1) = -1 EINVAL (Invalid argument)
A: socket(AF_UNIX, SOCK_DGRAM|SOCK_NONBLOCK) = 4
A: read(4, 0) = ""
A: read(4, 1) = -1 EAGAIN (Resource temporarily unavailable)
B: open("/tmp/ipctui-k33", O_WRONLY|O_NONBLOCK) = -1 EACCES (Permission denied)
B: open("/tmp/ipctui-k33", O_RDONLY|O_ACCMODE) = -1 EACCES (Permission denied)
A: open("/tmp/ipctui-k33", O_RDWR|O_WRONLY) = -1 ENXIO (No such device or address)
A: mkfifo("/tmp/ipctui-k34", mode=0600) = 0
B: open("/tmp/ipctui-k34", O_RDWR|O_WRONLY) = -1 EACCES (Permission denied)
A: open("/tmp/ipctui-k34", O_RDWR|O_WRONLY) = -1 EINVAL (Invalid argument)
A: unlink("/tmp/ipctui-k33") = 0
A: unlink("/tmp/ipctui-k34") = 0
""",
    "unconnected_unix_datagram_send_checks_its_size_and_shutdown_first": f"""spawn A
A: socket(AF_UNIX, SOCK_DGRAM) = 3
A: send(3, "{"s" * 212961}") = -1 EMSGSIZE (Message too long)
A: send(3, "x") = -1 ENOTCONN (Transport endpoint is not connected)
A: shutdown(3, SHUT_WR) = 0
A: send(3, "x") = -1 EPIPE (Broken pipe)
A: sendto(3, "x", "/tmp/ipctui-k35") = -1 EPIPE (Broken pipe)
A: socket(AF_INET, SOCK_DGRAM) = 4
A: shutdown(4, SHUT_WR) = -1 ENOTCONN (Transport endpoint is not connected)
A: send(4, "x") = -1 EDESTADDRREQ (Destination address required)
""",
    "a_load_across_the_end_faults_at_its_first_byte_in_order": """spawn A
A: shm_open("/ipctui-k36", O_CREAT|O_RDWR, mode=0600) = 3
A: ftruncate(3, 4096) = 0
A: mmap(3) = 0
A: ftruncate(3, 0) = 0
A: shm_unlink("/ipctui-k36") = 0
A: peek("/ipctui-k36", 4095, 4) = ?
A: --- SIGBUS ---
A: +++ killed by SIGBUS +++
""",
    "sem_open_reads_its_value_before_o_excl_finds_the_semaphore": """spawn A
A: sem_open("/ipctui-k37", O_CREAT, value=1) = 1
A: sem_open("/ipctui-k37", O_CREAT|O_EXCL, value=-1) = -1 EINVAL (Invalid argument)
A: sem_open("/ipctui-k37", O_CREAT|O_EXCL, value=1) = -1 EEXIST (File exists)
A: sem_open("/ipctui-k37", O_CREAT, value=-1) = 1
A: sem_unlink("/ipctui-k37") = 0
A: sem_open("/ipctui-k37", O_CREAT, value=-1) = -1 EINVAL (Invalid argument)
""",
    "semctl_setval_out_of_range_on_an_id_that_names_nothing": """spawn A
A: semctl(7, 2, SETVAL, 2147483648) = -1 ERANGE (Numerical result out of range)
A: semctl(7, 2, SETVAL, 32768) = -1 ERANGE (Numerical result out of range)
A: semctl(7, 2, SETVAL, 1) = -1 EINVAL (Invalid argument)
A: semctl(-1, 2, SETVAL, 32768) = -1 EINVAL (Invalid argument)
A: msgctl(7, IPC_RMID) = -1 EINVAL (Invalid argument)
""",
    "a_line_longer_than_64_KiB": f"""spawn A
A: socket(AF_INET, SOCK_DGRAM) = 3
A: sendto(3, "{"x" * 70000}", "127.0.0.1:9400") = -1 EMSGSIZE (Message too long)
A: getpid() = 1
""",
    # The queues' pipelined hand-over (pipelined_send, pipelined_receive): a message goes straight
    # to a waiting receiver, a receive from a full queue takes a waiting sender's message in at
    # once, and a stopped receiver has left the queue (its call restarts at SIGCONT, at the back).
    "mq_a_stopped_receiver_is_passed_over_and_waits_again_at_the_back": """spawn A
A: mq_open("/ipctui-k30", O_CREAT|O_RDWR, maxmsg=2) = 3
A: fork("R1") = 2
A: fork("R2") = 3
A: fork("R3") = 4
R1: mq_receive(3) <unfinished ...>
R2: mq_receive(3) <unfinished ...>
R3: mq_receive(3) <unfinished ...>
A: kill(R1, SIGSTOP) = 0
R1: --- stopped by SIGSTOP ---
A: mq_send(3, "one", 0) = 0
R2: <... mq_receive resumed> = ["one", 0]
A: kill(R1, SIGCONT) = 0
R1: --- SIGCONT ---
A: mq_send(3, "two", 0) = 0
R3: <... mq_receive resumed> = ["two", 0]
A: mq_send(3, "three", 0) = 0
R1: <... mq_receive resumed> = ["three", 0]
A: mq_unlink("/ipctui-k30") = 0
""",
    "mq_a_receive_from_a_full_queue_takes_the_first_senders_message_in_by_priority": """spawn A
A: mq_open("/ipctui-k31", O_CREAT|O_RDWR, maxmsg=2) = 3
A: mq_send(3, "lo", 1) = 0
A: mq_send(3, "hi", 5) = 0
A: fork("S1") = 2
A: fork("S2") = 3
S1: mq_send(3, "mid", 3) <unfinished ...>
S2: mq_send(3, "top", 9) <unfinished ...>
A: mq_receive(3) = ["hi", 5]
S1: <... mq_send resumed> = 0
A: mq_getattr(3) = {maxmsg=2, msgsize=8192, curmsgs=2}
A: mq_receive(3) = ["mid", 3]
S2: <... mq_send resumed> = 0
A: mq_receive(3) = ["top", 9]
A: mq_receive(3) = ["lo", 1]
A: mq_unlink("/ipctui-k31") = 0
""",
    "msgsnd_goes_to_the_first_waiting_receiver_that_wants_its_type": """spawn A
A: msgget(16993, IPC_CREAT, mode=0600) = 0
A: fork("R1") = 2
A: fork("R2") = 3
A: fork("R3") = 4
R1: msgrcv(0, 2) <unfinished ...>
R2: msgrcv(0, -3) <unfinished ...>
R3: msgrcv(0, 0) <unfinished ...>
A: msgsnd(0, 5, "five") = 0
R3: <... msgrcv resumed> = ["five", 5]
A: msgsnd(0, 4, "four") = 0
A: msgsnd(0, 1, "one") = 0
R2: <... msgrcv resumed> = ["one", 1]
A: msgsnd(0, 2, "two") = 0
R1: <... msgrcv resumed> = ["two", 2]
A: msgrcv(0, 0) = ["four", 4]
A: msgctl(0, IPC_RMID) = 0
""",
    "msgrcv_wakes_only_the_senders_whose_message_now_fits": f"""spawn A
A: msgget(16994, IPC_CREAT, mode=0600) = 0
A: msgsnd(0, 8, "{"m" * 10}") = 0
A: msgsnd(0, 9, "{"x" * 8192}") = 0
A: msgsnd(0, 9, "{"y" * 8182}") = 0
A: fork("S1") = 2
A: fork("S2") = 3
S1: msgsnd(0, 1, "{"a" * 8192}") <unfinished ...>
S2: msgsnd(0, 2, "{"b" * 10}") <unfinished ...>
A: msgrcv(0, 8) = ["{"m" * 10}", 8]
S2: <... msgsnd resumed> = 0
A: msgrcv(0, 9) = ["{"x" * 8192}", 9]
S1: <... msgsnd resumed> = 0
A: msgrcv(0, 0) = ["{"y" * 8182}", 9]
A: msgrcv(0, 0) = ["{"b" * 10}", 2]
A: msgrcv(0, 0) = ["{"a" * 8192}", 1]
A: msgctl(0, IPC_RMID) = 0
""",
}


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line]


@pytest.mark.parametrize("name", KINDS)
def test_the_simulation_gives_what_linux_gives(name: str):
    assert len(_lines(KINDS[name])) > 2  # a reproducer of nothing would pass on both
    lines: list[str] = []
    run_script(parse(KINDS[name]).statements, lines.append, "text")
    assert lines == _lines(KINDS[name])


@needs_root
@pytest.mark.parametrize("name", KINDS)
def test_the_real_kernel_gives_the_same(name: str):
    lines: list[str] = []
    kernel = run_real(parse(KINDS[name]).statements, lines.append, "text")
    assert kernel.skipped == 0
    assert lines == _lines(KINDS[name])


MQ_OPEN_OF_AN_EXISTING_QUEUE = """spawn A uid=0
A: mq_open("/ipctui-k15", O_CREAT|O_RDWR) = 3
A: mq_open("/ipctui-k15", O_CREAT|O_RDWR, maxmsg=100) = 4
A: mq_open("/ipctui-k15", O_CREAT|O_EXCL|O_RDWR, maxmsg=100) = -1 EEXIST (File exists)
A: mq_unlink("/ipctui-k15") = 0
A: mq_open("/ipctui-k15", O_CREAT|O_RDWR, maxmsg=11) = 5
"""


def test_mq_open_of_an_existing_queue_in_the_simulation():
    lines: list[str] = []
    run_script(parse(MQ_OPEN_OF_AN_EXISTING_QUEUE).statements, lines.append, "text")
    assert lines == _lines(MQ_OPEN_OF_AN_EXISTING_QUEUE)


@needs_root
def test_mq_open_of_an_existing_queue_runs_without_cap_sys_resource(monkeypatch: pytest.MonkeyPatch):
    """Linux reads mq_open's sizes only when it makes the queue: opening one that exists with
    sizes past the limits runs even where root lacks CAP_SYS_RESOURCE; making one cannot run."""
    monkeypatch.setattr("ipctui.real.kernel._capable", lambda cap: False)
    lines: list[str] = []
    kernel = run_real(parse(MQ_OPEN_OF_AN_EXISTING_QUEUE).statements, lines.append, "text")
    assert kernel.skipped == 1
    assert lines[:5] == _lines(MQ_OPEN_OF_AN_EXISTING_QUEUE)[:5]
    assert lines[5].startswith("# cannot run here") and "CAP_SYS_RESOURCE" in lines[5]


@needs_root
def test_real_time_signals_cannot_run_here():
    """The simulation's signals are 1-31 (kill with 32-64 is EINVAL there); Linux would deliver
    a real-time signal, so the real run says it cannot run such a line instead of differing."""
    script = "spawn A\nA: kill(A, 64)\nA: signal(40, SIG_IGN)\nA: kill(A, 65)\n"
    lines: list[str] = []
    kernel = run_real(parse(script).statements, lines.append, "text")
    assert kernel.skipped == 2
    assert [line.split(" -- ")[0] for line in lines[1:3]] == [
        "# cannot run here: A: kill(A, 64)",
        "# cannot run here: A: signal(40, SIG_IGN)",
    ]
    assert lines[3] == "A: kill(A, 65) = -1 EINVAL (Invalid argument)"
