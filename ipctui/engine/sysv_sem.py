"""System V semaphore sets (ipc/sem.c): semget, semop with IPC_NOWAIT and SEM_UNDO, semctl.

A semop that cannot proceed sleeps as a `PendingOp`; every change to the set retries the sleepers
here, in the kernel, as Linux's update_queue does (those waiting only for zeros first, then the
others, each in the order it began to wait, starting again after each one that completes), so
the values change at the moment the kernel decides and the woken calls only report the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..vocab.constants import (
    GETALL,
    GETNCNT,
    GETPID,
    GETVAL,
    GETZCNT,
    IPC_NOWAIT,
    IPC_RMID,
    IPC_STAT,
    SEM_UNDO,
    SEMCTL_NOT_MODELLED,
    SETALL,
    SETVAL,
)
from .ctype import c_int
from .errors import Errno, SysError, UsageError
from .kernel import EXIT_HOOKS, Kernel
from .perm import allowed
from .prefill import fields, newest
from .process import Process
from .syscalls import syscall
from .sysv_ids import ipcget, lookup, may_remove
from .waitq import CallGen, WaitQueue

SEMMSL = 32000  # semaphores in a set
SEMOPM = 500  # operations in one semop
SEMVMX = 32767  # the largest value
SEMAEM = 32767  # the largest undo adjustment (Linux keeps -sum, within -32768..32767)

SemOp = tuple[int, int, int]  # (num, op, flags)


@dataclass(eq=False)
class PendingOp:
    """A blocked semop: who, what it wants, which operation stopped it, and how it ended."""

    pid: int
    proc: str
    ops: list[SemOp]
    blocking: int  # index in ops of the first operation that cannot proceed
    queue: WaitQueue = field(default_factory=lambda: WaitQueue("semop"))
    outcome: Errno | int | None = None  # 0 done, or the errno it ends with

    @property
    def zero_only(self) -> bool:
        """Linux keeps calls that alter nothing on their own list, retried first."""
        return all(op == 0 for _, op, _ in self.ops)

    @property
    def waits_for(self) -> SemOp:
        return self.ops[self.blocking]


@dataclass(eq=False)
class SemSet:
    id: int
    key: int
    owner: int
    mode: int
    values: list[int]
    pids: list[int] = field(default_factory=list)  # sempid: who last changed or set each (GETPID)
    removed: bool = False
    pending: list[PendingOp] = field(default_factory=list)  # in the order they began to wait
    undo: dict[int, dict[int, int]] = field(default_factory=dict)  # pid -> num -> sum of SEM_UNDO ops
    names: dict[int, str] = field(default_factory=dict)  # pid -> name, for the undo sums' view

    def count(self, num: int, zero: bool) -> int:
        """GETZCNT / GETNCNT: sleepers whose blocking operation waits on `num` for 0 / to grow."""
        return sum(
            1
            for w in self.pending
            if w.outcome is None and w.waits_for[0] == num and (w.waits_for[1] == 0) == zero
        )


def _newest_set(k: Kernel, p: Process) -> dict[str, str]:
    """A form on a set offers the set made last."""
    return fields(semid=newest(k.sem_sets))


def _get(k: Kernel, semid: int) -> SemSet:
    return lookup(k.sem_sets, semid)


@syscall(
    "semget",
    "key:const, nsems:int, flags:flags?",
    keywords={"mode": "int"},
    mechanism="sysv_sem",
    summary="get or create a set of nsems semaphores by key",
    lookup="names",
)
def sys_semget(k: Kernel, p: Process, key: int, nsems: int, flags: int = 0, mode: int = 0) -> int:
    key = c_int(key)  # key_t: 2**32 is IPC_PRIVATE to C
    nsems = c_int(nsems)
    if not 0 <= nsems <= SEMMSL:
        raise SysError(Errno.EINVAL)

    def new_checks() -> None:
        if nsems == 0:
            raise SysError(Errno.EINVAL)

    def create(semid: int, bits: int) -> SemSet:
        s = SemSet(semid, key, p.uid, bits, [0] * nsems, [0] * nsems)
        k.sem_sets[semid] = s
        return s

    def more_checks(s: SemSet) -> None:
        if nsems > len(s.values):
            raise SysError(Errno.EINVAL)

    return ipcget(k, p, k.sem_sets.values(), "semid", key, flags, mode, create, more_checks, new_checks).id


def _attempt(s: SemSet, pid: int, ops: list[SemOp]) -> tuple[str, int]:
    """Linux's perform_atomic_semop: ("done", 0), ("block", index), or ("error", errno).
    The operations apply in order against the values so far; any that cannot proceed undoes
    them all."""
    values = list(s.values)
    sums = dict(s.undo.get(pid, {}))
    for i, (num, op, flags) in enumerate(ops):
        value = values[num]
        if (op == 0 and value != 0) or value + op < 0:
            if flags & IPC_NOWAIT:
                return "error", Errno.EAGAIN
            return "block", i
        if value + op > SEMVMX:
            return "error", Errno.ERANGE
        if flags & SEM_UNDO:
            total = sums.get(num, 0) + op
            if not -SEMAEM <= total <= SEMAEM + 1:  # Linux's adjustment, -total, fits a short
                return "error", Errno.ERANGE
            sums[num] = total
        values[num] = value + op
    s.values = values
    for num, _, _ in ops:  # every operation of the call, a zero-wait too, records its pid
        s.pids[num] = pid
    sums = {n: v for n, v in sums.items() if v}
    if sums:
        s.undo[pid] = sums
    else:
        s.undo.pop(pid, None)
    return "done", 0


def _retry(k: Kernel, s: SemSet) -> None:
    """After a change to the set: complete every sleeper that now can, in Linux's order."""
    progress = True
    while progress:
        progress = False
        for w in sorted((w for w in s.pending if w.outcome is None), key=lambda w: not w.zero_only):
            verdict, value = _attempt(s, w.pid, w.ops)
            if verdict == "block":
                w.blocking = value  # the view shows which operation it waits to make
                continue
            w.outcome = value
            s.pending.remove(w)
            k.wake_all(w.queue)
            if verdict == "done":
                progress = True
                break


def _parse_ops(ops: list[list[int]]) -> list[SemOp]:
    out: list[SemOp] = []
    for item in ops:
        if len(item) not in (2, 3) or not all(isinstance(v, int) for v in item):
            raise UsageError("semop(): each operation is [num, op] or [num, op, FLAGS]")
        num, op, flags = (*item, 0) if len(item) == 2 else item
        if not -32768 <= op <= 32767:
            raise UsageError(f"semop(): op {op} does not fit a short (-32768..32767)")
        out.append((num, op, flags))
    return out


@syscall(
    "semop",
    "semid:int, ops:semops",
    mechanism="sysv_sem",
    restartable=False,
    eintr_after_stop=True,
    own_wake_order=True,
    prefill=_newest_set,
    summary="[[num, op(, IPC_NOWAIT|SEM_UNDO)], ...] all together or not at all",
    lookup="ids",
)
def sys_semop(k: Kernel, p: Process, semid: int, ops: list[list[int]]) -> CallGen:
    parsed = _parse_ops(ops)
    if not parsed or semid < 0:
        raise SysError(Errno.EINVAL)
    if len(parsed) > SEMOPM:
        raise SysError(Errno.E2BIG)
    s = _get(k, semid)
    if any(not 0 <= num < len(s.values) for num, _, _ in parsed):
        raise SysError(Errno.EFBIG)
    alter = any(op != 0 for _, op, _ in parsed)
    if not allowed(p, s.owner, s.mode, 2 if alter else 4):
        raise SysError(Errno.EACCES)
    if any(flags & SEM_UNDO for _, _, flags in parsed):
        s.names[p.pid] = p.name
    verdict, value = _attempt(s, p.pid, parsed)
    if verdict == "error":
        raise SysError(Errno(value))
    if verdict == "done":
        if alter:
            _retry(k, s)
        return 0
    w = PendingOp(p.pid, p.name, parsed, value)
    s.pending.append(w)
    try:
        while w.outcome is None:
            yield w.queue
    finally:
        if w in s.pending:  # interrupted, or its process died
            s.pending.remove(w)
    if w.outcome:
        raise SysError(Errno(w.outcome))
    return 0


@syscall(
    "semctl",
    "semid:int, num:int, cmd:const, arg:semarg?",
    mechanism="sysv_sem",
    summary="GETVAL, SETVAL, GETALL, SETALL, GETNCNT, GETZCNT, GETPID, IPC_STAT, IPC_RMID",
    prefill=_newest_set,
    lookup="ids",
)
def sys_semctl(
    k: Kernel, p: Process, semid: int, num: int, cmd: int, arg: int | list[int] | None = None
) -> object:
    num = c_int(num)
    if cmd in SEMCTL_NOT_MODELLED:
        raise UsageError(f"semctl(): {SEMCTL_NOT_MODELLED[cmd]}")
    if semid < 0 or cmd not in (GETVAL, SETVAL, GETALL, SETALL, GETNCNT, GETZCNT, GETPID, IPC_STAT, IPC_RMID):
        raise SysError(Errno.EINVAL)
    if cmd == IPC_RMID:
        s = _get(k, semid)
        may_remove(p, s)
        _remove(k, s)
        return 0
    if cmd == SETVAL:
        if not isinstance(arg, int):
            raise UsageError("semctl(SETVAL) takes the value as its fourth argument")
        arg = c_int(arg)  # semun's int val
        if not 0 <= arg <= SEMVMX:
            raise SysError(Errno.ERANGE)
        s = _get(k, semid)
        if not 0 <= num < len(s.values):
            raise SysError(Errno.EINVAL)
        if not allowed(p, s.owner, s.mode, 2):
            raise SysError(Errno.EACCES)
        _set(k, s, {num: arg}, p.pid)
        return 0
    s = _get(k, semid)
    if cmd == SETALL and isinstance(arg, list) and len(arg) != len(s.values):
        raise SysError(
            Errno.EINVAL
        )  # a list C cannot pass: refused before anything else, as the real run does
    if not allowed(p, s.owner, s.mode, 2 if cmd == SETALL else 4):
        raise SysError(Errno.EACCES)
    if cmd == GETALL:
        return list(s.values)
    if cmd == IPC_STAT:
        return {"nsems": len(s.values)}
    if cmd == SETALL:
        if not isinstance(arg, list):
            raise UsageError("semctl(SETALL) takes the list of values as its fourth argument")
        if len(arg) != len(s.values):
            raise SysError(Errno.EINVAL)
        if any(v > SEMVMX for v in arg):
            raise SysError(Errno.ERANGE)
        if any(v < 0 for v in arg):  # C's unsigned short would wrap them above SEMVMX
            raise SysError(Errno.ERANGE)
        _set(k, s, dict(enumerate(arg)), p.pid)
        return 0
    if not 0 <= num < len(s.values):
        raise SysError(Errno.EINVAL)
    if cmd == GETVAL:
        return s.values[num]
    if cmd == GETPID:
        return s.pids[num]
    return s.count(num, zero=cmd == GETZCNT)


def _set(k: Kernel, s: SemSet, new: dict[int, int], pid: int) -> None:
    """SETVAL / SETALL: the values change, the setter becomes their sempid, and every process's
    undo sums for them are cleared."""
    for num, value in new.items():
        s.values[num] = value
        s.pids[num] = pid
        for sums in s.undo.values():
            sums.pop(num, None)
    s.undo = {pid: sums for pid, sums in s.undo.items() if sums}
    _retry(k, s)


def _remove(k: Kernel, s: SemSet) -> None:
    del k.sem_sets[s.id]
    s.removed = True
    for w in sorted(s.pending, key=lambda w: not w.zero_only):
        w.outcome = Errno.EIDRM
        k.wake_all(w.queue)
    s.pending.clear()


def _exit(k: Kernel, p: Process) -> None:
    """exit_sem: each SEM_UNDO sum moves its value back, kept within 0..SEMVMX."""
    for s in list(k.sem_sets.values()):
        sums = s.undo.pop(p.pid, None)
        s.names.pop(p.pid, None)
        if not sums:
            continue
        for num, total in sums.items():
            s.values[num] = min(max(s.values[num] - total, 0), SEMVMX)
            s.pids[num] = p.pid
        _retry(k, s)


EXIT_HOOKS.append(_exit)
