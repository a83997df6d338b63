"""Worker-side helpers for the calls that touch memory (shm, sysv_shm): mappings kept between
no-access pages, so a stray access faults as the SPEC has it, and the hidden mutex each segment's
lock calls use. Not a mechanism: it registers no call."""

from __future__ import annotations

import ctypes
import os
import signal
from ctypes import c_char_p, c_int, c_long, c_uint, c_void_p
from typing import TYPE_CHECKING

from .. import libc as L
from ..libc import CallFailed, check, libc, proto
from ..limits import PAGE, CannotCall
from .signals import caught

if TYPE_CHECKING:
    from ..worker import Worker

proto("shm_open", c_int, c_char_p, c_int, c_uint)
proto("ftruncate", c_int, c_int, c_long)
proto("pthread_mutexattr_init", c_int, c_void_p)
proto("pthread_mutexattr_settype", c_int, c_void_p, c_int)
proto("pthread_mutexattr_setpshared", c_int, c_void_p, c_int)
proto("pthread_mutex_init", c_int, c_void_p, c_void_p)
proto("pthread_mutex_lock", c_int, c_void_p)
proto("pthread_mutex_trylock", c_int, c_void_p)
proto("pthread_mutex_unlock", c_int, c_void_p)

GUARD = 16 * PAGE  # no-access pages around each mapping
PTHREAD_MUTEX_ERRORCHECK, PTHREAD_PROCESS_SHARED = 2, 1


def map_anonymous(length: int, prot: int, at: int | None = None) -> int:
    """Private anonymous pages (at `at`, replacing what is there): a hole that faults."""
    flags = L.MAP_PRIVATE | L.MAP_ANONYMOUS | L.MAP_NORESERVE | (L.MAP_FIXED if at else 0)
    addr = libc.mmap(at, length, prot, flags, -1, 0)
    if addr in (None, L.MAP_FAILED):
        raise CallFailed(ctypes.get_errno())
    return addr


def may_fault() -> None:
    """A fault under a handler that returns faults again forever (Linux restarts the
    instruction); the simulation ends the process instead, so that is not run."""
    for sig in (signal.SIGSEGV, signal.SIGBUS):
        if signal.getsignal(sig) is caught:
            name = signal.Signals(sig).name
            raise CannotCall(f"this access may fault, and {name} has a handler that would return into it")


def mutex(w: Worker, ident: str) -> int:
    """The process-shared mutex of a segment, in a hidden segment of its own (so the segment's
    bytes are the script's alone); the first process to ask makes it."""
    hidden = f"/{w.prefix}lock-{ident}".encode()
    created = True
    fd = libc.shm_open(hidden, 0o102 | 0o200, 0o666)  # O_CREAT|O_RDWR|O_EXCL
    if fd == -1:
        created = False
        fd = check(libc.shm_open(hidden, 0o2, 0))
    try:
        if created:
            check(libc.ftruncate(fd, PAGE))
        addr = libc.mmap(None, PAGE, L.PROT_READ | L.PROT_WRITE, L.MAP_SHARED, fd, 0)
        if addr in (None, L.MAP_FAILED):
            raise CallFailed(ctypes.get_errno())
    finally:
        libc.close(fd)
    if created:
        attr = ctypes.create_string_buffer(16)
        libc.pthread_mutexattr_init(attr)
        libc.pthread_mutexattr_settype(attr, PTHREAD_MUTEX_ERRORCHECK)
        libc.pthread_mutexattr_setpshared(attr, PTHREAD_PROCESS_SHARED)
        libc.pthread_mutex_init(addr, attr)
    return addr


def pthread(rc: int) -> int:
    """pthread calls return the error number instead of setting errno."""
    if rc:
        raise CallFailed(rc)
    return 0


def fstat(fd: int) -> os.stat_result | None:
    try:
        return os.fstat(fd)
    except OSError:
        return None
