"""The C library, through ctypes: every call of a real run goes through here, so errno comes
straight from the call (no retry on EINTR, no Python wrapper deciding anything)."""

from __future__ import annotations

import ctypes
import ctypes.util
import socket
import struct
from typing import Any

_path = ctypes.util.find_library("c") or "libc.so.6"
libc = ctypes.CDLL(_path, use_errno=True)
try:  # glibc before 2.34 keeps these in librt and libpthread
    libc.mq_open  # noqa: B018
except AttributeError:  # pragma: no cover
    libc = ctypes.CDLL(ctypes.util.find_library("rt") or "librt.so.1", use_errno=True)

c_long, c_int, c_uint, c_size_t, c_ssize_t, c_void_p, c_char_p = (
    ctypes.c_long,
    ctypes.c_int,
    ctypes.c_uint,
    ctypes.c_size_t,
    ctypes.c_ssize_t,
    ctypes.c_void_p,
    ctypes.c_char_p,
)


class MqAttr(ctypes.Structure):
    _fields_ = [
        ("mq_flags", c_long),
        ("mq_maxmsg", c_long),
        ("mq_msgsize", c_long),
        ("mq_curmsgs", c_long),
        ("pad", c_long * 4),  # glibc's struct has room for four more: the kernel writes them
    ]


_DECLARED: dict[str, tuple[Any, tuple[Any, ...]]] = {}


def proto(name: str, restype: Any, *argtypes: Any) -> None:
    """Declare a C function's prototype. The ones the runner, the sandbox and the bench use are
    declared here; a call's own, in its module in ipctui.real.calls. Declaring one twice
    differently is a mistake, caught at import."""
    if _DECLARED.get(name, (restype, argtypes)) != (restype, argtypes):
        raise ValueError(f"{name}() is declared twice with different prototypes")
    _DECLARED[name] = (restype, argtypes)
    fn = getattr(libc, name)
    fn.restype = restype
    fn.argtypes = list(argtypes)


for _name, _res, _args in [
    ("close", c_int, (c_int,)),
    ("mq_open", c_int, (c_char_p, c_int, c_uint, ctypes.POINTER(MqAttr))),
    ("mq_unlink", c_int, (c_char_p,)),
    ("msgget", c_int, (c_int, c_int)),
    ("msgctl", c_int, (c_int, c_int, c_void_p)),
    ("semget", c_int, (c_int, c_int, c_int)),
    ("semctl", c_int, (c_int, c_int, c_int, c_long)),  # the union semun travels as a long
    ("shmget", c_int, (c_int, c_size_t, c_int)),
    ("shmctl", c_int, (c_int, c_int, c_void_p)),
    ("mmap", c_void_p, (c_void_p, c_size_t, c_int, c_int, c_int, c_long)),
    ("munmap", c_int, (c_void_p, c_size_t)),
    ("sem_init", c_int, (c_void_p, c_int, c_uint)),
    ("sem_wait", c_int, (c_void_p,)),
    ("sem_post", c_int, (c_void_p,)),
    ("unshare", c_int, (c_int,)),
    ("prctl", c_int, (c_int, c_long, c_long, c_long, c_long)),
    ("mount", c_int, (c_char_p, c_char_p, c_char_p, ctypes.c_ulong, c_char_p)),
]:
    proto(_name, _res, *_args)

MAP_FAILED = ctypes.c_void_p(-1).value
PROT_NONE, PROT_READ, PROT_WRITE = 0, 1, 2
MAP_SHARED, MAP_PRIVATE, MAP_FIXED, MAP_ANONYMOUS, MAP_NORESERVE = 1, 2, 0x10, 0x20, 0x4000
IPC_RMID = 0
CLONE_NEWNET = 0x40000000
PR_SET_CHILD_SUBREAPER = 36
SOL_SOCKET, SO_TYPE, SO_DOMAIN = 1, 3, 39


class CallFailed(Exception):
    """A call returned -1: `errno` is what the kernel said."""

    def __init__(self, errno: int) -> None:
        super().__init__(errno)
        self.errno = errno


def check(result: int) -> int:
    """The result of a call that signals failure with -1 (errno read at once)."""
    if result == -1:
        raise CallFailed(ctypes.get_errno())
    return result


def check_ptr(result: int | None, failed: int | None) -> int:
    if result is None or result == failed:
        raise CallFailed(ctypes.get_errno())
    return result


def sockaddr_in(host: str, port: int) -> bytes:
    return struct.pack("=HH4s8x", socket.AF_INET, socket.htons(port), socket.inet_aton(host))


def sockaddr_un(path: bytes) -> bytes:
    return struct.pack("=H", socket.AF_UNIX) + path + b"\0"


def parse_sockaddr(raw: bytes) -> tuple[int, str | bytes, int]:
    """(family, host or path, port) from a sockaddr a call filled in."""
    if len(raw) < 2:
        return socket.AF_UNIX, b"", 0
    (family,) = struct.unpack_from("=H", raw)
    if family == socket.AF_INET:
        port, addr = struct.unpack_from("!H4s", raw, 2)
        return family, socket.inet_ntoa(addr), port
    return family, raw[2:].split(b"\0", 1)[0], 0
