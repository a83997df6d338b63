"""POSIX semaphores, for real: sem_open, sem_wait, sem_trywait, sem_post, sem_getvalue,
sem_close, sem_unlink. glibc hands back the same sem_t for a name already open, so a worker's
handle table only numbers the pointers it returns."""

from __future__ import annotations

import ctypes
from ctypes import POINTER as P
from ctypes import c_char_p, c_int, c_uint, c_void_p
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .. import libc as L
from ..libc import check, libc, proto
from ..limits import CannotCall
from .registry import ipc_name, real

if TYPE_CHECKING:
    from ..worker import Worker

proto("sem_open", c_void_p, c_char_p, c_int, c_uint, c_uint)
proto("sem_close", c_int, c_void_p)
proto("sem_unlink", c_int, c_char_p)
proto("sem_trywait", c_int, c_void_p)
proto("sem_getvalue", c_int, c_void_p, P(c_int))


@dataclass
class Handles:
    """handle -> [sem_t pointer, opens]"""

    sems: dict[int, list[int]] = field(default_factory=dict)

    def pointer(self, h: int) -> int:
        entry = self.sems.get(h)
        if entry is None:
            raise CannotCall(f"handle {h} is not open in this process (glibc would follow a wild pointer)")
        return entry[0]


@real("sem_open", before=ipc_name)
def sem_open(w: Worker, name: bytes, flags: int, value: int = 1, mode: int = 0o600) -> int:
    ptr = L.check_ptr(libc.sem_open(name, flags, mode, value), 0)
    sems = w.kept(Handles).sems
    for h, entry in sems.items():
        if entry[0] == ptr:
            entry[1] += 1
            return h
    h = next(i for i in range(1, len(sems) + 2) if i not in sems)
    sems[h] = [ptr, 1]
    return h


@real("sem_close")
def sem_close(w: Worker, sem: int) -> int:
    sems = w.kept(Handles).sems
    entry = sems.get(sem)
    check(libc.sem_close(entry[0] if entry else w.nowhere))  # glibc: EINVAL for a stranger
    assert entry is not None
    entry[1] -= 1
    if entry[1] == 0:
        del sems[sem]
    return 0


@real("sem_wait")
def sem_wait(w: Worker, sem: int) -> int:
    return check(libc.sem_wait(w.kept(Handles).pointer(sem)))


@real("sem_trywait")
def sem_trywait(w: Worker, sem: int) -> int:
    return check(libc.sem_trywait(w.kept(Handles).pointer(sem)))


@real("sem_post")
def sem_post(w: Worker, sem: int) -> int:
    return check(libc.sem_post(w.kept(Handles).pointer(sem)))


@real("sem_getvalue")
def sem_getvalue(w: Worker, sem: int) -> int:
    value = ctypes.c_int()
    check(libc.sem_getvalue(w.kept(Handles).pointer(sem), ctypes.byref(value)))
    return value.value


@real("sem_unlink", before=ipc_name)
def sem_unlink(w: Worker, name: bytes) -> int:
    return check(libc.sem_unlink(name))
