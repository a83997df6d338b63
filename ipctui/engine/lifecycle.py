"""Process calls: fork, exit, wait, waitpid, getpid."""

from __future__ import annotations

from typing import Any

from .errors import Errno, Exited, SysError
from .kernel import Kernel
from .prefill import fields
from .process import Process
from .syscalls import syscall
from .waitq import CallGen


def _child_name(k: Kernel, p: Process) -> dict[str, str]:
    return {"name": f"{p.name}-child"}


@syscall(
    "fork",
    "name:name",
    mechanism="process",
    summary="copy the caller into a new child process",
    prefill=_child_name,
    reach="all",
    lookup="names",
)
def sys_fork(k: Kernel, p: Process, name: str) -> int:
    return k.new_child(p, name).pid


@syscall(
    "exit", "code:int", mechanism="process", summary="end the caller; its descriptors close", reach="all"
)
def sys_exit(k: Kernel, p: Process, code: int) -> Any:
    raise Exited(code)


@syscall("getpid", mechanism="process", summary="the caller's pid", reach="named")
def sys_getpid(k: Kernel, p: Process) -> int:
    return p.pid


@syscall(
    "wait",
    mechanism="process",
    summary="reap a dead child (the one forked first)",
    reach="all",
    lookup="children",
)
def sys_wait(k: Kernel, p: Process) -> CallGen:
    while True:
        if not p.children:
            raise SysError(Errno.ECHILD)
        for cpid in p.children:
            child = k.procs[cpid]
            if child.zombie:
                return k.reap(p, child)
        yield p.child_wait


def _first_child(k: Kernel, p: Process) -> dict[str, str]:
    """A form on waitpid offers a child that has already ended, else the first child."""
    kids = [k.procs[pid] for pid in p.children]
    child = next((c for c in kids if c.zombie), kids[0] if kids else None)
    return fields(pid=child.name if child is not None else None)


@syscall(
    "waitpid",
    "pid:proc",
    mechanism="process",
    summary="reap one given child",
    prefill=_first_child,
    reach="all",
    lookup="children",
)
def sys_waitpid(k: Kernel, p: Process, pid: int) -> CallGen:
    while True:
        if pid not in p.children:
            raise SysError(Errno.ECHILD)
        child = k.procs[pid]
        if child.zombie:
            return k.reap(p, child)
        yield p.child_wait
