"""dup and dup2: the same open file under another number, and 0-2 as redirection targets."""

from helpers import check


def test_dup_shares_the_open_file_and_takes_the_lowest_number():
    check("""
        spawn A
        A: pipe() = [3, 4]
        A: dup(4) = 5
        A: dup(9) = -1 EBADF (Bad file descriptor)
        A: close(4) = 0
        A: write(5, "via the copy") = 12
        A: dup(3) = 4
        A: read(4, 100) = "via the copy"
        A: close(5) = 0
        A: read(3, 10) = ""
    """)


def test_dup_shares_o_nonblock():
    check("""
        spawn A
        A: pipe() = [3, 4]
        A: dup(3) = 5
        A: fcntl(5, F_SETFL, O_NONBLOCK) = 0
        A: read(3, 1) = -1 EAGAIN (Resource temporarily unavailable)
    """)


def test_dup2_rules():
    check("""
        spawn A
        A: pipe() = [3, 4]
        A: dup2(3, 3) = 3
        A: dup2(7, 7) = -1 EBADF (Bad file descriptor)
        A: dup2(7, 8) = -1 EBADF (Bad file descriptor)
        A: dup2(3, 1024) = -1 EBADF (Bad file descriptor)
        A: dup2(3, -1) = -1 EBADF (Bad file descriptor)
        A: dup2(3, 1023) = 1023
        A: dup2(4, 10) = 10
        A: pipe() = [5, 6]
        A: write(10, "x") = 1
        A: dup2(5, 10) = 10
        A: write(10, "y") = -1 EBADF (Bad file descriptor)
        A: close(4) = 0
        A: read(3, 5) = "x"
        A: read(3, 5) = ""
    """)


def test_dup2_over_the_last_write_end_wakes_the_reader():
    check("""
        spawn A
        A: pipe() = [3, 4]
        A: fork("R") = 2
        R: close(4) = 0
        A: close(3) = 0
        R: read(3, 10) <unfinished ...>
        A: socketpair(AF_UNIX, SOCK_STREAM) = [3, 5]
        A: dup2(3, 4) = 4
        R: <... read resumed> = ""
    """)


def test_redirecting_stdout_into_a_pipe_then_reusing_the_number():
    check("""
        spawn A
        A: write(1, "tty") = -1 EBADF (Bad file descriptor)
        A: pipe() = [3, 4]
        A: dup2(4, 1) = 1
        A: close(4) = 0
        A: write(1, "to the pipe") = 11
        A: read(3, 100) = "to the pipe"
        A: close(1) = 0
        A: pipe() = [1, 4]
        A: write(4, "y") = 1
        A: read(1, 1) = "y"
        A: write(0, "z") = -1 EBADF (Bad file descriptor)
    """)


def test_fork_copies_redirections():
    check("""
        spawn A
        A: pipe() = [3, 4]
        A: dup2(3, 0) = 0
        A: fork("C") = 2
        A: write(4, "shared") = 6
        C: read(0, 6) = "shared"
        C: close(0) = 0
        C: dup(3) = 0
    """)


def test_the_terminal_is_not_modelled():
    check("""
        spawn A
        A: read(0, 1) = -1 EBADF (Bad file descriptor)
        A: close(2) = -1 EBADF (Bad file descriptor)
        A: dup(1) = -1 EBADF (Bad file descriptor)
        A: pipe() = [3, 4]
    """)


def test_a_copy_works_as_the_original_for_small_pipes_and_segments():
    # on the real run, a copy keeps the original's pipe scale and segment name
    check("""
        spawn A
        A: pipe(capacity=16, page_size=4) = [3, 4]
        A: dup2(4, 4) = 4
        A: dup(4) = 5
        A: write(5, "abcdefghijklmnop") = 16
        A: shm_open("/s", O_CREAT|O_RDWR) = 6
        A: ftruncate(6, 10) = 0
        A: dup2(6, 9) = 9
        A: mmap(9) = 0
        A: poke("/s", 0, "x") = 1
        A: read(3, 100) = "abcdefghijklmnop"
    """)
