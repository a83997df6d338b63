"""Pipes, for real. A pipe of smaller pages than this machine's is scaled: each script byte
stands for `scale` real ones, so capacities and atomic sizes fall where the script's do."""

from __future__ import annotations

import ctypes
from ctypes import POINTER as P
from ctypes import c_int, c_long
from typing import TYPE_CHECKING

from ..libc import CallFailed, check, libc, proto
from ..limits import PAGE, CannotRun, proc_limit
from ..supervisor import Proc
from .registry import Line, real

if TYPE_CHECKING:
    from ..worker import Worker

proto("pipe", c_int, P(c_int))
proto("fcntl", c_int, c_int, c_int, c_long)

DEFAULT_PIPE = 65536
F_SETPIPE_SZ = 1031


@real("pipe")
def pipe(w: Worker, capacity: int = DEFAULT_PIPE, scale: int = 1) -> list[int]:
    fds = (ctypes.c_int * 2)()
    check(libc.pipe(fds))
    if capacity * scale != DEFAULT_PIPE and libc.fcntl(fds[1], F_SETPIPE_SZ, capacity * scale) == -1:
        err = ctypes.get_errno()  # F_SETPIPE_SZ refused: the pipe with it (one call in a script)
        libc.close(fds[0])
        libc.close(fds[1])
        raise CallFailed(err)
    return [fds[0], fds[1]]


@pipe.before
def _scaled(line: Line) -> None:
    page_size = line.rkw.pop("page_size", PAGE)
    if page_size > PAGE or page_size < 1 or page_size & (page_size - 1):
        raise CannotRun(f"a pipe of {page_size}-byte pages (this machine's page is {PAGE} bytes)")
    scale = line.rkw["scale"] = PAGE // page_size
    capacity = line.rkw.get("capacity", DEFAULT_PIPE)
    if capacity * scale >= 1 << 32:
        raise CannotRun(f"a capacity of {capacity} does not fit fcntl's int")
    pipe_size(line, capacity, scale)


@pipe.after
def _ends(line: Line, value: list[int]) -> list[int]:
    for fd in value:
        line.proc.opened(fd)
        line.proc.scales[fd] = line.rkw["scale"]
    return value


def pipe_size(line: Line, n: int, scale: int) -> None:
    """Sizes a scaled pipe cannot have, and sizes only CAP_SYS_RESOURCE may set."""
    limit = proc_limit("pipe-max-size")
    if scale > 1 and n * scale > limit:
        raise CannotRun(f"{n} bytes of {scale} real bytes each pass this machine's pipe-max-size ({limit})")
    p: Proc = line.proc
    if p.uid == 0 and not line.books.sys_resource and limit < n * scale <= 1 << 31:
        raise CannotRun(line.books.no_sys_resource + " to pass pipe-max-size")
