"""FIFOs and the file system, for real: mkfifo, open, unlink. Paths are the script's own in the
sandbox (moved into a private directory unsandboxed); a file the script makes gets the inode
number the simulation gives it, for ftok."""

from __future__ import annotations

from ctypes import c_char_p, c_int, c_uint
from typing import TYPE_CHECKING

from ..libc import check, libc, proto
from .registry import Line, real

if TYPE_CHECKING:
    from ..worker import Worker

proto("open", c_int, c_char_p, c_int, c_uint)
proto("mkfifo", c_int, c_char_p, c_uint)
proto("unlink", c_int, c_char_p)


def to_path(line: Line) -> None:
    line.rargs[0] = line.books.places.path(line.args[0])


@real("mkfifo", before=to_path)
def mkfifo(w: Worker, path: bytes, mode: int = 0o600) -> int:
    return check(libc.mkfifo(path, mode))


@mkfifo.after
def _made(line: Line, value: int) -> int:
    line.books.made(line.args[0])
    return value


@real("open", before=to_path)
def open_(w: Worker, path: bytes, flags: int, mode: int = 0o600) -> int:
    return check(libc.open(path, flags, mode & 0xFFFFFFFF))  # mode_t: -1 is 0xFFFFFFFF


@open_.after
def _opened(line: Line, fd: int) -> int:
    line.proc.opened(fd)
    return fd


@real("unlink", before=to_path)
def unlink(w: Worker, path: bytes) -> int:
    return check(libc.unlink(path))


@unlink.after
def _gone(line: Line, value: int) -> int:
    line.books.unmade(line.args[0])
    return value
