"""Pipes: a ring of page slots (fs/pipe.c), PIPE_BUF atomicity, partial writes, wake-up order."""

from helpers import check

from ipctui.engine import Kernel


def test_only_the_first_len_mod_page_bytes_top_up_the_newest_slot():
    check("""
        spawn A
        A: pipe(capacity=16, page_size=4) = [3, 4]
        A: fcntl(4, F_SETFL, O_NONBLOCK) = 0
        A: write(4, "ab") = 2
        A: write(4, "cd") = 2
        A: write(4, "e") = 1
        A: write(4, "fghij") = 5
        A: write(4, "klmn") = 4
        A: write(4, "o") = -1 EAGAIN (Resource temporarily unavailable)
        A: read(3, 100) = "abcdefghijklmn"
    """)


def test_room_in_the_byte_count_is_not_room_in_the_pipe():
    # 4 slots of 4: "ab" fills slot 0 halfway, "cdef" takes slot 1 whole; 6 bytes of 16 are used,
    # yet a 3-byte write cannot go in: it does not fit after the newest slot's last byte and
    # no slot is free once two more whole-slot writes land.
    check("""
        spawn A
        A: pipe(capacity=16, page_size=4) = [3, 4]
        A: fcntl(4, F_SETFL, O_NONBLOCK) = 0
        A: write(4, "ab") = 2
        A: write(4, "cdef") = 4
        A: write(4, "ghij") = 4
        A: write(4, "klmn") = 4
        A: write(4, "xyz") = -1 EAGAIN (Resource temporarily unavailable)
    """)


def test_a_slot_is_freed_only_when_read_to_its_end():
    check("""
        spawn A
        A: pipe(capacity=8, page_size=4) = [3, 4]
        A: fork("W") = 2
        W: write(4, "0123456789") <unfinished ...>
        A: read(3, 3) = "012"
        A: read(3, 1) = "3"
        W: <... write resumed> = 10
        A: read(3, 100) = "456789"
    """)


def test_nonblocking_write_returns_a_partial_count_then_eagain():
    check("""
        spawn A
        A: pipe(capacity=8, page_size=4) = [3, 4]
        A: fcntl(4, F_SETFL, O_NONBLOCK) = 0
        A: write(4, "0123456789") = 8
        A: write(4, "x") = -1 EAGAIN (Resource temporarily unavailable)
        A: read(3, 100) = "01234567"
        A: fcntl(3, F_SETFL, O_NONBLOCK) = 0
        A: read(3, 100) = -1 EAGAIN (Resource temporarily unavailable)
    """)


def test_zero_length_calls_return_at_once():
    check("""
        spawn A
        A: pipe() = [3, 4]
        A: read(3, 0) = ""
        A: close(3) = 0
        A: write(4, "") = 0
        A: write(4, "x") = -1 EPIPE (Broken pipe)
        A: --- SIGPIPE ---
        A: +++ killed by SIGPIPE +++
    """)


def test_wrong_end_and_bad_descriptors_are_ebadf():
    check("""
        spawn A
        A: pipe() = [3, 4]
        A: write(3, "x") = -1 EBADF (Bad file descriptor)
        A: read(4, 1) = -1 EBADF (Bad file descriptor)
        A: read(0, 1) = -1 EBADF (Bad file descriptor)
        A: write(1, "x") = -1 EBADF (Bad file descriptor)
        A: close(2) = -1 EBADF (Bad file descriptor)
        A: close(9) = -1 EBADF (Bad file descriptor)
        A: close(4) = 0
        A: close(4) = -1 EBADF (Bad file descriptor)
        A: read(3, -1) = -1 EINVAL (Invalid argument)
        A: fcntl(9, F_GETFL) = -1 EBADF (Bad file descriptor)
    """)


def test_lowest_free_descriptor_is_reused():
    check("""
        spawn A
        A: pipe() = [3, 4]
        A: pipe() = [5, 6]
        A: close(3) = 0
        A: close(5) = 0
        A: pipe() = [3, 5]
        A: pipe() = [7, 8]
    """)


def test_capacity_rounds_up_to_a_power_of_two_and_a_page():
    check("""
        spawn A
        spawn R uid=0
        A: pipe(capacity=5) = [3, 4]
        A: fcntl(3, F_GETPIPE_SZ) = 4096
        A: pipe(capacity=17, page_size=4) = [5, 6]
        A: fcntl(6, F_GETPIPE_SZ) = 32
        A: pipe(capacity=100000) = [7, 8]
        A: fcntl(7, F_GETPIPE_SZ) = 131072
        A: pipe(capacity=0) = [9, 10]
        A: fcntl(9, F_GETPIPE_SZ) = 4096
        A: pipe(capacity=1048577) = -1 EPERM (Operation not permitted)
        A: pipe(capacity=4294967296) = -1 EINVAL (Invalid argument)
        A: pipe(page_size=3) = -1 EINVAL (Invalid argument)
        A: pipe(page_size=0) = -1 EINVAL (Invalid argument)
        R: pipe(capacity=2000000) = [3, 4]
        R: fcntl(3, F_GETPIPE_SZ) = 2097152
    """)


def test_setpipe_sz_rounds_refuses_to_drop_slots_and_wakes_a_writer():
    check("""
        spawn A
        A: pipe(capacity=8, page_size=4) = [3, 4]
        A: fork("W") = 2
        W: write(4, "0123456789") <unfinished ...>
        A: fcntl(3, F_SETPIPE_SZ, 4) = -1 EBUSY (Device or resource busy)
        A: fcntl(3, F_SETPIPE_SZ, 9) = 16
        W: <... write resumed> = 10
        A: fcntl(3, F_SETPIPE_SZ, 2147483649) = -1 EINVAL (Invalid argument)
        A: fcntl(3, F_SETPIPE_SZ, 2097152) = -1 EPERM (Operation not permitted)
        A: read(3, 100) = "0123456789"
        A: fcntl(3, F_SETPIPE_SZ, 4) = 4
        A: fcntl(5, F_GETPIPE_SZ) = -1 EBADF (Bad file descriptor)
    """)


def test_nonblock_is_shared_by_the_open_file_after_fork():
    check("""
        spawn A
        A: pipe() = [3, 4]
        A: fork("B") = 2
        A: fcntl(3, F_SETFL, O_NONBLOCK) = 0
        A: fcntl(3, F_GETFL) = 2048
        B: read(3, 1) = -1 EAGAIN (Resource temporarily unavailable)
        B: fcntl(3, F_SETFL, 0) = 0
        B: fcntl(3, F_GETFL) = 0
        A: fcntl(4, F_GETFL) = 1
        A: fcntl(4, 99) = -1 EINVAL (Invalid argument)
    """)


def test_readers_wake_first_blocked_first_and_pass_leftovers_on():
    check("""
        spawn A
        A: pipe() = [3, 4]
        A: fork("R1") = 2
        A: fork("R2") = 3
        A: fork("R3") = 4
        R1: read(3, 2) <unfinished ...>
        R2: read(3, 2) <unfinished ...>
        R3: read(3, 2) <unfinished ...>
        A: write(4, "abcd") = 4
        R1: <... read resumed> = "ab"
        R2: <... read resumed> = "cd"
        A: write(4, "e") = 1
        R3: <... read resumed> = "e"
    """)


def test_closing_the_last_writer_wakes_every_reader_with_eof():
    check("""
        spawn A
        A: pipe() = [3, 4]
        A: fork("R1") = 2
        A: fork("R2") = 3
        R1: close(4) = 0
        R2: close(4) = 0
        R1: read(3, 2) <unfinished ...>
        R2: read(3, 2) <unfinished ...>
        A: close(4) = 0
        R1: <... read resumed> = ""
        R2: <... read resumed> = ""
    """)


def test_a_blocked_writer_whose_last_reader_goes_returns_its_count_and_gets_sigpipe():
    check("""
        spawn W
        W: pipe(capacity=8, page_size=4) = [3, 4]
        W: fork("R") = 2
        W: close(3) = 0
        R: close(4) = 0
        W: write(4, "0123456789") <unfinished ...>
        R: close(3) = 0
        W: <... write resumed> = 8
        W: --- SIGPIPE ---
        W: +++ killed by SIGPIPE +++
    """)


def test_a_blocked_writer_that_wrote_nothing_gets_epipe():
    check("""
        spawn W
        W: signal(SIGPIPE, SIG_IGN) = 0
        W: pipe(capacity=4, page_size=4) = [3, 4]
        W: fork("R") = 2
        W: close(3) = 0
        R: close(4) = 0
        W: write(4, "full") = 4
        W: write(4, "x") <unfinished ...>
        R: exit(0) = ?
        R: +++ exited with 0 +++
        W: <... write resumed> = -1 EPIPE (Broken pipe)
    """)


def test_writers_wake_in_order_and_a_writer_leaving_a_slot_free_wakes_the_next():
    check("""
        spawn A
        A: pipe(capacity=8, page_size=4) = [3, 4]
        A: fork("W1") = 2
        A: fork("W2") = 3
        A: write(4, "abcdefgh") = 8
        W1: write(4, "1") <unfinished ...>
        W2: write(4, "2") <unfinished ...>
        A: read(3, 8) = "abcdefgh"
        W1: <... write resumed> = 1
        W2: <... write resumed> = 1
        A: read(3, 8) = "12"
    """)


def test_ring_positions_wrap():
    k = Kernel()
    k.spawn("A")
    k.call("A", "pipe", (), {"capacity": 16, "page_size": 4})
    pipe = next(iter(k.pipes.values()))
    for _ in range(3):
        k.call("A", "write", (4, b"0123"))
        k.call("A", "read", (3, 4))
    k.call("A", "write", (4, b"abcdef"))
    assert (pipe.tail % pipe.nslots, pipe.head % pipe.nslots) == (3, 1)  # R at slot 3, W wrapped to 1
    assert [bytes(s.data) if s else None for s in pipe.ring()] == [b"ef", None, None, b"abcd"]
    assert pipe.buffered == 6 and pipe.bytes_written == 18 and pipe.bytes_read == 12
