"""System V semaphore sets: semget's checks, semop's all-or-nothing rule, the wake order,
SEM_UNDO on death, semctl, removal and signals."""

import pytest
from helpers import check, outcome


def test_semget_keys_sizes_and_order_of_checks():
    check("""
        spawn A
        spawn B uid=1001
        A: semget(IPC_PRIVATE, 0) = -1 EINVAL (Invalid argument)
        A: semget(5, -1) = -1 EINVAL (Invalid argument)
        A: semget(5, 32001, IPC_CREAT) = -1 EINVAL (Invalid argument)
        A: semget(5, 2) = -1 ENOENT (No such file or directory)
        A: semget(5, 0, IPC_CREAT, mode=0600) = -1 EINVAL (Invalid argument)
        A: semget(5, 2, IPC_CREAT, mode=0600) = 0
        A: semget(5, 0) = 0
        A: semget(5, 2) = 0
        A: semget(5, 3) = -1 EINVAL (Invalid argument)
        A: semget(5, 1, IPC_CREAT|IPC_EXCL) = -1 EEXIST (File exists)
        B: semget(5, 3, 0, mode=0600) = -1 EINVAL (Invalid argument)
        B: semget(5, 1, 0, mode=0600) = -1 EACCES (Permission denied)
        B: semget(5, 1) = 0
        A: semget(IPC_PRIVATE, 1, 0, mode=0600) = 1
        A: msgget(IPC_PRIVATE) = 0
    """)


def test_semop_all_or_nothing_and_errors():
    check("""
        spawn A
        A: semget(IPC_PRIVATE, 2, IPC_CREAT|0600) = 0
        A: semop(0, []) = -1 EINVAL (Invalid argument)
        A: semop(7, [[0, 1]]) = -1 EINVAL (Invalid argument)
        A: semop(0, [[2, 1]]) = -1 EFBIG (File too large)
        A: semop(0, [[0, 1], [1, -1, IPC_NOWAIT]]) = -1 EAGAIN (Resource temporarily unavailable)
        A: semctl(0, 0, GETALL) = [0, 0]
        A: semop(0, [[0, 32767]]) = 0
        A: semop(0, [[0, 1]]) = -1 ERANGE (Numerical result out of range)
        A: semop(0, [[0, -32767], [1, 2], [1, -1]]) = 0
        A: semctl(0, 0, GETALL) = [0, 1]
    """)


def test_e2big_comes_before_a_bad_id():
    ops = ", ".join(["[0, 1]"] * 501)
    assert outcome(f"spawn A\nA: semop(9, [{ops}]) = -1 E2BIG (Argument list too long)\n") == "ok"


def test_undo_range_follows_linux():
    # Linux keeps the adjustment, minus the sum, in -32768..32767: a sum of +32768 is fine and
    # a sum of -32768 is ERANGE.
    check("""
        spawn A
        A: semget(IPC_PRIVATE, 1, IPC_CREAT|0600) = 0
        A: semop(0, [[0, 32767, SEM_UNDO]]) = 0
        A: semop(0, [[0, -1]]) = 0
        A: semop(0, [[0, 1, SEM_UNDO]]) = 0
        A: semop(0, [[0, -1]]) = 0
        A: semop(0, [[0, 1, SEM_UNDO]]) = -1 ERANGE (Numerical result out of range)
        A: semctl(0, 0, SETVAL, 32767) = 0
        A: semop(0, [[0, -32767, SEM_UNDO]]) = 0
        A: semop(0, [[0, 1]]) = 0
        A: semop(0, [[0, -1, SEM_UNDO]]) = -1 ERANGE (Numerical result out of range)
        A: semctl(0, 0, GETVAL) = 1
    """)


def test_blocked_callers_wake_in_order_restarting_after_each():
    check("""
        spawn A
        spawn B
        spawn C
        spawn Z
        A: semget(IPC_PRIVATE, 1, IPC_CREAT|0600) = 0
        A: semctl(0, 0, SETVAL, 1) = 0
        B: semop(0, [[0, -3]]) <unfinished ...>
        C: semop(0, [[0, -2]]) <unfinished ...>
        Z: semop(0, [[0, 0]]) <unfinished ...>
        A: semctl(0, 0, GETNCNT) = 2
        A: semctl(0, 0, GETZCNT) = 1
        A: semop(0, [[0, 1]]) = 0
        C: <... semop resumed> = 0
        Z: <... semop resumed> = 0
        A: semctl(0, 0, GETNCNT) = 1
    """)


def test_zero_waiters_are_retried_before_the_others():
    check("""
        spawn A
        spawn W
        spawn Z
        A: semget(IPC_PRIVATE, 2, IPC_CREAT|0600) = 0
        A: semctl(0, 0, SETVAL, 1) = 0
        W: semop(0, [[1, -1]]) <unfinished ...>
        Z: semop(0, [[0, 0]]) <unfinished ...>
        A: semop(0, [[0, -1], [1, 1]]) = 0
        Z: <... semop resumed> = 0
        W: <... semop resumed> = 0
    """)


def test_a_completed_call_can_let_an_earlier_one_complete():
    check("""
        spawn A
        spawn B
        spawn C
        A: semget(IPC_PRIVATE, 2, IPC_CREAT|0600) = 0
        B: semop(0, [[1, -1]]) <unfinished ...>
        C: semop(0, [[0, -1], [1, 1]]) <unfinished ...>
        A: semop(0, [[0, 1]]) = 0
        C: <... semop resumed> = 0
        B: <... semop resumed> = 0
    """)


def test_a_retried_call_can_end_with_eagain():
    check("""
        spawn A
        spawn B
        A: semget(IPC_PRIVATE, 2, IPC_CREAT|0600) = 0
        B: semop(0, [[0, -1], [1, -1, IPC_NOWAIT]]) <unfinished ...>
        A: semop(0, [[0, 1]]) = 0
        B: <... semop resumed> = -1 EAGAIN (Resource temporarily unavailable)
        A: semctl(0, 0, GETVAL) = 1
    """)


def test_sem_undo_gives_back_on_death_and_wakes():
    check("""
        spawn A
        spawn B
        spawn K
        A: semget(1, 1, IPC_CREAT, mode=0600) = 0
        A: semctl(0, 0, SETVAL, 1) = 0
        A: semop(0, [[0, -1, SEM_UNDO]]) = 0
        B: semop(0, [[0, -1, SEM_UNDO]]) <unfinished ...>
        K: kill(A, SIGKILL) = 0
        A: +++ killed by SIGKILL +++
        B: <... semop resumed> = 0
        B: exit(0) = ?
        B: +++ exited with 0 +++
        K: semctl(0, 0, GETVAL) = 1
    """)


def test_undo_clamps_and_fork_does_not_copy_and_setval_clears():
    check("""
        spawn A
        spawn K
        A: semget(IPC_PRIVATE, 2, IPC_CREAT|0600) = 0
        A: semop(0, [[0, 5, SEM_UNDO], [1, 3, SEM_UNDO]]) = 0
        A: fork("C") = 3
        C: exit(0) = ?
        C: +++ exited with 0 +++
        K: semctl(0, 0, GETALL) = [5, 3]
        K: semop(0, [[0, -4]]) = 0
        K: semctl(0, 1, SETVAL, 3) = 0
        A: exit(0) = ?
        A: +++ exited with 0 +++
        K: semctl(0, 0, GETALL) = [0, 3]
    """)


def test_eintr_never_restarted_and_eidrm():
    check("""
        spawn A
        spawn B
        spawn C
        A: semget(IPC_PRIVATE, 1, IPC_CREAT|0600) = 0
        B: signal(SIGUSR1, "h", sa_restart=1) = 0
        B: semop(0, [[0, -1]]) <unfinished ...>
        A: kill(B, SIGUSR1) = 0
        B: --- SIGUSR1 ---
        B: <... semop resumed> = -1 EINTR (Interrupted system call)
        A: semctl(0, 0, GETNCNT) = 0
        C: semop(0, [[0, -1]]) <unfinished ...>
        B: semctl(0, 0, IPC_RMID) = 0
        C: <... semop resumed> = -1 EIDRM (Identifier removed)
        B: semop(0, [[0, 1]]) = -1 EINVAL (Invalid argument)
    """)


def test_semctl_checks():
    check("""
        spawn A
        spawn B uid=1001
        A: semget(3, 2, IPC_CREAT, mode=0644) = 0
        A: semctl(0, 0, SETVAL, 32768) = -1 ERANGE (Numerical result out of range)
        A: semctl(0, 0, SETVAL, -1) = -1 ERANGE (Numerical result out of range)
        A: semctl(0, 2, SETVAL, 1) = -1 EINVAL (Invalid argument)
        A: semctl(0, 2, GETVAL) = -1 EINVAL (Invalid argument)
        A: semctl(0, 0, 99) = -1 EINVAL (Invalid argument)
        A: semctl(9, 0, GETVAL) = -1 EINVAL (Invalid argument)
        A: semctl(0, 0, SETALL, [1]) = -1 EINVAL (Invalid argument)
        A: semctl(0, 0, SETALL, [1, 40000]) = -1 ERANGE (Numerical result out of range)
        A: semctl(0, 5, SETALL, [1, 2]) = 0
        A: semctl(0, 9, GETALL) = [1, 2]
        B: semctl(0, 1, GETVAL) = 2
        B: semctl(0, 1, SETVAL, 0) = -1 EACCES (Permission denied)
        B: semctl(0, 0, SETALL, [0, 0]) = -1 EACCES (Permission denied)
        B: semop(0, [[0, 1]]) = -1 EACCES (Permission denied)
        B: semop(0, [[0, 0, IPC_NOWAIT]]) = -1 EAGAIN (Resource temporarily unavailable)
        B: semctl(0, 0, IPC_RMID) = -1 EPERM (Operation not permitted)
        A: semctl(0, 0, IPC_RMID) = 0
        A: semget(3, 1) = -1 ENOENT (No such file or directory)
    """)


@pytest.mark.parametrize(
    "line",
    ["A: semop(0, [[0]])", "A: semop(0, [[0, 40000]])", "A: semctl(0, 0, SETVAL)", "A: semop(0, [1])"],
)
def test_malformed_calls_are_script_errors(line):
    got = outcome(f"spawn A\nA: semget(IPC_PRIVATE, 1, IPC_CREAT|0600)\n{line}\n")
    assert got.startswith("3: error:"), got


def test_a_stop_ends_a_waiting_semop_with_eintr_seen_after_sigcont():
    # signal(7): semop is one of the calls Linux ends with EINTR after SIGSTOP and SIGCONT. It
    # leaves its queue at the stop, so a post while it is stopped does not reach it.
    check("""
        spawn A
        spawn B
        A: semget(IPC_PRIVATE, 1, IPC_CREAT|0600) = 0
        B: semop(0, [[0, -1]]) <unfinished ...>
        A: kill(B, SIGSTOP) = 0
        B: --- stopped by SIGSTOP ---
        A: semctl(0, 0, GETNCNT) = 0
        A: semop(0, [[0, 1]]) = 0
        A: kill(B, SIGCONT) = 0
        B: --- SIGCONT ---
        B: <... semop resumed> = -1 EINTR (Interrupted system call)
        A: semctl(0, 0, GETVAL) = 1
        B: semop(0, [[0, -1]]) = 0
    """)


def test_getpid_names_the_last_process_to_change_or_set_each_semaphore():
    # ipc/sem.c: every operation of a completed semop (a zero-wait too), SETVAL, SETALL and an
    # exit's undo record the caller; a failed or blocked call records nothing.
    check("""
        spawn A
        spawn B
        A: semget(IPC_PRIVATE, 2, IPC_CREAT|0600) = 0
        A: semctl(0, 0, GETPID) = 0
        B: semop(0, [[0, 1, SEM_UNDO], [1, 0]]) = 0
        A: semctl(0, 1, GETPID) = 2
        A: semop(0, [[0, 1], [1, -1, IPC_NOWAIT]]) = -1 EAGAIN (Resource temporarily unavailable)
        A: semctl(0, 0, GETPID) = 2
        A: semctl(0, 1, SETVAL, 3) = 0
        A: semctl(0, 1, GETPID) = 1
        A: semctl(0, 0, GETPID) = 2
        A: semop(0, [[0, 1]]) = 0
        A: semctl(0, 0, GETPID) = 1
        B: exit(0) = ?
        B: +++ exited with 0 +++
        A: semctl(0, 0, GETPID) = 2
        A: semctl(0, 0, GETVAL) = 1
        spawn C
        C: semop(0, [[0, 1, SEM_UNDO]]) = 0
        C: exit(0) = ?
        C: +++ exited with 0 +++
        A: semctl(0, 0, GETPID) = 3
        A: semctl(0, 2, GETPID) = -1 EINVAL (Invalid argument)
        A: semctl(0, 0, IPC_STAT) = {nsems=2}
    """)


@pytest.mark.parametrize("cmd", ["IPC_SET", "IPC_INFO", "19", "18"])
def test_commands_a_script_cannot_use_are_script_errors(cmd):
    got = outcome(f"spawn A\nA: semget(IPC_PRIVATE, 1, IPC_CREAT|0600)\nA: semctl(0, 0, {cmd})\n")
    assert got.startswith("3: error: semctl(): "), got
