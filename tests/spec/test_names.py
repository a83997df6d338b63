"""POSIX IPC names as Linux takes them (SPEC section 2: mq_open needs the leading `/`; shm_open
and sem_open may leave it out; where SPEC is silent, what Linux does): glibc's shm_open and
sem_open skip every leading slash."""

from __future__ import annotations

from .both import holds


def test_shm_and_sem_names_may_start_with_several_slashes() -> None:
    holds("""
        spawn A
        A: shm_open("//x", O_CREAT|O_RDWR) = 3
        A: shm_open("/x", O_RDWR) = 4
        A: shm_unlink("//x") = 0
        A: sem_open("//y", O_CREAT, value=3) = 1
        A: sem_open("/y", 0) = 2
        A: sem_getvalue(2) = 3
        A: sem_unlink("///y") = 0
        A: shm_open("//", O_CREAT|O_RDWR) = -1 EINVAL (Invalid argument)
        A: sem_open("///", O_CREAT) = -1 EINVAL (Invalid argument)
        A: shm_open("//a/b", O_CREAT|O_RDWR) = -1 EINVAL (Invalid argument)
    """)
