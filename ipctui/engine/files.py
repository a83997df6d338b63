"""Calls on any descriptor: close, read, write, fcntl. Each kind of open file says what they do."""

from __future__ import annotations

from typing import Any

from ..vocab.constants import F_GETFL, F_GETPIPE_SZ, F_SETFL, F_SETPIPE_SZ, O_NONBLOCK
from .errors import Errno, SysError
from .kernel import FILE_KINDS, Kernel
from .pipe import pipe_fcntl
from .prefill import descriptor, fields
from .process import RLIMIT_NOFILE, Process
from .syscalls import syscall


def _any_descriptor(k: Kernel, p: Process) -> dict[str, str]:
    return fields(fd=descriptor(p))


def _read_form(k: Kernel, p: Process) -> dict[str, str]:
    """The first descriptor open for reading whose kind has a read (the same for write below)."""
    kinds = tuple(kind for kind, ops in FILE_KINDS.items() if ops.read is not None)
    return fields(fd=descriptor(p, kinds, readable=True), count="100")


def _write_form(k: Kernel, p: Process) -> dict[str, str]:
    kinds = tuple(kind for kind, ops in FILE_KINDS.items() if ops.write is not None)
    return fields(fd=descriptor(p, kinds, writable=True))


@syscall("close", "fd:fd", mechanism="files", summary="close a descriptor", prefill=_any_descriptor)
def sys_close(k: Kernel, p: Process, fd: int) -> int:
    k.close_fd(p, fd)
    return 0


@syscall(
    "dup",
    "fd:fd",
    mechanism="files",
    summary="a second descriptor for the same open file",
    prefill=_any_descriptor,
)
def sys_dup(k: Kernel, p: Process, fd: int) -> int:
    return k.install(p, k.open_file(p, fd))


@syscall(
    "dup2",
    "fd:fd, newfd:fd",
    mechanism="files",
    summary="make newfd name fd's open file (closing newfd first); 0-2 redirect",
    prefill=_any_descriptor,
    reach="all",
)
def sys_dup2(k: Kernel, p: Process, fd: int, newfd: int) -> int:
    f = k.open_file(p, fd)
    if fd == newfd:
        return fd
    if not 0 <= newfd < RLIMIT_NOFILE:
        raise SysError(Errno.EBADF)
    old = p.fds.install_at(newfd, f)
    if old is not None:  # closed silently, and a last close wakes others as any close does
        old.refs -= 1
        if old.refs == 0:
            FILE_KINDS[old.kind].release(k, old)
    return newfd


@syscall(
    "read",
    "fd:fd, count:int",
    mechanism="files",
    summary='read up to count bytes ("" is end of file)',
    prefill=_read_form,
)
def sys_read(k: Kernel, p: Process, fd: int, count: int) -> Any:
    f = k.open_file(p, fd)
    if not f.readable:
        raise SysError(Errno.EBADF)
    if count < 0:
        raise SysError(Errno.EINVAL)
    read = FILE_KINDS[f.kind].read
    if read is None:
        raise SysError(Errno.EINVAL)
    return read(k, p, f, count)


@syscall("write", "fd:fd, data:bytes", mechanism="files", summary="write bytes", prefill=_write_form)
def sys_write(k: Kernel, p: Process, fd: int, data: bytes) -> Any:
    f = k.open_file(p, fd)
    if not f.writable:
        raise SysError(Errno.EBADF)
    write = FILE_KINDS[f.kind].write
    if write is None:
        raise SysError(Errno.EINVAL)
    return write(k, p, f, data)


@syscall(
    "fcntl",
    "fd:fd, cmd:const, arg:flags?",
    mechanism="files",
    summary="F_SETFL O_NONBLOCK, F_GETFL, F_GETPIPE_SZ, F_SETPIPE_SZ",
    prefill=_any_descriptor,
)
def sys_fcntl(k: Kernel, p: Process, fd: int, cmd: int, arg: int = 0) -> int:
    f = k.open_file(p, fd)
    if cmd == F_GETFL:
        return f.flags
    if cmd == F_SETFL:
        f.nonblock = bool(arg & O_NONBLOCK)
        return 0
    if cmd in (F_GETPIPE_SZ, F_SETPIPE_SZ):
        if f.kind != "pipe":
            raise SysError(Errno.EBADF)
        return pipe_fcntl(k, p, f, cmd, arg & 0xFFFFFFFF)  # the kernel takes it as an unsigned int
    raise SysError(Errno.EINVAL)
