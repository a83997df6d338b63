"""POSIX shared memory (tmpfs + mmap): segments mapped in whole pages, each with a mutex.

A segment's bytes live in whole pages (`backing` is its size rounded up to a page), so a store
past the end but inside the last page is kept and shared, as on Linux. A mapping is as long as
the segment was when it was mapped; pages of it that now lie wholly past the end fault with
SIGBUS, and addresses outside it with SIGSEGV.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..vocab.constants import (
    O_NONBLOCK,
    O_TRUNC,
    SIGBUS,
    SIGNALS,
    SIGSEGV,
)
from .ctype import c_long
from .errors import Errno, Fault, SysError
from .kernel import EXIT_HOOKS, FILE_KINDS, FORK_HOOKS, FileOps, Kernel
from .names import access_mode, ipc_name, may_remove, open_or_create
from .prefill import fields
from .process import OpenFile, Process
from .syscalls import syscall
from .waitq import CallGen, WaitQueue

PAGE = 4096
FILE_LIMIT = 64 << 20  # RLIMIT_FSIZE, as the real run sets it for each of its processes
WRITE_HISTORY = 32  # writes kept per segment for the views


def pages(size: int) -> int:
    return -(-size // PAGE)


@dataclass(frozen=True, slots=True)
class Store:
    """One store into a segment, for the views: who wrote which bytes, at which step."""

    pid: int
    proc: str
    offset: int
    length: int
    step: int


@dataclass(eq=False)
class Mutex:
    """A process-shared, error-checking, non-robust mutex: a dead owner keeps it."""

    owner: int | None = None
    owner_name: str | None = None
    owner_dead: bool = False
    waiters: WaitQueue = field(default_factory=lambda: WaitQueue("lock"))


@dataclass(eq=False)
class Segment:
    id: int
    name: str
    owner: int
    mode: int
    size: int = 0
    backing: bytearray = field(default_factory=bytearray)
    opens: int = 0
    mappers: dict[int, int] = field(default_factory=dict)  # pid -> mapped length
    unlinked: bool = False
    lock: Mutex = field(default_factory=Mutex)
    stores: list[Store] = field(default_factory=list)

    def truncate(self, size: int) -> None:
        if size <= self.size:
            del self.backing[pages(size) * PAGE :]
            self.backing[size:] = bytes(len(self.backing) - size)
        else:
            self.backing.extend(bytes(pages(size) * PAGE - len(self.backing)))
        self.size = size

    @property
    def last_store(self) -> Store | None:
        return self.stores[-1] if self.stores else None


def _maps(p: Process) -> dict[str, Segment]:
    return p.ext.setdefault("maps", {})


@dataclass(eq=False)
class Attachment:
    """One shmat of a System V segment: a process may hold several of the same one."""

    seg: Segment
    readonly: bool = False


def attachments(p: Process) -> list[Attachment]:
    """A process's System V attachments, oldest first (sysv_shm makes and removes them)."""
    return p.ext.setdefault("shmat", [])


def latest_attachment(p: Process, shmid: int) -> Attachment | None:
    """peek, poke, shmdt and the lock calls use the latest attachment still attached."""
    return next((a for a in reversed(attachments(p)) if a.seg.id == shmid), None)


def _mapped_name(p: Process) -> str | None:
    """The segment the process mapped last by name, if any (read without making the table)."""
    maps = p.ext.get("maps")
    return next(reversed(maps)) if maps else None


def _mapped(k: Kernel, p: Process) -> dict[str, str]:
    """A form on mapped memory offers what the process mapped last: a POSIX segment by name, or
    else its latest System V attachment by shmid."""
    atts = p.ext.get("shmat")
    name = _mapped_name(p) or (str(atts[-1].seg.id) if atts else None)
    return fields(name=name)


def _mapped_at_start(k: Kernel, p: Process) -> dict[str, str]:
    return fields(**_mapped(k, p), offset="0")


def _unmappable(k: Kernel, p: Process) -> dict[str, str]:
    return fields(name=_mapped_name(p))


@syscall(
    "shm_open",
    "name:str, flags:flags",
    keywords={"mode": "int"},
    mechanism="shm",
    summary="open or create a shared-memory object",
)
def sys_shm_open(k: Kernel, p: Process, name: str, flags: int, mode: int = 0o600) -> int:
    name = ipc_name(name, slash_required=False)
    readable, writable = access_mode(flags)
    if p.fds.full():
        raise SysError(Errno.EMFILE)

    def create() -> Segment:
        seg = Segment(k.new_id("shm"), name, p.uid, mode & 0o777)
        k.shm[name] = seg
        k.shm_all[seg.id] = seg
        return seg

    seg: Segment = open_or_create(p, k.shm.get(name), flags, readable, writable, create)
    if flags & O_TRUNC:
        if not writable:
            raise SysError(Errno.EACCES)
        seg.truncate(0)
    seg.opens += 1
    return k.install(p, OpenFile("shm", seg, readable, writable, bool(flags & O_NONBLOCK)))


@syscall("ftruncate", "fd:fd, size:int", mechanism="shm", summary="set a shared-memory object's size")
def sys_ftruncate(k: Kernel, p: Process, fd: int, size: int) -> int:
    size = c_long(size)  # off_t: 2**63 is negative (EINVAL), 2**64 + 1 is 1
    if size < 0:  # do_sys_ftruncate looks at the length before the descriptor
        raise SysError(Errno.EINVAL)
    f = k.open_file(p, fd)
    if f.kind != "shm" or not f.writable:
        raise SysError(Errno.EINVAL)
    if size > FILE_LIMIT:  # inode_newsize_ok: past RLIMIT_FSIZE, SIGXFSZ (its default kills) and EFBIG
        k.send_signal(p, SIGNALS["SIGXFSZ"])
        raise SysError(Errno.EFBIG)
    f.obj.truncate(size)
    return 0


@syscall("mmap", "fd:fd", mechanism="shm", summary="map the object, shared and read-write")
def sys_mmap(k: Kernel, p: Process, fd: int) -> int:
    f = k.open_file(p, fd)
    if f.kind == "shm" and f.obj.size == 0:
        raise SysError(Errno.EINVAL)  # a length of 0, before anything else (do_mmap's order)
    if not (f.readable and f.writable):
        raise SysError(Errno.EACCES)  # a shared writable mapping needs both
    if f.kind != "shm":
        raise SysError(Errno.ENODEV)
    seg: Segment = f.obj
    _unmap(k, p, seg.name)
    _maps(p)[seg.name] = seg
    seg.mappers[p.pid] = pages(seg.size) * PAGE
    return 0


@syscall("munmap", "name:str", mechanism="shm", summary="unmap a segment", prefill=_unmappable)
def sys_munmap(k: Kernel, p: Process, name: str) -> int:
    if not _unmap(k, p, _canon(name)):
        raise SysError(Errno.EINVAL)
    return 0


@syscall("shm_unlink", "name:str", mechanism="shm", summary="remove the object's name")
def sys_shm_unlink(k: Kernel, p: Process, name: str) -> int:
    name = ipc_name(name, slash_required=False)
    seg = k.shm.get(name)
    if seg is None:
        raise SysError(Errno.ENOENT)
    may_remove(p, seg.owner, Errno.EACCES)
    del k.shm[name]
    seg.unlinked = True
    _maybe_free(k, seg)
    return 0


def _canon(name: str) -> str:
    return name if name.startswith("/") else "/" + name


def _unmap(k: Kernel, p: Process, name: str) -> bool:
    seg = _maps(p).pop(name, None)
    if seg is None:
        return False
    seg.mappers.pop(p.pid, None)
    _maybe_free(k, seg)
    return True


def _maybe_free(k: Kernel, seg: Segment) -> None:
    if seg.unlinked and seg.opens == 0 and not seg.mappers:
        k.shm_all.pop(seg.id, None)


def _access(p: Process, name: str | int, offset: int, n: int, store: bool = False) -> Segment:
    """The segment behind a load or store, or the fault the access raises. A System V segment
    is named by its shmid and never changes size; a read-only attachment faults on a store."""
    if isinstance(name, int):
        att = latest_attachment(p, name)
        if att is None or (store and att.readonly and n):
            raise Fault(SIGSEGV)
        if n and not (offset >= 0 and offset + n <= pages(att.seg.size) * PAGE):
            raise Fault(SIGSEGV)
        return att.seg
    seg = _maps(p).get(_canon(name))
    if seg is None:
        raise Fault(SIGSEGV)
    if n == 0:
        return seg
    maplen = seg.mappers[p.pid]
    backed = min(maplen, pages(seg.size) * PAGE)  # beyond this, mapped pages are past the end
    end = offset + n
    if offset >= 0 and end <= backed:
        return seg
    first_bad = max(offset, backed)
    raise Fault(SIGBUS if 0 <= first_bad < maplen else SIGSEGV)


@syscall(
    "poke",
    "name:seg, offset:int, data:bytes",
    mechanism="shm",
    summary="store bytes into mapped memory",
    prefill=_mapped_at_start,
    reach="named",
)
def sys_poke(k: Kernel, p: Process, name: str | int, offset: int, data: bytes) -> int:
    if not data:
        return 0  # a store of nothing touches no memory, mapped or not
    seg = _access(p, name, offset, len(data), store=True)
    if data:
        seg.backing[offset : offset + len(data)] = data
        seg.stores.append(Store(p.pid, p.name, offset, len(data), k.steps))
        del seg.stores[:-WRITE_HISTORY]
    return len(data)


@syscall(
    "peek",
    "name:seg, offset:int, count:int",
    mechanism="shm",
    summary="load bytes from mapped memory",
    prefill=_mapped_at_start,
    reach="named",
)
def sys_peek(k: Kernel, p: Process, name: str | int, offset: int, count: int) -> bytes:
    if count < 0:
        raise SysError(Errno.EINVAL)
    if count == 0:
        return b""  # a load of nothing touches no memory, mapped or not
    seg = _access(p, name, offset, count)
    return bytes(seg.backing[offset : offset + count])


def _mutex(p: Process, name: str | int) -> Mutex:
    if isinstance(name, int):  # a System V segment by id: it must be attached
        att = latest_attachment(p, name)
        if att is None:
            raise SysError(Errno.EINVAL)
        return att.seg.lock
    seg = _maps(p).get(_canon(name))
    if seg is None:
        raise Fault(SIGSEGV)  # the mutex lives in the segment: unmapped, it is not there
    return seg.lock


@syscall(
    "lock",
    "name:seg",
    mechanism="shm",
    interruptible=False,
    summary="take the segment's mutex",
    prefill=_mapped,
    reach="named",
)
def sys_lock(k: Kernel, p: Process, name: str | int) -> CallGen:
    m = _mutex(p, name)
    if m.owner == p.pid:
        raise SysError(Errno.EDEADLK)
    while m.owner is not None:
        yield m.waiters
    m.owner, m.owner_name, m.owner_dead = p.pid, p.name, False
    return 0


@syscall(
    "trylock",
    "name:seg",
    mechanism="shm",
    summary="take the mutex if it is free",
    prefill=_mapped,
    reach="named",
)
def sys_trylock(k: Kernel, p: Process, name: str | int) -> int:
    m = _mutex(p, name)
    if m.owner is not None:
        raise SysError(Errno.EBUSY)
    m.owner, m.owner_name, m.owner_dead = p.pid, p.name, False
    return 0


@syscall(
    "unlock",
    "name:seg",
    mechanism="shm",
    summary="release the mutex (owner only)",
    prefill=_mapped,
    reach="named",
)
def sys_unlock(k: Kernel, p: Process, name: str | int) -> int:
    m = _mutex(p, name)
    if m.owner != p.pid:
        raise SysError(Errno.EPERM)
    m.owner = m.owner_name = None
    k.wake_one(m.waiters)
    return 0


def _release(k: Kernel, f: OpenFile) -> None:
    seg: Segment = f.obj
    seg.opens -= 1
    _maybe_free(k, seg)


def _read(k: Kernel, p: Process, f: OpenFile, n: int) -> bytes:
    seg: Segment = f.obj
    out = bytes(seg.backing[f.pos : min(f.pos + n, seg.size)])
    f.pos += len(out)
    return out


def _write(k: Kernel, p: Process, f: OpenFile, data: bytes) -> int:
    seg: Segment = f.obj
    if f.pos + len(data) > seg.size:
        seg.truncate(f.pos + len(data))
    seg.backing[f.pos : f.pos + len(data)] = data
    seg.stores.append(Store(p.pid, p.name, f.pos, len(data), k.steps))
    del seg.stores[:-WRITE_HISTORY]
    f.pos += len(data)
    return len(data)


def _fork(k: Kernel, parent: Process, child: Process) -> None:
    for name, seg in _maps(parent).items():
        _maps(child)[name] = seg
        seg.mappers[child.pid] = seg.mappers[parent.pid]


def _exit(k: Kernel, p: Process) -> None:
    for name in list(_maps(p)):
        _unmap(k, p, name)
    for seg in [*k.shm_all.values(), *k.sysv_shm.values()]:
        if seg.lock.owner == p.pid:
            seg.lock.owner_dead = True  # not robust: it stays held


FILE_KINDS["shm"] = FileOps(release=_release, read=_read, write=_write)
FORK_HOOKS.append(_fork)
EXIT_HOOKS.append(_exit)
