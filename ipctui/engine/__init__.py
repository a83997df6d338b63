"""The simulated kernel: pure Python, deterministic, no UI imports.

Importing this package registers every mechanism's calls in `SYSCALLS`.
"""

from ..vocab.events import Event
from . import (  # noqa: F401  (each registers its calls)
    fifo,
    files,
    lifecycle,
    mqueue,
    pipe,
    sem,
    shm,
    signals,
    socket,
    sockio,
    sysv_msg,
)
from .errors import Errno, SysError, UsageError
from .kernel import BLOCKED, Kernel
from .process import OpenFile, Process
from .syscalls import SYSCALLS, Param, Syscall

__all__ = [
    "BLOCKED",
    "SYSCALLS",
    "Errno",
    "Event",
    "Kernel",
    "OpenFile",
    "Param",
    "Process",
    "SysError",
    "Syscall",
    "UsageError",
]
