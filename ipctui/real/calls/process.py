"""Processes, for real: fork, exit, getpid, wait, waitpid. Pids are renumbered as the simulation
numbers them (the supervisor keeps both numbers of every process)."""

from __future__ import annotations

import ctypes
import os
import resource
import socket
from ctypes import POINTER as P
from ctypes import c_int
from typing import TYPE_CHECKING, Any

from ...vocab.constants import SIGNAL_NAMES
from ..libc import check, libc, proto
from ..limits import CHANNEL_FD, LIMIT_PROCESSES, MAX_PROCESSES, CannotCall, CannotRun
from .registry import FORKED, Line, real

if TYPE_CHECKING:
    from ..worker import Worker

proto("getpid", c_int)
proto("wait", c_int, P(c_int))
proto("waitpid", c_int, c_int, P(c_int), c_int)


@real("fork")
def fork(w: Worker) -> Any:
    """The child keeps the worker (its mappings and handles are copies) and answers on the
    channel that came with the line, moved to the same number as its parent's."""
    if len(w.received) != 1:
        raise CannotCall("fork came without the child's channel")
    chan_fd = w.received.pop()
    pid = os.fork()
    if pid == 0:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)  # past the limit: only raised
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # for this dup2
        os.dup2(chan_fd, CHANNEL_FD)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
        os.close(chan_fd)
        return FORKED
    os.close(chan_fd)
    return pid


@fork.before
def _fork_channel(line: Line) -> None:
    if line.sup.live() >= MAX_PROCESSES:
        raise CannotRun(LIMIT_PROCESSES)
    child, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    child.setblocking(False)
    line.fds = [os.dup(theirs.fileno())]
    theirs.close()
    line.child = child
    line.rargs = []  # the child's name is the script's alone


@fork.after
def _adopt(line: Line, value: int) -> int:
    assert line.child is not None
    return line.sup.adopt(line.proc, line.args[0], value, line.child).pid


@real("exit")
def exit_(w: Worker, code: int) -> None:
    os._exit(code & 0xFF)


@exit_.before
def _exit_code(line: Line) -> None:
    line.proc.exit_code = line.args[0] & 0xFF


@real("getpid")
def getpid(w: Worker) -> int:
    return libc.getpid()


@getpid.after
def _sim_pid(line: Line, value: int) -> int:
    return line.sup.sim_pid(value, value)


def _reaped(line: Line, value: list[int]) -> list[Any]:
    """[pid, code or signal name] in the script's numbering; the child is gone for good."""
    real_pid, status = value
    pid = line.sup.sim_pid(real_pid, 0)
    c = line.sup.procs.get(pid)
    if c is not None:
        line.sup.forget(c)
    if os.WIFSIGNALED(status):
        return [pid, SIGNAL_NAMES.get(os.WTERMSIG(status), str(os.WTERMSIG(status)))]
    return [pid, os.WEXITSTATUS(status)]


def _real_target(line: Line) -> None:
    line.rargs[0] = line.sup.real_pid(line.args[0])


@real("wait", reaps=True, after=_reaped)
def wait(w: Worker) -> list[int]:
    status = ctypes.c_int()
    pid = check(libc.wait(ctypes.byref(status)))
    return [pid, status.value]


@real("waitpid", reaps=True, before=_real_target, after=_reaped)
def waitpid(w: Worker, pid: int) -> list[int]:
    status = ctypes.c_int()
    got = check(libc.waitpid(pid, ctypes.byref(status), 0))
    return [got, status.value]
