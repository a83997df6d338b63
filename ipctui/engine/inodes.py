"""The script's one file system: paths of FIFOs and socket files, each with its inode number.

`/` is inode 1, `/tmp` inode 2, and each name made takes the next number, never reused (SPEC
section 2), so that ftok gives the keys Linux would give for the same order of making files.
"""

from __future__ import annotations

from typing import Any

DEVICE = 1
FIXED_INODES = {"/": 1, "/tmp": 2}


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

    def inode(self, path: str) -> int | None:
        canon = path.rstrip("/") or "/"
        if canon in FIXED_INODES:
            return FIXED_INODES[canon]
        return self.inodes.get(path)
