"""Owner/mode checks for named objects (groups are not modelled; uid 0 passes every check)."""

from __future__ import annotations

from .errors import Errno, SysError
from .process import Process


def allowed(p: Process, owner: int, mode: int, want: int) -> bool:
    """Whether `p` has every rwx bit in `want` (4 read, 2 write, 1 execute) on the object."""
    if p.uid == 0:
        return True
    bits = (mode >> 6) & 7 if p.uid == owner else mode & 7
    return bits & want == want


def check(p: Process, owner: int, mode: int, read: bool = False, write: bool = False) -> None:
    if not allowed(p, owner, mode, (4 if read else 0) | (2 if write else 0)):
        raise SysError(Errno.EACCES)
