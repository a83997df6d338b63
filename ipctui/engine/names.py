"""Rules shared by the named IPC objects: their names, and who may remove them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ..vocab.constants import NAME_MAX, O_ACCMODE, O_CREAT, O_EXCL, O_RDONLY, O_RDWR, O_WRONLY
from .errors import Errno, SysError
from .perm import check
from .process import Process

T = TypeVar("T")


def ipc_name(
    name: str, slash_required: bool, max_len: int = NAME_MAX, inner_slash: Errno = Errno.EINVAL
) -> str:
    """The canonical `/name` of a POSIX IPC object, or the errno its name earns.

    mq_open and mq_unlink need the leading slash (glibc: EINVAL, so `""` is EINVAL); glibc hands
    the kernel the rest, and the kernel's lookup of an empty rest (`"/"`) is ENOENT, before any
    flag is looked at; the kernel refuses a further slash with EACCES.
    shm_open and sem_open take the name with or without leading slashes (glibc skips them all)
    and refuse an empty rest or a further slash with EINVAL.
    """
    if slash_required and not name.startswith("/"):
        raise SysError(Errno.EINVAL)
    bare = name[1:] if slash_required else name.lstrip("/")
    if not bare:
        raise SysError(Errno.ENOENT if slash_required else Errno.EINVAL)
    if len(bare.encode("utf-8", "surrogateescape")) > max_len:
        raise SysError(Errno.ENAMETOOLONG)
    if "/" in bare:
        raise SysError(inner_slash)
    return "/" + bare


def may_remove(p: Process, owner: int, refusal: Errno = Errno.EPERM) -> None:
    """Removing a name from a sticky directory (/tmp, /dev/shm, /dev/mqueue): owner or root only.
    The kernel says EPERM; glibc's mq_unlink, shm_unlink and sem_unlink turn it into EACCES,
    the error POSIX gives them."""
    if p.uid != 0 and p.uid != owner:
        raise SysError(refusal)


def access_mode(flags: int) -> tuple[bool, bool]:
    """(readable, writable) for open flags; O_ACCMODE itself is EINVAL."""
    acc = flags & O_ACCMODE
    if acc == O_ACCMODE:
        raise SysError(Errno.EINVAL)
    return acc in (O_RDONLY, O_RDWR), acc in (O_WRONLY, O_RDWR)


def open_or_create(
    p: Process, existing: Any, flags: int, read: bool, write: bool, create: Callable[[], T]
) -> T:
    """POSIX's rule for opening a named object: O_CREAT|O_EXCL on an existing one is EEXIST, an
    existing one checks the owner/mode bits for the access asked for, a missing one is ENOENT
    unless O_CREAT, and then `create()` makes it (after its own checks)."""
    if existing is not None:
        if flags & O_CREAT and flags & O_EXCL:
            raise SysError(Errno.EEXIST)
        check(p, existing.owner, existing.mode, read=read, write=write)
        return existing  # type: ignore[no-any-return]
    if not flags & O_CREAT:
        raise SysError(Errno.ENOENT)
    return create()
