"""System V shared memory (ipc/shm.c): shmget, shmat, shmdt, shmctl.

A segment has a fixed size, lives in whole pages like a POSIX one (`shm.Segment`), and is
reached by its shmid: `peek`, `poke` and the lock calls take the id where a POSIX segment takes
its name (shm.py resolves it through the caller's attachments). IPC_RMID only marks a segment:
its key is free at once and the segment goes with its last attachment.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..vocab.constants import IPC_PRIVATE, IPC_RMID, IPC_STAT, SHMCTL_NOT_MODELLED
from .ctype import c_int
from .errors import Errno, SysError, UsageError
from .kernel import EXIT_HOOKS, FORK_HOOKS, Kernel
from .perm import allowed
from .prefill import fields, newest
from .process import Process
from .shm import Attachment, Segment, attachments, latest_attachment
from .syscalls import syscall
from .sysv_ids import ipcget, lookup, may_remove

SIMULATED_MAX = 1 << 30  # a larger new segment is a script error: the simulation keeps every byte
SHMMAX = (1 << 64) - 1 - (1 << 24)  # Linux's default shmmax: a larger size is EINVAL


@dataclass(eq=False)
class SysvSegment(Segment):
    key: int = IPC_PRIVATE
    nattch: int = 0
    marked: bool = False  # IPC_RMID done: goes with its last attachment


def _newest_segment(k: Kernel, p: Process) -> dict[str, str]:
    """A form on a segment offers the segment made last."""
    return fields(shmid=newest(k.sysv_shm))


def _get(k: Kernel, shmid: int) -> SysvSegment:
    return lookup(k.sysv_shm, shmid)  # type: ignore[no-any-return]


SHM_HUGETLB = 0o4000  # a mode past 0777 is flags: this one asks for huge pages
SHM_HUGE_SHIFT = 26  # shmflg's bits 26-31 name the huge page size by its log2 (0: the default)
HUGE_PAGE_LOGS = (0, 21, 30)  # x86-64's huge pages: 2 MiB and 1 GiB


@syscall(
    "shmget",
    "key:const, size:int, flags:flags?",
    keywords={"mode": "int"},
    mechanism="sysv_shm",
    summary="get or create a segment of size bytes by key",
    lookup="names",
)
def sys_shmget(k: Kernel, p: Process, key: int, size: int, flags: int = 0, mode: int = 0) -> int:
    key = c_int(key)  # key_t: 2**32 is IPC_PRIVATE to C
    if not -(1 << 63) <= size < 1 << 64:
        raise UsageError(f"shmget(): a size of {size} does not fit C's size_t")
    size %= 1 << 64  # C's size_t: -1 is the largest size, refused as too big

    def new_checks() -> None:
        if not 1 <= size <= SHMMAX:
            raise SysError(Errno.EINVAL)
        if size > SIMULATED_MAX:
            raise UsageError(f"shmget(): the simulation keeps segments up to 1 GiB, not {size} bytes")
        if (flags | mode) & SHM_HUGETLB:
            if (c_int(flags | mode) >> SHM_HUGE_SHIFT) & 0x3F not in HUGE_PAGE_LOGS:
                raise SysError(Errno.EINVAL)  # newseg: hstate_sizelog finds no such page size
            # hugetlb_file_setup: CAP_IPC_LOCK in the first user namespace, which no process
            raise SysError(Errno.EPERM)  # of a run has

    def create(shmid: int, bits: int) -> SysvSegment:
        seg = SysvSegment(shmid, f"shmid {shmid}", p.uid, bits, key=key)
        seg.truncate(size)
        k.sysv_shm[shmid] = seg
        return seg

    def more_checks(seg: SysvSegment) -> None:
        if size > seg.size:
            raise SysError(Errno.EINVAL)

    live = (s for s in k.sysv_shm.values() if not s.marked)
    return ipcget(k, p, live, "shmid", key, flags, mode, create, more_checks, new_checks).id


@syscall(
    "shmat",
    "shmid:int",
    keywords={"readonly": "int"},
    mechanism="sysv_shm",
    summary="attach a segment (readonly=1: SHM_RDONLY); peek/poke it by id",
    prefill=_newest_segment,
    lookup="ids",
)
def sys_shmat(k: Kernel, p: Process, shmid: int, readonly: int = 0) -> int:
    seg = _get(k, shmid)
    if not allowed(p, seg.owner, seg.mode, 4 if readonly else 6):
        raise SysError(Errno.EACCES)
    _attach(p, Attachment(seg, bool(readonly)))
    return 0


def _attach(p: Process, att: Attachment) -> None:
    attachments(p).append(att)
    seg: SysvSegment = att.seg  # type: ignore[assignment]
    seg.nattch += 1
    seg.mappers[p.pid] = seg.mappers.get(p.pid, 0) + 1  # attachments per process, for the views


def _detach(k: Kernel, p: Process, att: Attachment) -> None:
    attachments(p).remove(att)
    seg: SysvSegment = att.seg  # type: ignore[assignment]
    seg.nattch -= 1
    seg.mappers[p.pid] -= 1
    if not seg.mappers[p.pid]:
        del seg.mappers[p.pid]
    if seg.marked and seg.nattch == 0:
        k.sysv_shm.pop(seg.id, None)


@syscall(
    "shmdt",
    "shmid:int",
    mechanism="sysv_shm",
    summary="detach the latest attachment",
    prefill=_newest_segment,
)
def sys_shmdt(k: Kernel, p: Process, shmid: int) -> int:
    att = latest_attachment(p, shmid)
    if att is None:
        raise SysError(Errno.EINVAL)
    _detach(k, p, att)
    return 0


@syscall(
    "shmctl",
    "shmid:int, cmd:const",
    mechanism="sysv_shm",
    summary="IPC_STAT: {size, nattch}; IPC_RMID marks for removal",
    prefill=_newest_segment,
    lookup="ids",
)
def sys_shmctl(k: Kernel, p: Process, shmid: int, cmd: int) -> object:
    if cmd in SHMCTL_NOT_MODELLED:
        raise UsageError(f"shmctl(): {SHMCTL_NOT_MODELLED[cmd]}")
    if shmid < 0 or cmd not in (IPC_STAT, IPC_RMID):
        raise SysError(Errno.EINVAL)
    seg = _get(k, shmid)
    if cmd == IPC_STAT:
        if not allowed(p, seg.owner, seg.mode, 4):
            raise SysError(Errno.EACCES)
        return {"size": seg.size, "nattch": seg.nattch}
    may_remove(p, seg)
    seg.marked = True
    seg.key = IPC_PRIVATE
    if seg.nattch == 0:
        del k.sysv_shm[shmid]
    return 0


def _fork(k: Kernel, parent: Process, child: Process) -> None:
    for att in attachments(parent):
        _attach(child, Attachment(att.seg, att.readonly))


def _exit(k: Kernel, p: Process) -> None:
    for att in reversed(list(attachments(p))):
        _detach(k, p, att)


FORK_HOOKS.append(_fork)
EXIT_HOOKS.append(_exit)
