"""System V semaphore sets, for real: semget, semop, semctl. Set ids are renumbered as the
simulation numbers them.

Several semop sleepers woken by one line: Linux decides the order (ipc/sem.c update_queue: a
sleeper is retried when the values change, the ones waiting only for zeros before the others,
each list in the order they began to wait, starting over after each one that completes; the
simulation does the same), but the woken processes then race to the runner, so the order their
replies arrive in says nothing. The waker's worker reads the set's values just before its call;
from them and the call, the runner replays that rule over the set's sleepers, and shows the woken
ones in the order it gives. When it cannot (the values could not be read, the line was a death
that gave back SEM_UNDO sums it does not know, or the replay does not wake exactly the processes
that woke), they are shown as Linux retries them at first: zero-waiters first, then by when they
began to wait.
"""

from __future__ import annotations

import ctypes
from ctypes import c_int, c_size_t, c_void_p
from typing import TYPE_CHECKING, Any

from ...vocab.constants import IPC_NOWAIT, SETALL, SETVAL
from ...vocab.errors import UsageError
from .. import libc as L
from ..libc import CallFailed, check, libc, proto
from ..limits import CannotCall
from .registry import Line, real

if TYPE_CHECKING:
    from ..worker import Worker

proto("semop", c_int, c_int, c_void_p, c_size_t)

SEMVMX = 32767  # the largest value


def sysv_key(line: Line) -> None:
    """semget and shmget: the key (moved, unsandboxed); the guard removes what the key made."""
    line.rargs[0] = line.books.places.key(line.args[0])
    if line.rargs[0]:
        line.books.guard.record(line.name[:3] + "key", line.rargs[0])


def sysv_id(kind: str, line: Line, value: int) -> int:
    """A new id is this run's (the sweep removes it); every id is shown as the simulation
    numbers it."""
    table = line.books.sysv[kind]
    if value not in table:
        line.books.guard.record(kind + "id", value)
        table[value] = len(table)
    return table[value]


@real("semget", before=sysv_key)
def semget(w: Worker, key: int, nsems: int, flags: int = 0, mode: int = 0) -> int:
    return check(libc.semget(key, nsems, flags | mode))


@semget.after
def _semid(line: Line, value: int) -> int:
    if value not in line.books.sysv["sem"]:
        line.books.nsems[value] = line.args[1]
    return sysv_id("sem", line, value)


def _real_semid(line: Line) -> int:
    line.rargs[0] = line.books.real_id("sem", line.args[0])
    return line.rargs[0]


@real("semop")
def semop(w: Worker, semid: int, ops: list[list[int]], values_of: int = 0) -> Any:
    """With `values_of` (the set's size), [0, the values just before the call] (None if they
    cannot be read), for the order of the sleepers it wakes."""
    if any(not 0 <= op[0] <= 0xFFFF for op in ops):
        raise CannotCall("a semaphore number that C's unsigned short sem_num cannot hold")
    bufs = (L.SemBuf * max(len(ops), 1))()
    for i, op in enumerate(ops):
        bufs[i] = L.SemBuf(op[0], op[1], op[2] if len(op) > 2 else 0)
    before = _values(semid, values_of) if values_of else None
    result = check(libc.semop(semid, bufs, len(ops)))
    return [result, before] if values_of else result


@semop.before
def _semop(line: Line) -> None:
    semid = _real_semid(line)
    if semid in line.books.nsems:
        line.rkw["values_of"] = line.books.nsems[semid]


def _with_values(line: Line, value: Any) -> Any:
    """The call's own result; the values read before it are kept for `_woken_order`."""
    if line.rkw.get("values_of"):
        value, line.kept["values"] = value
    return value


semop.after(_with_values)


@real("semctl")
def semctl(
    w: Worker,
    semid: int,
    num: int,
    cmd: int,
    arg: int | list[int] | None = None,
    nsems: int | None = None,
    values_of: int = 0,
) -> Any:
    if cmd in (L.GETALL, L.SETALL):
        n = nsems if nsems is not None else _count_sems(semid)
        values = (ctypes.c_ushort * max(n, 1))()
        if cmd == L.GETALL:
            check(libc.semctl(semid, num, cmd, ctypes.addressof(values)))
            return list(values[:n])
        assert isinstance(arg, list)
        if any(not 0 <= v <= 0xFFFF for v in arg):
            raise CannotCall("a value that C's unsigned short array cannot hold")
        if len(arg) != n:
            raise CallFailed(22)  # C cannot say it; refused as the simulation refuses it
        values[:n] = arg
        return check(libc.semctl(semid, num, cmd, ctypes.addressof(values)))
    before = _values(semid, values_of) if values_of else None
    result = check(libc.semctl(semid, num, cmd, arg if isinstance(arg, int) else 0))
    return [result, before] if values_of else result


@semctl.before
def _semctl(line: Line) -> None:
    cmd, arg = line.args[2], line.args[3]
    if cmd == SETVAL and not isinstance(arg, int):
        raise UsageError("semctl(SETVAL) takes the value as its fourth argument")
    if cmd == SETALL and not isinstance(arg, list):
        raise UsageError("semctl(SETALL) takes the list of values as its fourth argument")
    semid = _real_semid(line)
    if semid in line.books.nsems:
        line.rkw["nsems"] = line.books.nsems[semid]
        if cmd == SETVAL:
            line.rkw["values_of"] = line.books.nsems[semid]


semctl.after(_with_values)


@semop.wakes
def _woken_order(waker: Line, woken: list[Line]) -> list[Line]:
    """The semop sleepers one line woke, in the order Linux completes them (see the module)."""
    at_first = sorted(woken, key=lambda s: (not _zero_only(s), s.seq))
    start = _values_after(waker)
    if start is None:
        return at_first
    semid, values = start
    sleepers = sorted(
        (
            q.waiting
            for q in waker.sup.procs.values()
            if q.waiting is not None and q.waiting.name == "semop" and q.waiting.rargs[0] == semid
        ),
        key=lambda s: s.seq,
    )
    replayed = _replay(values, sleepers)
    if replayed is None or {id(s) for s in replayed} != {id(s) for s in woken if s.rargs[0] == semid}:
        return at_first
    return replayed + [s for s in at_first if s.rargs[0] != semid]


def _values_after(waker: Line) -> tuple[int, list[int]] | None:
    """(real semid, its values once the waker's own change was made), when they are known."""
    before = waker.kept.get("values")
    if waker.name == "semctl" and waker.args[2] == SETALL and isinstance(waker.args[3], list):
        return waker.rargs[0], list(waker.args[3])
    if not isinstance(before, list):
        return None
    values = list(before)
    if waker.name == "semctl" and waker.args[2] == SETVAL:
        values[waker.args[1]] = waker.args[3]
        return waker.rargs[0], values
    if waker.name == "semop":
        after = _apply(values, waker.args[1])
        return (waker.rargs[0], after) if isinstance(after, list) else None
    return None


def _replay(values: list[int], sleepers: list[Line]) -> list[Line] | None:
    """The sleepers that complete (or fail) after the values changed, in Linux's order."""
    pending = list(sleepers)
    done: list[Line] = []
    progress = True
    while progress:
        progress = False
        for s in sorted(pending, key=lambda s: not _zero_only(s)):
            after = _apply(values, s.args[1])
            if after == "block":
                continue
            done.append(s)
            pending.remove(s)
            if isinstance(after, list):
                values = after
                progress = True
                break
    return done


def _apply(values: list[int], ops: list[list[int]]) -> list[int] | str | None:
    """The values after ops, all together: "block" if one must wait, None if one fails."""
    values = list(values)
    for op in ops:
        num, delta, flags = op[0], op[1], op[2] if len(op) > 2 else 0
        if not 0 <= num < len(values):
            return None
        value = values[num]
        if (delta == 0 and value != 0) or value + delta < 0:
            return None if flags & IPC_NOWAIT else "block"
        if value + delta > SEMVMX:
            return None
        values[num] = value + delta
    return values


def _zero_only(s: Line) -> bool:
    return all(op[1] == 0 for op in s.args[1])


def _values(semid: int, n: int) -> list[int] | None:
    values = (ctypes.c_ushort * max(n, 1))()
    if libc.semctl(semid, 0, L.GETALL, ctypes.addressof(values)) == -1:
        return None
    return list(values[:n])


def _count_sems(semid: int) -> int:
    """How many semaphores a set has, found with GETVAL (which refuses a number past the end)."""
    n = 0
    while libc.semctl(semid, n, L.GETVAL, 0) != -1:
        n += 1
    if n == 0:
        raise CallFailed(ctypes.get_errno())
    return n
