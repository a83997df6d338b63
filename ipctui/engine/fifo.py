"""FIFOs: named pipes in the file system, with Linux's open rendezvous (fs/pipe.c fifo_open)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..vocab.constants import O_ACCMODE, O_CREAT, O_EXCL, O_NONBLOCK, O_RDONLY, O_RDWR, O_WRONLY
from .errors import Errno, SysError, UsageError
from .kernel import Kernel
from .names import may_remove
from .perm import check
from .pipe import Pipe, PipeEnd, drop_ends, new_pipe
from .process import OpenFile, Process
from .syscalls import syscall
from .waitq import CallGen, WaitQueue


@dataclass(eq=False)
class FifoNode:
    path: str
    owner: int
    mode: int
    pipe: Pipe | None = None  # exists while some process has it open (or is opening it)
    r_counter: int = 0  # readers ever opened: a writer waiting in open waits for it to change
    w_counter: int = 0
    ropen: WaitQueue = field(default_factory=lambda: WaitQueue("open for reading"))
    wopen: WaitQueue = field(default_factory=lambda: WaitQueue("open for writing"))


@syscall("mkfifo", "path:str", keywords={"mode": "int"}, mechanism="fifo", summary="make a named pipe")
def sys_mkfifo(k: Kernel, p: Process, path: str, mode: int = 0o600) -> int:
    if (mode & 0xFFFFFFFF | 0o010000) & 0o170000 != 0o010000:
        raise SysError(Errno.EINVAL)  # glibc asks mknod for mode | S_IFIFO: other type bits are no type
    canon = k.fs.new_name(path)
    k.fs[canon] = FifoNode(canon, p.uid, mode & 0o7777)
    return 0


@syscall("unlink", "path:str", mechanism="fifo", summary="remove a FIFO's or socket's name")
def sys_unlink(k: Kernel, p: Process, path: str) -> int:
    w = k.fs.walk(path)
    if w.special:
        raise SysError(Errno.EISDIR)  # do_unlinkat: no name to remove (`/`, `.`, `..`)
    node = k.fs.get(w.path)
    if node is None and not w.is_dir:
        raise SysError(Errno.ENOENT)
    if w.slash and not w.is_dir:
        raise SysError(Errno.ENOTDIR)
    may_remove(p, node.owner if node is not None else 0)  # the directories are root's
    if w.is_dir:
        raise SysError(Errno.EISDIR)  # Linux's unlink of a directory (POSIX says EPERM)
    del k.fs[w.path]
    return 0


@syscall(
    "open",
    "path:str, flags:flags",
    keywords={"mode": "int"},
    mechanism="fifo",
    summary="open a FIFO; a lone reader or writer waits for the other side",
)
def sys_open(k: Kernel, p: Process, path: str, flags: int, mode: int = 0o600) -> CallGen:
    acc = flags & O_ACCMODE
    if p.fds.full():
        raise SysError(Errno.EMFILE)
    w = k.fs.walk(path)
    if w.is_dir:
        if acc != O_RDONLY or flags & O_CREAT:
            raise SysError(Errno.EISDIR)
        raise UsageError(f"open({path!r}) opens a directory, which ipctui does not model: open a FIFO")
    node = k.fs.get(w.path)
    if node is not None and w.slash:
        raise SysError(Errno.ENOTDIR)
    if node is None:
        if flags & O_CREAT and w.slash:
            raise SysError(Errno.EISDIR)
        if flags & O_CREAT:
            raise UsageError(
                f"open({path!r}, O_CREAT) would make a regular file, which ipctui does not model: "
                "make a FIFO with mkfifo() first"
            )
        raise SysError(Errno.ENOENT)
    if flags & O_CREAT and flags & O_EXCL:
        raise SysError(Errno.EEXIST)
    # may_open checks permission first (O_ACCMODE asks for both); only then does a socket file's
    # open give ENXIO and a FIFO's (fifo_open) refuse O_ACCMODE
    check(p, node.owner, node.mode, read=acc != O_WRONLY, write=acc != O_RDONLY)
    if not isinstance(node, FifoNode):
        raise SysError(Errno.ENXIO)  # a socket file cannot be opened
    if acc == O_ACCMODE:
        raise SysError(Errno.EINVAL)
    nonblock = bool(flags & O_NONBLOCK)
    if acc == O_WRONLY and nonblock and (node.pipe is None or node.pipe.readers == 0):
        raise SysError(Errno.ENXIO)
    if node.pipe is None:
        node.pipe = new_pipe(k)
        node.pipe.fifo = node.path
    pipe = node.pipe
    reading = acc in (O_RDONLY, O_RDWR)
    writing = acc in (O_WRONLY, O_RDWR)
    if reading:
        pipe.readers += 1
        node.r_counter += 1
        if pipe.readers == 1:
            k.wake_all(node.wopen)
    if writing:
        pipe.writers += 1
        node.w_counter += 1
        if pipe.writers == 1:
            k.wake_all(node.ropen)
    if acc != O_RDWR and not nonblock:
        partner = (lambda: node.w_counter) if acc == O_RDONLY else (lambda: node.r_counter)
        mine = pipe.writers if acc == O_RDONLY else pipe.readers
        if mine == 0:
            start = partner()
            try:
                while partner() == start:
                    yield node.ropen if acc == O_RDONLY else node.wopen
            except BaseException:  # interrupted, or the opener died: it no longer counts
                drop_ends(k, PipeEnd(pipe, node), reading, writing)
                raise
    return k.install(p, OpenFile("pipe", PipeEnd(pipe, node), reading, writing, nonblock))
