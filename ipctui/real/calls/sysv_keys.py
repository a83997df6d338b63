"""System V keys, for real: ftok. Its key is made from the inode number the simulation gives the
file (the script's files number on from 3, in the order it made them), on the simulation's one
device, so the key is the one the simulation gives."""

from __future__ import annotations

from ctypes import c_char_p, c_int
from typing import TYPE_CHECKING

from ..libc import check, libc, proto
from ..limits import CannotRun
from .registry import FIXED_INODES, Line, canonical_path, real

if TYPE_CHECKING:
    from ..worker import Worker

proto("ftok", c_int, c_char_p, c_int)


@real("ftok")
def ftok(w: Worker, path: bytes, proj: int) -> int:
    return check(libc.ftok(path, proj))


@ftok.before
def _path(line: Line) -> None:
    path = line.args[0]
    fixed = canonical_path(path) in FIXED_INODES
    line.rargs[0] = path.encode() if fixed else line.books.places.path(path)


@ftok.after
def _key(line: Line, value: int) -> int:
    inode = line.books.inode(line.args[0])
    if inode is None:
        raise CannotRun(f"{line.args[0]} exists on this machine but the script did not make it")
    return ftok_key(inode, line.args[1])


def ftok_key(inode: int, proj: int) -> int:
    """C's ftok on the simulation's one device (1), as a signed key_t."""
    key = (proj & 0xFF) << 24 | 1 << 16 | (inode & 0xFFFF)
    return key - (1 << 32) if key >= 1 << 31 else key
