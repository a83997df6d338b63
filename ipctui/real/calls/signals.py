"""Signals, for real: kill, signal, sigprocmask, sigpending, pause. A caught signal is reported
by the worker's C-level handler (the interpreter's wakeup fd), so the Python handler does
nothing."""

from __future__ import annotations

import ctypes
import os
import signal
from ctypes import c_int, c_void_p
from typing import TYPE_CHECKING, Any

from ...vocab.constants import SIGCONT, SIGNAL_NAMES, STOP_SIGNALS
from .. import libc as L
from ..libc import CallFailed, check, libc, proto
from ..limits import CannotRun
from .registry import Line, real

if TYPE_CHECKING:
    from ..worker import Worker

proto("kill", c_int, c_int, c_int)
proto("signal", c_void_p, c_int, c_void_p)
proto("pause", c_int)

ALL_SIGNALS = set(range(1, 32)) - {signal.SIGKILL, signal.SIGSTOP}


def caught(signum: int, frame: Any) -> None:  # the C-level handler already reported it
    pass


def not_realtime(sig: object) -> None:
    """The simulation's signals are 1-31 (32-64 are EINVAL there); Linux would deliver one."""
    if isinstance(sig, int) and 32 <= sig <= 64:
        raise CannotRun(f"signal {sig} is a real-time signal, which the simulation does not model")


@real("kill")
def kill(w: Worker, pid: int, sig: int) -> int:
    return check(libc.kill(pid, sig))


@kill.before
def _kill(line: Line) -> None:
    target, sig = line.args[0], line.args[1]
    not_realtime(sig)
    line.rargs[0] = line.sup.real_pid(target)
    if line.rargs[0] == line.proc.real:
        line.rkw["_defer"] = sorted(ALL_SIGNALS)  # its own signal follows its line
    line.sent = (line.rargs[0], sig)  # who it may end, and how
    line.target = target
    line.shows_cont = sig == SIGCONT


@kill.succeeded_silently
def _stopped_itself(line: Line, seen: list[Any]) -> bool:
    """It stopped on the way out of its own kill: the kill had succeeded (its reply, sent when
    it continues, is not a line of its own)."""
    p = line.proc
    return p.stopped and line.args[0] == p.pid and line.args[1] in STOP_SIGNALS


@real("signal")
def signal_(w: Worker, sig: int, handler: str, sa_restart: int = 0) -> int:
    try:
        if handler == "SIG_DFL":
            signal.signal(sig, signal.SIG_DFL)
        elif handler == "SIG_IGN":
            signal.signal(sig, signal.SIG_IGN)
        else:
            signal.signal(sig, caught)
            signal.siginterrupt(sig, not sa_restart)
    except OSError as e:
        raise CallFailed(e.errno or 22) from None
    except ValueError:  # a number Python will not take: let the kernel say what it thinks
        if libc.signal(sig, 1) == L.MAP_FAILED:  # SIG_IGN (SIG_ERR is the same -1 as MAP_FAILED)
            raise CallFailed(ctypes.get_errno()) from None
    return 0


@signal_.before
def _signal(line: Line) -> None:
    not_realtime(line.args[0])


@signal_.after
def _handler(line: Line, value: int) -> int:
    h = line.args[1]
    line.proc.handlers[line.args[0]] = h if h in ("SIG_DFL", "SIG_IGN") else "handler"
    return value


@real("sigprocmask")
def sigprocmask(w: Worker, how: int, sigs: list[int]) -> int:
    try:
        signal.pthread_sigmask(how, sigs)
    except OSError as e:
        raise CallFailed(e.errno or 22) from None
    return 0


@sigprocmask.succeeded_silently
def _died_unblocking(line: Line, seen: list[Any]) -> bool:
    """It died of a signal that this call unblocked, on its way out: the call had succeeded."""
    status = next((v for _q, kind, v in seen if kind == "death"), None)
    return line.proc.sock is None and status is not None and os.WIFSIGNALED(status)


@real("sigpending")
def sigpending(w: Worker) -> list[int]:
    return sorted(int(s) for s in signal.sigpending())


@sigpending.after
def _names(line: Line, value: list[int]) -> list[str]:
    return [SIGNAL_NAMES.get(s, str(s)) for s in value]


@real("pause")
def pause(w: Worker) -> int:
    return check(libc.pause())
