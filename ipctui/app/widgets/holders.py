"""Who holds what: descriptors and waiters, read from engine state for the views."""

from __future__ import annotations

from typing import Any

from ...engine import Kernel, OpenFile
from ...engine.waitq import WaitQueue


def index(kernel: Kernel) -> dict[int, list[tuple[str, int, OpenFile]]]:
    """Every descriptor, grouped by the object its open file refers to (by id)."""
    out: dict[int, list[tuple[str, int, OpenFile]]] = {}
    for p in kernel.procs.values():
        if p.alive:
            for fd, f in p.fds.items():
                obj = f.obj.pipe if f.kind == "pipe" else f.obj
                out.setdefault(id(obj), []).append((p.name, fd, f))
    return out


def waiting(q: WaitQueue | Any) -> tuple[int, ...]:
    """The pids sleeping on a wait queue (for signatures)."""
    return tuple(p.pid for p in q.procs()) if q else ()


def names(q: WaitQueue | Any) -> str:
    """The processes sleeping on a wait queue, oldest first."""
    procs = q.procs() if q else []
    return ", ".join(p.name for p in procs) if procs else "nobody"


def describe_fd(f: OpenFile) -> str:
    """A short name for what a descriptor refers to (process table)."""
    obj = f.obj
    if f.kind == "pipe":
        end = "rw" if f.readable and f.writable else ("r" if f.readable else "w")
        fifo = getattr(obj, "fifo", None)
        return f"fifo{getattr(fifo, 'path', '')}:{end}" if fifo is not None else f"pipe{obj.pipe.id}:{end}"
    if f.kind == "mqueue":
        return f"mq{obj.name}"
    if f.kind == "shm":
        return f"shm{obj.name}"
    if f.kind == "socket":
        return f"{obj.kind.lower()}#{obj.id}"
    return f.kind
