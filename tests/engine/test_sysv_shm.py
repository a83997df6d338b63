"""System V shared memory: shmget's checks, attachments counted, peek/poke/lock by id, pages,
read-only attachments, IPC_RMID marking a segment for removal."""

import pytest
from helpers import check, outcome


def test_shmget_keys_sizes_and_order_of_checks():
    check("""
        spawn A
        spawn B uid=1001
        A: shmget(IPC_PRIVATE, 0, IPC_CREAT) = -1 EINVAL (Invalid argument)
        A: shmget(9, 100) = -1 ENOENT (No such file or directory)
        A: shmget(9, 100, IPC_CREAT, mode=0640) = 0
        A: shmget(9, 0) = 0
        A: shmget(9, 100) = 0
        A: shmget(9, 101) = -1 EINVAL (Invalid argument)
        A: shmget(9, 10, IPC_CREAT|IPC_EXCL) = -1 EEXIST (File exists)
        B: shmget(9, 101) = -1 EINVAL (Invalid argument)
        B: shmget(9, 100) = 0
        B: shmget(9, 100, 0, mode=0600) = -1 EACCES (Permission denied)
        A: shmget(IPC_PRIVATE, 1, 0, mode=0600) = 1
        A: semget(IPC_PRIVATE, 1, 0, mode=0600) = 0
    """)


def test_attach_peek_poke_by_id_in_pages_and_share():
    check("""
        spawn A
        spawn B
        A: shmget(7, 100, IPC_CREAT|0600) = 0
        A: peek(0, 0, 2) = ?
        A: --- SIGSEGV ---
        A: +++ killed by SIGSEGV +++
        B: shmat(0) = 0
        B: poke(0, 0, "hello") = 5
        B: poke(0, 4090, "page") = 4
        B: fork("C") = 3
        C: peek(0, 0, 5) = "hello"
        C: peek(0, 4092, 4) = "ge\\0\\0"
        B: shmctl(0, IPC_STAT) = {size=100, nattch=2}
        C: peek(0, 4095, 2) = ?
        C: --- SIGSEGV ---
        C: +++ killed by SIGSEGV +++
        B: shmctl(0, IPC_STAT) = {size=100, nattch=1}
    """)


def test_several_attachments_and_a_read_only_one():
    check("""
        spawn A
        A: shmget(IPC_PRIVATE, 10, IPC_CREAT|0600) = 0
        A: shmdt(0) = -1 EINVAL (Invalid argument)
        A: shmat(0) = 0
        A: poke(0, 0, "rw") = 2
        A: shmat(0, readonly=1) = 0
        A: shmctl(0, IPC_STAT) = {size=10, nattch=2}
        A: peek(0, 0, 2) = "rw"
        A: poke(0, 0, "") = 0
        A: shmdt(0) = 0
        A: poke(0, 2, "!") = 1
        A: shmat(0, readonly=1) = 0
        A: poke(0, 0, "x") = ?
        A: --- SIGSEGV ---
        A: +++ killed by SIGSEGV +++
    """)


def test_rmid_marks_for_removal_frees_the_key_and_goes_with_the_last_detach():
    check("""
        spawn A
        spawn B uid=1001
        A: shmget(5, 64, IPC_CREAT, mode=0606) = 0
        A: shmat(0) = 0
        B: shmctl(0, IPC_RMID) = -1 EPERM (Operation not permitted)
        A: shmctl(0, IPC_RMID) = 0
        A: shmctl(0, IPC_STAT) = {size=64, nattch=1}
        A: shmget(5, 64) = -1 ENOENT (No such file or directory)
        A: shmget(5, 64, IPC_CREAT, mode=0600) = 1
        B: shmat(0) = 0
        B: poke(0, 0, "still here") = 10
        A: shmdt(0) = 0
        B: shmdt(0) = 0
        A: shmctl(0, IPC_STAT) = -1 EINVAL (Invalid argument)
        A: shmat(0) = -1 EINVAL (Invalid argument)
        A: shmctl(1, IPC_RMID) = 0
        A: shmctl(1, IPC_STAT) = -1 EINVAL (Invalid argument)
    """)


def test_permissions_and_bad_commands():
    check("""
        spawn A
        spawn B uid=1001
        A: shmget(5, 64, IPC_CREAT, mode=0604) = 0
        B: shmat(0) = -1 EACCES (Permission denied)
        B: shmat(0, readonly=1) = 0
        B: peek(0, 0, 1) = "\\0"
        B: shmctl(0, IPC_STAT) = {size=64, nattch=1}
        A: shmctl(0, 99) = -1 EINVAL (Invalid argument)
        A: shmctl(-1, IPC_STAT) = -1 EINVAL (Invalid argument)
        A: shmget(6, 64, IPC_CREAT, mode=0600) = 1
        B: shmctl(1, IPC_STAT) = -1 EACCES (Permission denied)
    """)


def test_the_lock_calls_by_id_need_an_attachment():
    check("""
        spawn A
        spawn B
        spawn K
        A: shmget(IPC_PRIVATE, 64, IPC_CREAT|0600) = 0
        A: lock(0) = -1 EINVAL (Invalid argument)
        A: shmat(0) = 0
        B: shmat(0) = 0
        A: lock(0) = 0
        A: lock(0) = -1 EDEADLK (Resource deadlock avoided)
        B: trylock(0) = -1 EBUSY (Device or resource busy)
        B: unlock(0) = -1 EPERM (Operation not permitted)
        B: lock(0) <unfinished ...>
        A: unlock(0) = 0
        B: <... lock resumed> = 0
        K: kill(B, SIGKILL) = 0
        B: +++ killed by SIGKILL +++
        A: trylock(0) = -1 EBUSY (Device or resource busy)
    """)


def test_over_a_gibibyte_is_a_script_error():
    got = outcome("spawn A\nA: shmget(IPC_PRIVATE, 2000000000, IPC_CREAT)\n")
    assert got.startswith("2: error: shmget(): the simulation keeps segments up to 1 GiB"), got


def test_the_size_is_c_s_size_t():
    # -1 is the largest size_t: too big to make (above shmmax) and bigger than any segment.
    check("""
        spawn A
        A: shmget(5, 100, IPC_CREAT|0600) = 0
        A: shmget(5, -1) = -1 EINVAL (Invalid argument)
        A: shmget(5, 2000000000) = -1 EINVAL (Invalid argument)
        A: shmget(5, 0) = 0
        A: shmget(6, -1, IPC_CREAT|0600) = -1 EINVAL (Invalid argument)
    """)
    got = outcome("spawn A\nA: shmget(5, 18446744073709551616, IPC_CREAT|0600)\n")
    assert got == "2: error: shmget(): a size of 18446744073709551616 does not fit C's size_t", got


@pytest.mark.parametrize("cmd", ["IPC_SET", "IPC_INFO", "SHM_LOCK", "SHM_UNLOCK", "SHM_STAT", "SHM_INFO"])
def test_commands_a_script_cannot_use_are_script_errors(cmd):
    got = outcome(f"spawn A\nA: shmget(IPC_PRIVATE, 1, IPC_CREAT|0600)\nA: shmctl(0, {cmd})\n")
    assert got.startswith("3: error: shmctl(): "), got
