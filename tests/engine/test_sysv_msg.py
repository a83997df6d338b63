"""System V message queues: keys, the mode trap, types that address receivers, IPC_RMID."""

from helpers import check


def test_msgget_keys_flags_and_ids():
    check("""
        spawn A
        A: msgget(IPC_PRIVATE) = 0
        A: msgget(IPC_PRIVATE) = 1
        A: msgget(42) = -1 ENOENT (No such file or directory)
        A: msgget(42, IPC_EXCL) = -1 ENOENT (No such file or directory)
        A: msgget(42, IPC_CREAT, mode=0600) = 2
        A: msgget(42, IPC_CREAT) = 2
        A: msgget(42, IPC_EXCL) = 2
        A: msgget(42, IPC_CREAT|IPC_EXCL) = -1 EEXIST (File exists)
    """)


def test_the_classic_mistake_mode_zero():
    check("""
        spawn A
        spawn R uid=0
        A: msgget(7, IPC_CREAT) = 0
        A: msgsnd(0, 1, "x") = -1 EACCES (Permission denied)
        A: msgrcv(0, 0) = -1 EACCES (Permission denied)
        R: msgsnd(0, 1, "root may") = 0
        A: msgget(8, IPC_CREAT|0600) = 1
        A: msgsnd(1, 1, "mode in the flags works too") = 0
    """)


def test_an_existing_key_grants_what_mode_asks_for():
    check("""
        spawn A
        spawn B uid=1001
        A: msgget(5, IPC_CREAT, mode=0604) = 0
        B: msgget(5, 0, mode=0600) = -1 EACCES (Permission denied)
        B: msgget(5, 0, mode=0004) = 0
        B: msgget(5) = 0
        B: msgsnd(0, 1, "x") = -1 EACCES (Permission denied)
        A: msgsnd(0, 1, "x") = 0
        B: msgrcv(0, 0) = ["x", 1]
    """)


def test_msgsnd_and_msgrcv_argument_errors():
    long = "x" * 8193
    check(f"""
        spawn A
        A: msgget(1, IPC_CREAT, mode=0600) = 0
        A: msgsnd(0, 0, "x") = -1 EINVAL (Invalid argument)
        A: msgsnd(0, 1, "{long}") = -1 EINVAL (Invalid argument)
        A: msgsnd(9, 1, "x") = -1 EINVAL (Invalid argument)
        A: msgrcv(9, 0) = -1 EINVAL (Invalid argument)
        A: msgrcv(0, 0, nowait=1) = -1 ENOMSG (No message of desired type)
        A: msgctl(9, IPC_RMID) = -1 EINVAL (Invalid argument)
        A: msgctl(0, 99) = -1 EINVAL (Invalid argument)
    """)


def test_msgtyp_zero_positive_and_negative():
    check("""
        spawn A
        A: msgget(1, IPC_CREAT, mode=0600) = 0
        A: msgsnd(0, 3, "c") = 0
        A: msgsnd(0, 1, "a") = 0
        A: msgsnd(0, 2, "b") = 0
        A: msgsnd(0, 1, "a2") = 0
        A: msgrcv(0, 2) = ["b", 2]
        A: msgrcv(0, -3) = ["a", 1]
        A: msgrcv(0, 0) = ["c", 3]
        A: msgrcv(0, 5, nowait=1) = -1 ENOMSG (No message of desired type)
        A: msgrcv(0, -2) = ["a2", 1]
    """)


def test_the_type_addresses_a_waiting_receiver():
    check("""
        spawn S
        spawn R1
        spawn R2
        S: msgget(9, IPC_CREAT, mode=0666) = 0
        R1: msgrcv(0, 1) <unfinished ...>
        R2: msgrcv(0, 2) <unfinished ...>
        S: msgsnd(0, 2, "for R2") = 0
        R2: <... msgrcv resumed> = ["for R2", 2]
        S: msgsnd(0, 1, "for R1") = 0
        R1: <... msgrcv resumed> = ["for R1", 1]
    """)


def test_16384_bytes_fill_the_queue():
    big = "y" * 8192
    check(f"""
        spawn A
        A: msgget(1, IPC_CREAT, mode=0600) = 0
        A: msgsnd(0, 1, "{big}") = 0
        A: msgsnd(0, 1, "{big}") = 0
        A: msgsnd(0, 1, "z", nowait=1) = -1 EAGAIN (Resource temporarily unavailable)
        A: fork("W") = 2
        W: msgsnd(0, 1, "z") <unfinished ...>
        A: msgrcv(0, 0) = ["{big}", 1]
        W: <... msgsnd resumed> = 0
    """)


def test_rmid_wakes_waiters_with_eidrm_and_needs_the_owner():
    check("""
        spawn A
        spawn B uid=1001
        A: msgget(1, IPC_CREAT, mode=0666) = 0
        B: msgrcv(0, 0) <unfinished ...>
        A: fork("C") = 3
        C: msgrcv(0, 7) <unfinished ...>
        spawn D uid=1002
        D: msgctl(0, IPC_RMID) = -1 EPERM (Operation not permitted)
        A: msgctl(0, IPC_RMID) = 0
        B: <... msgrcv resumed> = -1 EIDRM (Identifier removed)
        C: <... msgrcv resumed> = -1 EIDRM (Identifier removed)
        A: msgsnd(0, 1, "x") = -1 EINVAL (Invalid argument)
        A: msgget(1) = -1 ENOENT (No such file or directory)
    """)


def test_msgrcv_is_always_interrupted():
    check("""
        spawn A
        spawn B
        A: signal(SIGUSR1, "h", sa_restart=1) = 0
        A: msgget(1, IPC_CREAT, mode=0600) = 0
        A: msgrcv(0, 0) <unfinished ...>
        B: kill(A, SIGUSR1) = 0
        A: --- SIGUSR1 ---
        A: <... msgrcv resumed> = -1 EINTR (Interrupted system call)
    """)
