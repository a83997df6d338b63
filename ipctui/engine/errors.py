"""The exceptions that carry outcomes inside the simulated kernel; the errno names are shared
with the real kernel and live in `ipctui.vocab.errors`."""

from __future__ import annotations

from ..vocab.errors import STRERROR, Errno, UsageError, check_runnable


class SysError(Exception):
    """A call failed with an errno: the line shows `-1 ERRNO (text)`."""

    def __init__(self, errno: Errno) -> None:
        super().__init__(errno.name)
        self.errno = errno


class Fault(Exception):
    """A memory access hit no mapping: the line shows `= ?` and the signal kills the process."""

    def __init__(self, signal: int) -> None:
        super().__init__(signal)
        self.signal = signal


class Exited(Exception):
    """`exit(code)`: the line shows `= ?`, then the process dies."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class NoReturn(Exception):
    """The call never returns (it killed its own process): the line shows `= ?`; the death is
    already on its way."""


class Interrupted(Exception):
    """Thrown into a blocked call when a caught signal arrives; a call may catch it to return early."""

    def __init__(self, signal: int) -> None:
        super().__init__(signal)
        self.signal = signal


__all__ = ["STRERROR", "Errno", "Exited", "Fault", "Interrupted", "SysError", "UsageError", "check_runnable"]
