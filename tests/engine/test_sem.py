"""POSIX semaphores: handles that are not descriptors, waiting, posting, names."""

from helpers import check


def test_handles_count_from_one_and_reopening_gives_the_same_handle():
    # glibc finds a semaphore it has mapped by its inode and the name as given: "s" is the same
    # semaphore as "/s" but another handle (checked on Linux with `ipctui diff`).
    check("""
        spawn A
        A: pipe() = [3, 4]
        A: sem_open("/s", O_CREAT, value=2) = 1
        A: sem_open("/s", 0) = 1
        A: sem_open("s", 0) = 2
        A: sem_post(2) = 0
        A: sem_open("/t", O_CREAT) = 3
        A: sem_close(1) = 0
        A: sem_getvalue(1) = 3
        A: sem_close(1) = 0
        A: sem_getvalue(2) = 3
        A: sem_close(2) = 0
        A: sem_close(2) = -1 EINVAL (Invalid argument)
        A: sem_open("/u", O_CREAT, value=0) = 1
        A: socket(AF_UNIX, SOCK_STREAM) = 5
    """)


def test_open_errors():
    check("""
        spawn A
        spawn B uid=1001
        A: sem_open("/s", 0) = -1 ENOENT (No such file or directory)
        A: sem_open("/s", O_CREAT, value=2147483648) = -1 EINVAL (Invalid argument)
        A: sem_open("/s", O_CREAT, value=-1) = -1 EINVAL (Invalid argument)
        A: sem_open("/a/b", O_CREAT) = -1 EINVAL (Invalid argument)
        A: sem_open("/s", O_CREAT, value=2147483647) = 1
        A: sem_post(1) = -1 EOVERFLOW (Value too large for defined data type)
        A: sem_open("/s", O_CREAT|O_EXCL) = -1 EEXIST (File exists)
        B: sem_open("/s", 0) = -1 EACCES (Permission denied)
        B: sem_unlink("/s") = -1 EACCES (Permission denied)
        B: sem_unlink("/none") = -1 ENOENT (No such file or directory)
    """)


def test_wait_blocks_at_zero_and_post_wakes_the_first_waiter():
    check("""
        spawn A
        A: sem_open("/s", O_CREAT, value=1) = 1
        A: fork("B") = 2
        A: fork("C") = 3
        A: sem_wait(1) = 0
        A: sem_trywait(1) = -1 EAGAIN (Resource temporarily unavailable)
        B: sem_wait(1) <unfinished ...>
        C: sem_wait(1) <unfinished ...>
        A: sem_post(1) = 0
        B: <... sem_wait resumed> = 0
        A: sem_getvalue(1) = 0
        A: sem_post(1) = 0
        C: <... sem_wait resumed> = 0
        A: sem_post(1) = 0
        A: sem_getvalue(1) = 1
    """)


def test_bad_handles_are_einval():
    check("""
        spawn A
        A: sem_wait(1) = -1 EINVAL (Invalid argument)
        A: sem_post(7) = -1 EINVAL (Invalid argument)
        A: sem_close(1) = -1 EINVAL (Invalid argument)
        A: sem_trywait(0) = -1 EINVAL (Invalid argument)
    """)


def test_after_unlink_a_new_semaphore_gets_a_new_handle():
    check("""
        spawn A
        A: sem_open("/s", O_CREAT, value=5) = 1
        A: sem_unlink("/s") = 0
        A: sem_open("/s", 0) = -1 ENOENT (No such file or directory)
        A: sem_open("/s", O_CREAT, value=0) = 2
        A: sem_getvalue(1) = 5
        A: sem_getvalue(2) = 0
    """)


def test_sem_wait_is_interrupted_or_restarted():
    check("""
        spawn A
        spawn B
        A: signal(SIGUSR1, "h") = 0
        A: sem_open("/s", O_CREAT, value=0, mode=0666) = 1
        A: sem_wait(1) <unfinished ...>
        B: kill(A, SIGUSR1) = 0
        A: --- SIGUSR1 ---
        A: <... sem_wait resumed> = -1 EINTR (Interrupted system call)
        A: signal(SIGUSR1, "h", sa_restart=1) = 0
        A: sem_wait(1) <unfinished ...>
        B: kill(A, SIGUSR1) = 0
        A: --- SIGUSR1 ---
        B: sem_open("/s", 0) = 1
        B: sem_post(1) = 0
        A: <... sem_wait resumed> = 0
    """)
