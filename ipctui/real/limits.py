"""The bounds of a real run, in one place: the supervisor enforces some, each worker sets the
others on itself, and the calls check the ones C cannot say (a buffer's size)."""

from __future__ import annotations

import os

FD_LIMIT = 1024  # RLIMIT_NOFILE: the descriptors a script's process may have
CHANNEL_FD = 1100  # above FD_LIMIT: no descriptor a script names can be it
MEMORY_LIMIT = 256 << 20  # RLIMIT_AS of each process of the run, on top of the image it inherits
FILE_LIMIT = 64 << 20  # RLIMIT_FSIZE
MAX_PROCESSES = 64  # per run: a fork or spawn past it is a line that cannot run here
PAGE = os.sysconf("SC_PAGE_SIZE")

LIMIT_PROCESSES = f"the run's limit of {MAX_PROCESSES} processes"
NO_SYS_RESOURCE = "this machine's root lacks CAP_SYS_RESOURCE, which uid 0 needs"
SANDBOX_NO_SYS_RESOURCE = (
    "uid 0 of the sandbox lacks CAP_SYS_RESOURCE (Linux asks for it in the machine's first user "
    "namespace, where the sandbox's root is nobody), which uid 0 needs"
)


class CannotRun(Exception):
    """A line this machine cannot run for real (root needed, a size it cannot scale, ...)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CannotCall(Exception):
    """In a worker: a call this machine cannot make as the script asks (said so, never faked)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RunBroken(Exception):
    """The run cannot go on (a worker sent what no worker sends): it ends with this message."""


def buffer(n: int, scale: int = 1) -> None:
    """A buffer of n script bytes (each `scale` real ones) that a worker may allocate."""
    if n < 0:
        raise CannotCall(f"a buffer of {n} bytes (C would pass a size_t, and a buffer that size)")
    if n * scale > MEMORY_LIMIT // 2:
        raise CannotCall(
            f"a buffer of {n} bytes: the run's limit of {MEMORY_LIMIT >> 20} MiB memory per process"
        )


def proc_limit(name: str) -> int:
    """A limit from /proc/sys/fs (read by the runner, outside the sandbox)."""
    try:
        with open(f"/proc/sys/fs/{name}") as f:
            return int(f.read())
    except (OSError, ValueError):
        return 1 << 62


def capable(cap: int) -> bool:
    """Whether this process has a capability in its effective set."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("CapEff:"):
                return bool(int(line.split()[1], 16) >> cap & 1)
    return False
