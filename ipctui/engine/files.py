"""Calls on any descriptor: close, read, write, fcntl. Each kind of open file says what they do."""

from __future__ import annotations

from typing import Any

from ..vocab.constants import F_GETFL, F_GETPIPE_SZ, F_SETFL, F_SETPIPE_SZ, O_NONBLOCK
from .errors import Errno, SysError
from .kernel import FILE_KINDS, Kernel
from .pipe import pipe_fcntl
from .process import Process
from .syscalls import syscall


@syscall("close", "fd:fd", mechanism="files", summary="close a descriptor")
def sys_close(k: Kernel, p: Process, fd: int) -> int:
    k.close_fd(p, fd)
    return 0


@syscall("read", "fd:fd, count:int", mechanism="files", summary='read up to count bytes ("" is end of file)')
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


@syscall("write", "fd:fd, data:bytes", mechanism="files", summary="write bytes")
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
