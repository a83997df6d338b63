"""Errno values and their strerror texts, and the usage error: the words both kernels speak."""

from __future__ import annotations

from enum import IntEnum


class Errno(IntEnum):
    """Linux x86-64 errno numbers for every error the simulated kernel can return."""

    EPERM = 1
    ENOENT = 2
    ESRCH = 3
    EINTR = 4
    ENXIO = 6
    E2BIG = 7
    EBADF = 9
    ECHILD = 10
    EAGAIN = 11
    ENOMEM = 12
    EACCES = 13
    EFAULT = 14
    EBUSY = 16
    EEXIST = 17
    ENODEV = 19
    ENOTDIR = 20
    EISDIR = 21
    EINVAL = 22
    EFBIG = 27
    EMFILE = 24
    ESPIPE = 29
    EPIPE = 32
    ERANGE = 34
    EOVERFLOW = 75
    EDEADLK = 35
    ENAMETOOLONG = 36
    ENOMSG = 42
    EIDRM = 43
    ENOTSOCK = 88
    EDESTADDRREQ = 89
    EMSGSIZE = 90
    EPROTOTYPE = 91
    EPROTONOSUPPORT = 93
    ESOCKTNOSUPPORT = 94
    EOPNOTSUPP = 95
    EAFNOSUPPORT = 97
    EADDRINUSE = 98
    EADDRNOTAVAIL = 99
    ENETUNREACH = 101
    ECONNABORTED = 103
    ECONNRESET = 104
    EISCONN = 106
    ENOTCONN = 107
    ECONNREFUSED = 111
    EALREADY = 114
    EINPROGRESS = 115

    @property
    def text(self) -> str:
        """glibc's strerror text, fixed here so traces do not depend on the host's locale."""
        return STRERROR[self]


STRERROR: dict[Errno, str] = {
    Errno.EPERM: "Operation not permitted",
    Errno.ENOENT: "No such file or directory",
    Errno.ESRCH: "No such process",
    Errno.EINTR: "Interrupted system call",
    Errno.ENXIO: "No such device or address",
    Errno.E2BIG: "Argument list too long",
    Errno.EBADF: "Bad file descriptor",
    Errno.ECHILD: "No child processes",
    Errno.EAGAIN: "Resource temporarily unavailable",
    Errno.ENOMEM: "Cannot allocate memory",
    Errno.EACCES: "Permission denied",
    Errno.EFAULT: "Bad address",
    Errno.EBUSY: "Device or resource busy",
    Errno.EEXIST: "File exists",
    Errno.ENODEV: "No such device",
    Errno.ENOTDIR: "Not a directory",
    Errno.EISDIR: "Is a directory",
    Errno.EINVAL: "Invalid argument",
    Errno.EMFILE: "Too many open files",
    Errno.EFBIG: "File too large",
    Errno.ESPIPE: "Illegal seek",
    Errno.EPIPE: "Broken pipe",
    Errno.ERANGE: "Numerical result out of range",
    Errno.EDEADLK: "Resource deadlock avoided",
    Errno.EOVERFLOW: "Value too large for defined data type",
    Errno.ENAMETOOLONG: "File name too long",
    Errno.ENOMSG: "No message of desired type",
    Errno.EIDRM: "Identifier removed",
    Errno.ENOTSOCK: "Socket operation on non-socket",
    Errno.EDESTADDRREQ: "Destination address required",
    Errno.EMSGSIZE: "Message too long",
    Errno.EPROTOTYPE: "Protocol wrong type for socket",
    Errno.EPROTONOSUPPORT: "Protocol not supported",
    Errno.ESOCKTNOSUPPORT: "Socket type not supported",
    Errno.EOPNOTSUPP: "Operation not supported",
    Errno.EAFNOSUPPORT: "Address family not supported by protocol",
    Errno.EADDRINUSE: "Address already in use",
    Errno.EADDRNOTAVAIL: "Cannot assign requested address",
    Errno.ENETUNREACH: "Network is unreachable",
    Errno.ECONNABORTED: "Software caused connection abort",
    Errno.ECONNRESET: "Connection reset by peer",
    Errno.EISCONN: "Transport endpoint is already connected",
    Errno.ENOTCONN: "Transport endpoint is not connected",
    Errno.ECONNREFUSED: "Connection refused",
    Errno.EALREADY: "Operation already in progress",
    Errno.EINPROGRESS: "Operation now in progress",
}


def check_runnable(
    ref: int | str, name: str | None, zombie: bool, stopped: bool, blocked: str | None
) -> None:
    """The usage error for a line naming a process that cannot make a call now (SPEC section 2:
    a line for a process that is blocked, stopped or dead is a script error), one wording for
    the simulated kernel and the real one."""
    if name is None:
        what = f"pid {ref}" if isinstance(ref, int) else f"process named {ref}"
        raise UsageError(f"there is no {what}")
    if zombie:
        raise UsageError(f"{name} is a zombie (dead, not yet waited for): it makes no calls")
    if stopped:
        raise UsageError(f"{name} is stopped: send it SIGCONT first")
    if blocked is not None:
        raise UsageError(f"{name} is blocked in {blocked}(): it can make no call until it resumes")


class UsageError(Exception):
    """The request itself is invalid (not an errno): the script runner reports it as a script error."""
