"""The script's one file system: paths of FIFOs and socket files, each with its inode number.

`/` is inode 1, `/tmp` inode 2, and each name made takes the next number, never reused (SPEC
section 2), so that ftok gives the keys Linux would give for the same order of making files.
Those two are its only directories: a path is walked as Linux walks it (from `/`, the real
run's working directory too), so `//tmp/f` and `/tmp/./f` name `/tmp/f`, a missing directory
on the way is ENOENT and a FIFO or socket on the way ENOTDIR.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import Errno, SysError

DEVICE = 1
FIXED_INODES = {"/": 1, "/tmp": 2}


@dataclass(frozen=True)
class Walked:
    """Where a path leads: the canonical path of its last component, whether that component
    is `.`, `..` or the root (Linux's "not LAST_NORM": nothing to make or remove), and whether
    the path was written with a trailing slash (which asks for a directory)."""

    path: str
    special: bool
    slash: bool

    @property
    def is_dir(self) -> bool:
        return self.path in FIXED_INODES


def _join(d: str, name: str) -> str:
    if name == ".":
        return d
    if name == "..":
        return d.rsplit("/", 1)[0] or "/"
    return ("" if d == "/" else d) + "/" + name


class FileSystem(dict[str, Any]):
    """Paths to FIFO and socket nodes; each name made gets a fresh inode number."""

    def __init__(self) -> None:
        super().__init__()
        self.inodes: dict[str, int] = {}
        self._next = max(FIXED_INODES.values()) + 1

    def __setitem__(self, path: str, node: Any) -> None:
        # by `inodes`, not by the dict itself: a deep copy (the session's checkpoints) restores
        # `inodes` first and then sets every path again, which must not number it anew
        if path not in self.inodes:
            self.inodes[path] = self._next
            self._next += 1
        super().__setitem__(path, node)

    def __delitem__(self, path: str) -> None:
        super().__delitem__(path)
        self.inodes.pop(path, None)

    def walk(self, path: str) -> Walked:
        """Walk every directory on the way to path's last component (ENOENT for "" or a missing
        directory, ENOTDIR for a file used as one)."""
        names = [n for n in path.split("/") if n]
        if not path:
            raise SysError(Errno.ENOENT)
        here = "/"
        for name in names[:-1]:
            nxt = _join(here, name)
            if nxt not in FIXED_INODES:
                raise SysError(Errno.ENOTDIR if nxt in self else Errno.ENOENT)
            here = nxt
        if not names:
            return Walked("/", True, False)
        last = names[-1]
        return Walked(_join(here, last), last in (".", ".."), path.endswith("/"))

    def find(self, path: str) -> tuple[str, Any]:
        """The canonical path and node of an existing FIFO or socket file (stat's errors: ENOENT,
        ENOTDIR, and EISDIR-free: a directory comes back with the node None)."""
        w = self.walk(path)
        if w.is_dir:
            return w.path, None
        node = self.get(w.path)
        if node is None:
            raise SysError(Errno.ENOENT)
        if w.slash:
            raise SysError(Errno.ENOTDIR)
        return w.path, node

    def new_name(self, path: str) -> str:
        """The canonical path at which to make a FIFO or socket file (mknod's checks: EEXIST for
        anything already there, ENOENT for a missing name written with a trailing slash)."""
        w = self.walk(path)
        if w.special or w.is_dir or w.path in self:
            raise SysError(Errno.EEXIST)
        if w.slash:
            raise SysError(Errno.ENOENT)
        return w.path

    def inode(self, path: str) -> int:
        """stat's inode number of path (ftok), or its errno."""
        canon, _node = self.find(path)
        return FIXED_INODES.get(canon) or self.inodes[canon]
