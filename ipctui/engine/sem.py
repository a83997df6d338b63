"""POSIX named semaphores. A handle is not a descriptor: on Linux it is a pointer into a mapping
of /dev/shm/sem.NAME, so handles live in a table of their own per process (from 1), a fork
copies them, and opening a name already open gives the same handle back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..vocab.constants import NAME_MAX, O_CREAT, O_EXCL
from .errors import Errno, SysError
from .kernel import EXIT_HOOKS, FORK_HOOKS, Kernel
from .names import ipc_name, may_remove, open_or_create
from .prefill import fields
from .process import Process
from .syscalls import syscall
from .waitq import CallGen, WaitQueue

SEM_VALUE_MAX = 2147483647
O_DIRECTORY = 0o200000  # Linux x86-64: the script cannot name it, but a flags number can hold it


@dataclass(eq=False)
class Semaphore:
    id: int
    name: str
    owner: int
    mode: int
    value: int
    unlinked: bool = False
    holders: set[int] = field(default_factory=set)  # pids with a handle to it
    waiters: WaitQueue = field(default_factory=lambda: WaitQueue("sem_wait"))
    posts: int = 0
    taken: int = 0


@dataclass(eq=False)
class SemHandle:
    sem: Semaphore
    opens: int = 1
    written: str = ""  # the name as the process wrote it: glibc finds its mapping by that


def handles(p: Process) -> dict[int, SemHandle]:
    return p.ext.setdefault("sems", {})


@syscall(
    "sem_open",
    "name:str, flags:flags?",
    keywords={"value": "int", "mode": "int"},
    mechanism="sem",
    summary="open or create a named semaphore",
)
def sys_sem_open(k: Kernel, p: Process, name: str, flags: int = 0, value: int = 1, mode: int = 0o600) -> int:
    written = name
    name = ipc_name(name, slash_required=False, max_len=NAME_MAX - 4)  # glibc adds "sem."

    def create() -> Semaphore:
        start = value & 0xFFFFFFFF  # C's unsigned int: -1 is 4294967295 (EINVAL), 2**32 + 1 is 1
        if start > SEM_VALUE_MAX:
            raise SysError(Errno.EINVAL)
        sem = Semaphore(k.new_id("sem"), name, p.uid, mode & 0o777, start)
        k.sems[name] = sem
        k.sem_all[sem.id] = sem
        return sem

    if flags & O_CREAT and flags & O_EXCL and value & 0xFFFFFFFF > SEM_VALUE_MAX:
        raise SysError(Errno.EINVAL)  # glibc reads the value before it tries to create (EEXIST)
    existing = k.sems.get(name)
    if existing is not None and flags & O_DIRECTORY and not (flags & O_CREAT and flags & O_EXCL):
        raise SysError(Errno.ENOTDIR)  # glibc opens its file with the other flags: not a directory
    # glibc opens the semaphore's file read-write whatever the flags say
    sem: Semaphore = open_or_create(p, k.sems.get(name), flags, True, True, create)
    table = handles(p)
    for h, entry in table.items():  # glibc: the same semaphore under the same name given
        if entry.sem is sem and entry.written == written:
            entry.opens += 1
            return h
    h = next(i for i in range(1, len(table) + 2) if i not in table)
    table[h] = SemHandle(sem, written=written)
    sem.holders.add(p.pid)
    return h


def _open_handle(k: Kernel, p: Process) -> dict[str, str]:
    """A form on a semaphore offers the process's first open handle (read, not made: pure)."""
    held = p.ext.get("sems")
    return fields(sem=str(min(held)) if held else None)


def _sem(p: Process, h: int) -> Semaphore:
    entry = handles(p).get(h)
    if entry is None:
        raise SysError(Errno.EINVAL)
    return entry.sem


@syscall(
    "sem_wait",
    "sem:int",
    mechanism="sem",
    summary="take one, waiting while the value is 0",
    prefill=_open_handle,
    reach="named",
)
def sys_sem_wait(k: Kernel, p: Process, sem: int) -> CallGen:
    s = _sem(p, sem)
    while s.value == 0:
        yield s.waiters
    s.value -= 1
    s.taken += 1
    return 0


@syscall(
    "sem_trywait",
    "sem:int",
    mechanism="sem",
    summary="take one, or EAGAIN at 0",
    prefill=_open_handle,
    reach="named",
)
def sys_sem_trywait(k: Kernel, p: Process, sem: int) -> int:
    s = _sem(p, sem)
    if s.value == 0:
        raise SysError(Errno.EAGAIN)
    s.value -= 1
    s.taken += 1
    return 0


@syscall(
    "sem_post",
    "sem:int",
    mechanism="sem",
    summary="add one, waking the first waiter",
    prefill=_open_handle,
    reach="named",
)
def sys_sem_post(k: Kernel, p: Process, sem: int) -> int:
    s = _sem(p, sem)
    if s.value == SEM_VALUE_MAX:
        raise SysError(Errno.EOVERFLOW)
    s.value += 1
    s.posts += 1
    k.wake_one(s.waiters)
    return 0


@syscall(
    "sem_getvalue",
    "sem:int",
    mechanism="sem",
    summary="the current value",
    prefill=_open_handle,
    reach="named",
)
def sys_sem_getvalue(k: Kernel, p: Process, sem: int) -> int:
    return _sem(p, sem).value


@syscall("sem_close", "sem:int", mechanism="sem", summary="close a handle", prefill=_open_handle)
def sys_sem_close(k: Kernel, p: Process, sem: int) -> int:
    table = handles(p)
    entry = table.get(sem)
    if entry is None:
        raise SysError(Errno.EINVAL)
    entry.opens -= 1
    if entry.opens == 0:
        del table[sem]
        if all(e.sem is not entry.sem for e in table.values()):
            _let_go(k, p, entry.sem)
    return 0


@syscall("sem_unlink", "name:str", mechanism="sem", summary="remove a semaphore's name")
def sys_sem_unlink(k: Kernel, p: Process, name: str) -> int:
    name = ipc_name(name, slash_required=False, max_len=NAME_MAX - 4)
    s = k.sems.get(name)
    if s is None:
        raise SysError(Errno.ENOENT)
    may_remove(p, s.owner, Errno.EACCES)
    del k.sems[name]
    s.unlinked = True
    if not s.holders:
        k.sem_all.pop(s.id, None)
    return 0


def _let_go(k: Kernel, p: Process, s: Semaphore) -> None:
    s.holders.discard(p.pid)
    if s.unlinked and not s.holders:
        k.sem_all.pop(s.id, None)


def _fork(k: Kernel, parent: Process, child: Process) -> None:
    table = handles(child)
    for h, entry in handles(parent).items():
        table[h] = SemHandle(entry.sem, entry.opens, entry.written)
        entry.sem.holders.add(child.pid)


def _exit(k: Kernel, p: Process) -> None:
    for entry in handles(p).values():
        _let_go(k, p, entry.sem)
    handles(p).clear()


FORK_HOOKS.append(_fork)
EXIT_HOOKS.append(_exit)
