"""System V semaphore sets, for real: semget, semop, semctl. Set ids are renumbered as the
simulation numbers them.

Several semop sleepers woken by one line: Linux decides the order (ipc/sem.c update_queue: a
sleeper is retried when the values change, the ones waiting only for zeros before the others,
each list in the order they began to wait, starting over after each one that completes; the
simulation does the same), but the woken processes then race to the runner, so the order their
replies arrive in says nothing. So once the line has settled, one of the woken processes reads the
set's values (GETALL, outside the trace); less what the woken calls took, they are the values the
line left before the kernel retried its sleepers, whatever the line was (a semop, SETVAL, SETALL,
or a death giving back SEM_UNDO sums). The runner replays the rule from there over the set's
sleepers and shows the woken ones in the order it gives. When it cannot (no woken process can
read the set, or the replay does not wake exactly the processes that woke: a removal, a signal),
they are shown as Linux first retries them: zero-waiters first, then by when they began to wait.
"""

from __future__ import annotations

import ctypes
import struct
from ctypes import c_int, c_size_t, c_void_p
from typing import TYPE_CHECKING, Any

from ...vocab.constants import (
    GETALL,
    GETPID,
    GETVAL,
    IPC_NOWAIT,
    IPC_STAT,
    SEMCTL_NOT_MODELLED,
    SETALL,
    SETVAL,
)
from ...vocab.errors import UsageError
from ..libc import CallFailed, check, libc, proto
from ..limits import CannotCall
from .registry import Line, real

if TYPE_CHECKING:
    from ..worker import Worker

proto("semop", c_int, c_int, c_void_p, c_size_t)

SEMVMX = 32767  # the largest value
SEMID_DS_SIZE, SEM_NSEMS_AT = 104, 80  # struct semid_ds on 64-bit Linux
SEMMSL = 32000  # the most semaphores a set has


class SemBuf(ctypes.Structure):
    """struct sembuf, one operation of a semop."""

    _fields_ = [("sem_num", ctypes.c_ushort), ("sem_op", ctypes.c_short), ("sem_flg", ctypes.c_short)]


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
        line.books.nsems[value] = ctypes.c_int(line.args[1]).value  # C's int, as semget took it
    return sysv_id("sem", line, value)


def _real_semid(line: Line) -> int:
    line.rargs[0] = line.books.real_id("sem", line.args[0])
    return line.rargs[0]


@real("semop")
def semop(w: Worker, semid: int, ops: list[list[int]]) -> int:
    if any(not 0 <= op[0] <= 0xFFFF for op in ops):
        raise CannotCall("a semaphore number that C's unsigned short sem_num cannot hold")
    bufs = (SemBuf * max(len(ops), 1))()
    for i, op in enumerate(ops):
        bufs[i] = SemBuf(op[0], op[1], op[2] if len(op) > 2 else 0)
    return check(libc.semop(semid, bufs, len(ops)))


@semop.before
def _semop(line: Line) -> None:
    """A number C's unsigned short sem_num cannot hold wraps as C wraps it, when what it wraps
    to is past the set's end all the same (EFBIG on both kernels: -1 is 65535)."""
    semid = _real_semid(line)
    nsems = line.books.nsems.get(semid, SEMMSL)
    ops = []
    for op in line.args[1]:
        num = op[0] & 0xFFFF
        ops.append([num, *op[1:]] if num >= nsems else op)
    line.rargs[1] = ops


@real("semctl")
def semctl(
    w: Worker, semid: int, num: int, cmd: int, arg: int | list[int] | None = None, nsems: int | None = None
) -> Any:
    if cmd in (GETALL, SETALL):
        n = nsems if nsems is not None else _count_sems(semid)
        values = (ctypes.c_ushort * max(n, 1))()
        if cmd == GETALL:
            check(libc.semctl(semid, num, cmd, ctypes.addressof(values)))
            return list(values[:n])
        assert isinstance(arg, list)
        wrapped = [v & 0xFFFF for v in arg]  # what C's unsigned short array makes of them
        if wrapped != arg and all(v <= SEMVMX for v in wrapped):
            raise CannotCall("a value that C's unsigned short array cannot hold")
        arg = wrapped  # one past SEMVMX (-1 is 65535): ERANGE on both kernels
        if len(arg) != n:
            raise CallFailed(22)  # C cannot say it; refused as the simulation refuses it
        values[:n] = arg
        return check(libc.semctl(semid, num, cmd, ctypes.addressof(values)))
    if cmd == IPC_STAT:
        ds = ctypes.create_string_buffer(SEMID_DS_SIZE)
        check(libc.semctl(semid, num, cmd, ctypes.addressof(ds)))
        (n,) = struct.unpack_from("=Q", ds.raw, SEM_NSEMS_AT)
        return {"nsems": n}
    return check(libc.semctl(semid, num, cmd, arg if isinstance(arg, int) else 0))


@semctl.before
def _semctl(line: Line) -> None:
    cmd, arg = line.args[2], line.args[3]
    if cmd in SEMCTL_NOT_MODELLED:
        raise UsageError(f"semctl(): {SEMCTL_NOT_MODELLED[cmd]}")
    if cmd == SETVAL and not isinstance(arg, int):
        raise UsageError("semctl(SETVAL) takes the value as its fourth argument")
    if cmd == SETALL and not isinstance(arg, list):
        raise UsageError("semctl(SETALL) takes the list of values as its fourth argument")
    semid = _real_semid(line)
    if semid in line.books.nsems:
        line.rkw["nsems"] = line.books.nsems[semid]


@semctl.after
def _semctl_result(line: Line, value: Any) -> Any:
    """GETPID: the last process to change the semaphore, in the script's numbering (0: none)."""
    if line.args[2] == GETPID and value:
        return line.sup.sim_pid(value, 0)
    return value


@semop.wakes
def _woken_order(waker: Line, woken: list[Line]) -> list[Line]:
    """The semop sleepers one line woke, in the order Linux completes them (see the module)."""
    at_first = sorted(woken, key=lambda s: (not _zero_only(s), s.seq))
    order: list[Line] = []
    for semid in dict.fromkeys(s.rargs[0] for s in at_first):
        mine = [s for s in at_first if s.rargs[0] == semid]
        replayed = _replay_set(waker, semid, mine)
        order += replayed if replayed is not None else mine
    return order


def _replay_set(waker: Line, semid: int, woken: list[Line]) -> list[Line] | None:
    """Linux's order for the sleepers on one set, replayed from the values the set had once the
    waker's own change was made: the values now, less what the woken calls took."""
    outcomes = {id(s): _reply(waker, s) for s in woken}
    now = _read_values(waker, semid, [s for s in woken if outcomes[id(s)] == ("ok", 0)])
    if now is None:
        return None
    start: list[int] | str | None = now
    for s in woken:
        if outcomes[id(s)] == ("ok", 0) and isinstance(start, list):
            start = _apply(start, [[num, -delta, 0] for num, delta, *_ in s.args[1]], bounded=False)
    if not isinstance(start, list):
        return None
    sleepers = sorted(
        (
            q.waiting
            for q in waker.sup.procs.values()
            if q.waiting is not None and q.waiting.name == "semop" and q.waiting.rargs[0] == semid
        ),
        key=lambda s: s.seq,
    )
    replayed = _replay(start, sleepers)
    if {id(s) for s in replayed} != {id(s) for s in woken}:
        return None  # not what happened (a signal, a removal): the order it cannot say
    return replayed


def _reply(waker: Line, s: Line) -> tuple[str, Any] | None:
    reply = next((v for q, kind, v in waker.sup.seen if q is s.proc and kind == "reply"), None)
    return (reply[0], reply[1]) if reply is not None else None


def _read_values(waker: Line, semid: int, woken_ok: list[Line]) -> list[int] | None:
    """The set's values now, read with GETALL by one of the processes that just woke from it
    (they are idle again; only a process of the run can see the run's sets)."""
    kw = {"nsems": waker.books.nsems[semid]} if semid in waker.books.nsems else {}
    for s in woken_ok:
        reply = waker.sup.ask(s.proc, ["semctl", [semid, 0, GETALL], kw])
        if reply is not None and reply[0] == "ok" and isinstance(reply[1], list):
            return [int(v) for v in reply[1]]
    return None


def _replay(values: list[int], sleepers: list[Line]) -> list[Line]:
    """The sleepers that complete (or fail) once the values changed, in Linux's order."""
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


def _apply(values: list[int], ops: list[list[int]], bounded: bool = True) -> list[int] | str | None:
    """The values after ops, all together: "block" if one must wait, None if one fails
    (`bounded=False`: a sum, undoing what calls took, with no rule but the range)."""
    values = list(values)
    for op in ops:
        num, delta, flags = op[0], op[1], op[2] if len(op) > 2 else 0
        if not 0 <= num < len(values):
            return None
        value = values[num]
        if bounded and ((delta == 0 and value != 0) or value + delta < 0):
            return None if flags & IPC_NOWAIT else "block"
        if not 0 <= value + delta <= SEMVMX:
            return None
        values[num] = value + delta
    return values


def _zero_only(s: Line) -> bool:
    return all(op[1] == 0 for op in s.args[1])


def _count_sems(semid: int) -> int:
    """How many semaphores a set has, found with GETVAL (which refuses a number past the end)."""
    n = 0
    while libc.semctl(semid, n, GETVAL, 0) != -1:
        n += 1
    if n == 0:
        raise CallFailed(ctypes.get_errno())
    return n
