"""POSIX message queues: names, flags, limits, priorities, blocking, unlink."""

from helpers import check


def test_name_rules():
    long = "/" + "n" * 256
    check(f"""
        spawn A
        A: mq_open("jobs", O_CREAT|O_RDWR) = -1 EINVAL (Invalid argument)
        A: mq_open("", O_CREAT|O_RDWR) = -1 EINVAL (Invalid argument)
        A: mq_open("/", O_CREAT|O_RDWR) = -1 ENOENT (No such file or directory)
        A: mq_open("/", O_RDONLY) = -1 ENOENT (No such file or directory)
        A: mq_unlink("/") = -1 ENOENT (No such file or directory)
        A: mq_unlink("q") = -1 EINVAL (Invalid argument)
        A: mq_open("/a/b", O_CREAT|O_RDWR) = -1 EACCES (Permission denied)
        A: mq_open("{long}", O_CREAT|O_RDWR) = -1 ENAMETOOLONG (File name too long)
        A: mq_open("{long[:-1]}", O_CREAT|O_RDWR) = 3
    """)


def test_flags_enoent_eexist_and_access_modes():
    check("""
        spawn A
        A: mq_open("/q", O_RDWR) = -1 ENOENT (No such file or directory)
        A: mq_open("/q", O_CREAT|O_WRONLY) = 3
        A: mq_open("/q", O_CREAT|O_EXCL|O_RDWR) = -1 EEXIST (File exists)
        A: mq_open("/q", O_CREAT|O_RDONLY) = 4
        A: mq_open("/q", O_ACCMODE) = -1 EINVAL (Invalid argument)
        A: mq_send(4, "x", 0) = -1 EBADF (Bad file descriptor)
        A: mq_receive(3) = -1 EBADF (Bad file descriptor)
        A: pipe() = [5, 6]
        A: mq_send(6, "x", 0) = -1 EBADF (Bad file descriptor)
        A: mq_getattr(5) = -1 EBADF (Bad file descriptor)
        A: mq_close(5) = 0
    """)


def test_limits_for_users_and_root():
    check("""
        spawn A
        spawn R uid=0
        A: mq_open("/a", O_CREAT|O_RDWR, maxmsg=11) = -1 EINVAL (Invalid argument)
        A: mq_open("/a", O_CREAT|O_RDWR, maxmsg=0) = -1 EINVAL (Invalid argument)
        A: mq_open("/a", O_CREAT|O_RDWR, msgsize=8193) = -1 EINVAL (Invalid argument)
        A: mq_open("/a", O_CREAT|O_RDWR, msgsize=0) = -1 EINVAL (Invalid argument)
        R: mq_open("/r", O_CREAT|O_RDWR, maxmsg=100, msgsize=1024) = 3
        R: mq_getattr(3) = {maxmsg=100, msgsize=1024, curmsgs=0}
        R: mq_open("/big", O_CREAT|O_RDWR, maxmsg=100, msgsize=65536) = -1 EMFILE (Too many open files)
        R: mq_open("/r2", O_CREAT|O_RDWR, maxmsg=65537) = -1 EINVAL (Invalid argument)
    """)


def test_rlimit_msgqueue_allows_nine_default_queues_per_uid():
    lines = ["spawn A", "spawn B uid=1001"]
    lines += [f'A: mq_open("/q{i}", O_CREAT|O_RDWR) = {3 + i}' for i in range(9)]
    lines += ['A: mq_open("/q9", O_CREAT|O_RDWR) = -1 EMFILE (Too many open files)']
    lines += ['B: mq_open("/b", O_CREAT|O_RDWR) = 3']  # another uid has its own allowance
    lines += ['A: mq_open("/small", O_CREAT|O_RDWR, maxmsg=1, msgsize=64) = 12']
    lines += [
        'A: mq_unlink("/q0") = 0',
        'A: mq_open("/q9", O_CREAT|O_RDWR) = -1 EMFILE (Too many open files)',
    ]
    lines += ["A: mq_close(3) = 0", 'A: mq_open("/q9", O_CREAT|O_RDWR) = 3']
    check("\n".join(lines))


def test_permissions_and_unlink_by_others():
    check("""
        spawn A
        spawn B uid=1001
        A: mq_open("/q", O_CREAT|O_RDWR, mode=0644) = 3
        B: mq_open("/q", O_RDONLY) = 3
        B: mq_open("/q", O_WRONLY) = -1 EACCES (Permission denied)
        B: mq_unlink("/q") = -1 EACCES (Permission denied)
        B: mq_unlink("/none") = -1 ENOENT (No such file or directory)
    """)


def test_send_checks_in_order_prio_ebadf_emsgsize_full():
    check("""
        spawn A
        A: mq_open("/q", O_CREAT|O_RDWR|O_NONBLOCK, maxmsg=1, msgsize=4) = 3
        A: mq_send(99, "x", 32768) = -1 EINVAL (Invalid argument)
        A: mq_send(3, "x", -1) = -1 EINVAL (Invalid argument)
        A: mq_send(99, "hello", 0) = -1 EBADF (Bad file descriptor)
        A: mq_send(3, "hello", 0) = -1 EMSGSIZE (Message too long)
        A: mq_send(3, "hell", 32767) = 0
        A: mq_send(3, "x", 0) = -1 EAGAIN (Resource temporarily unavailable)
        A: mq_receive(3) = ["hell", 32767]
        A: mq_receive(3) = -1 EAGAIN (Resource temporarily unavailable)
    """)


def test_highest_priority_first_then_oldest_first():
    check("""
        spawn A
        A: mq_open("/q", O_CREAT|O_RDWR) = 3
        A: mq_send(3, "a1", 1) = 0
        A: mq_send(3, "b5", 5) = 0
        A: mq_send(3, "c1", 1) = 0
        A: mq_send(3, "d5", 5) = 0
        A: mq_send(3, "e0", 0) = 0
        A: mq_getattr(3) = {maxmsg=10, msgsize=8192, curmsgs=5}
        A: mq_receive(3) = ["b5", 5]
        A: mq_receive(3) = ["d5", 5]
        A: mq_receive(3) = ["a1", 1]
        A: mq_receive(3) = ["c1", 1]
        A: mq_receive(3) = ["e0", 0]
    """)


def test_waiting_receivers_are_served_longest_waiting_first():
    check("""
        spawn S
        spawn R1
        spawn R2
        S: mq_open("/q", O_CREAT|O_RDWR, mode=0666) = 3
        R1: mq_open("/q", O_RDONLY) = 3
        R2: mq_open("/q", O_RDONLY) = 3
        R1: mq_receive(3) <unfinished ...>
        R2: mq_receive(3) <unfinished ...>
        S: mq_send(3, "one", 1) = 0
        R1: <... mq_receive resumed> = ["one", 1]
        S: mq_send(3, "two", 9) = 0
        R2: <... mq_receive resumed> = ["two", 9]
        S: mq_getattr(3) = {maxmsg=10, msgsize=8192, curmsgs=0}
    """)


def test_an_unlinked_queue_lives_until_its_last_descriptor_closes():
    check("""
        spawn A
        A: mq_open("/q", O_CREAT|O_RDWR) = 3
        A: mq_send(3, "kept", 0) = 0
        A: mq_unlink("/q") = 0
        A: mq_open("/q", O_RDWR) = -1 ENOENT (No such file or directory)
        A: mq_receive(3) = ["kept", 0]
        A: mq_open("/q", O_CREAT|O_RDWR) = 4
        A: mq_getattr(4) = {maxmsg=10, msgsize=8192, curmsgs=0}
        A: mq_close(3) = 0
        A: mq_close(3) = -1 EBADF (Bad file descriptor)
    """)


def test_reading_a_queue_descriptor_gives_its_status_line():
    check("""
        spawn A
        A: mq_open("/q", O_CREAT|O_RDWR) = 3
        A: mq_send(3, "12345", 0) = 0
        A: read(3, 100) = "QSIZE:5          NOTIFY:0     SIGNO:0     NOTIFY_PID:0     \\n"
        A: read(3, 100) = ""
    """)


def test_receive_is_interrupted_or_restarted():
    check("""
        spawn A
        spawn B
        A: signal(SIGUSR1, "h") = 0
        A: mq_open("/q", O_CREAT|O_RDWR, mode=0666) = 3
        A: mq_receive(3) <unfinished ...>
        B: kill(A, SIGUSR1) = 0
        A: --- SIGUSR1 ---
        A: <... mq_receive resumed> = -1 EINTR (Interrupted system call)
        A: signal(SIGUSR1, "h", sa_restart=1) = 0
        A: mq_receive(3) <unfinished ...>
        B: kill(A, SIGUSR1) = 0
        A: --- SIGUSR1 ---
        B: mq_open("/q", O_WRONLY) = 3
        B: mq_send(3, "x", 3) = 0
        A: <... mq_receive resumed> = ["x", 3]
    """)
