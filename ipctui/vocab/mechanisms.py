"""The mechanisms: each is one object with one name, instead of parallel lists in the picker, the
help, the panes and the routing of lines to panes.

`name` is what a call's registration gives as its mechanism and what a descriptor of that
mechanism gives as its kind; `pane` is the pane that shows its objects (None: only the process
table does); the order here is the order of the picker and the help.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Mechanism:
    name: str
    title: str
    pane: str | None
    makes_files: bool = False  # its objects are reached through descriptors (pipe, socket, ...)


MECHANISMS: tuple[Mechanism, ...] = (
    Mechanism("process", "Processes", None),
    Mechanism("signals", "Signals", "signals"),
    Mechanism("pipe", "Pipes", "pipes", makes_files=True),
    Mechanism("fifo", "FIFOs (named pipes)", "pipes"),
    Mechanism("files", "Any descriptor", "pipes"),
    Mechanism("mqueue", "POSIX message queues", "queues", makes_files=True),
    Mechanism("sysv_msg", "System V message queues", "queues"),
    Mechanism("shm", "Shared memory (and its lock)", "memory", makes_files=True),
    Mechanism("sem", "POSIX semaphores", "semaphores"),
    Mechanism("socket", "Sockets", "sockets", makes_files=True),
)

BY_NAME: dict[str, Mechanism] = {m.name: m for m in MECHANISMS}


def mechanism(name: str) -> Mechanism:
    """The mechanism of that name (a call's `mechanism`, or a descriptor's `kind`)."""
    return BY_NAME[name]


def order(name: str) -> int:
    """Where a mechanism comes in the picker and the help."""
    return MECHANISMS.index(BY_NAME[name])


__all__ = ["BY_NAME", "MECHANISMS", "Mechanism", "mechanism", "order"]
