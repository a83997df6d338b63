"""Rules shared by the named IPC objects: their names, and who may remove them."""

from __future__ import annotations

from .errors import Errno, SysError
from .process import Process

NAME_MAX = 255


def ipc_name(
    name: str, slash_required: bool, max_len: int = NAME_MAX, inner_slash: Errno = Errno.EINVAL
) -> str:
    """The canonical `/name` of a POSIX IPC object, or the errno its name earns.

    mq_open needs the leading slash (glibc: EINVAL) and the kernel refuses a further one with
    EACCES; shm_open and sem_open take the name with or without it and refuse a further one with
    EINVAL.
    """
    if slash_required and not name.startswith("/"):
        raise SysError(Errno.EINVAL)
    bare = name[1:] if name.startswith("/") else name
    if not bare:
        raise SysError(Errno.EINVAL)
    if len(bare.encode("utf-8", "surrogateescape")) > max_len:
        raise SysError(Errno.ENAMETOOLONG)
    if "/" in bare:
        raise SysError(inner_slash)
    return "/" + bare


def may_remove(p: Process, owner: int) -> None:
    """Removing a name from a sticky directory (/tmp, /dev/shm, /dev/mqueue): owner or root only."""
    if p.uid != 0 and p.uid != owner:
        raise SysError(Errno.EPERM)
