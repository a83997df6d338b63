"""What the System V objects share (ipc/util.c): keys, ids counted from 0 per kind, ipcget's
order of checks, and who may remove an object."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Protocol, TypeVar

from ..vocab.constants import IPC_CREAT, IPC_EXCL, IPC_PRIVATE
from .ctype import c_int
from .errors import Errno, SysError
from .kernel import Kernel
from .perm import allowed
from .process import Process


class IpcObject(Protocol):
    id: int
    key: int
    owner: int
    mode: int


T = TypeVar("T", bound=IpcObject)


def lookup(table: Mapping[int, T], ident: int) -> T:
    """The object with that id (a msqid, semid or shmid); an id that names nothing is EINVAL."""
    obj = table.get(ident)
    if obj is None:
        raise SysError(Errno.EINVAL)
    return obj


def requested_bits(mode: int) -> int:
    """The rwx bits a get asks for, from any digit of its mode (ipcperms folds them together)."""
    return (mode >> 6 | mode >> 3 | mode) & 7


def ipcget(
    k: Kernel,
    p: Process,
    objects: Iterable[T],
    counter: str,
    key: int,
    flags: int,
    mode: int,
    create: Callable[[int, int], T],
    more_checks: Callable[[T], None] | None = None,
    new_checks: Callable[[], None] | None = None,
) -> T:
    """Linux's ipcget: IPC_PRIVATE always creates; a missing key is ENOENT without IPC_CREAT;
    IPC_CREAT|IPC_EXCL on an existing key is EEXIST; then the kind's own checks (EINVAL) come
    before the permission check (EACCES). `new_checks()` vets a creation before an id is
    taken, then `create(id, mode)` makes the new object."""
    flags = c_int(flags | mode)  # C passes one int msgflg: a mode's bits past 0777 are flags
    mode = flags & 0o777
    found = None if key == IPC_PRIVATE else next((o for o in objects if o.key == key), None)
    if found is None:
        if key != IPC_PRIVATE and not flags & IPC_CREAT:
            raise SysError(Errno.ENOENT)
        if new_checks is not None:
            new_checks()
        return create(k.new_id(counter, 0), mode)
    if flags & IPC_CREAT and flags & IPC_EXCL:
        raise SysError(Errno.EEXIST)
    if more_checks is not None:
        more_checks(found)
    if not allowed(p, found.owner, found.mode, requested_bits(mode)):
        raise SysError(Errno.EACCES)
    return found


def may_remove(p: Process, obj: IpcObject) -> None:
    """IPC_RMID: the owner or uid 0 only, whatever the mode (EPERM)."""
    if p.uid != 0 and p.uid != obj.owner:
        raise SysError(Errno.EPERM)
