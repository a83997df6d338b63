"""The table of calls: each mechanism module registers its calls here with their signatures.

A signature lists each parameter's kind, so the script layer can convert and check arguments
before the kernel sees them (kinds are listed in `KINDS`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..vocab.calls import KINDS, Param
from .prefill import Prefill, default_prefill, no_prefill


@dataclass(frozen=True)
class Syscall:
    """One call of the script language: its handler, signature and signal behaviour."""

    name: str
    fn: Callable[..., Any]
    params: tuple[Param, ...]
    keywords: dict[str, str] = field(default_factory=dict)
    mechanism: str = ""
    summary: str = ""
    restartable: bool = True  # SA_RESTART restarts it when a caught signal interrupts it
    interruptible: bool = True  # False: a caught signal never ends the wait (a mutex lock)
    eintr_after_stop: bool = False  # a stop and SIGCONT end the wait with EINTR (Linux's semop)
    own_wake_order: bool = False  # its mechanism decides the order its sleepers wake in (semop)
    no_real: str = ""  # why the real run cannot make this call, if it cannot (shown as "cannot run here")
    prefill: Prefill = no_prefill  # what its form fills in for a process (engine/prefill.py)
    # what a line may change besides what it names, for explore's independence: "named" only
    # that, "files" also the caller's open files, "all" anything (a death, a signal, a fork)
    reach: str = "files"
    # the tables a line looks something up in: "names" (names, keys, processes), "ids" (a System
    # V id: one a get makes or an IPC_RMID removes changes its answer), "children" (the
    # caller's children), or none
    lookup: str = ""

    @property
    def required(self) -> int:
        return sum(1 for p in self.params if not p.optional)

    @cached_property
    def defaults(self) -> tuple[Any, ...]:
        """The value each optional parameter takes when left out, as the simulation gives it (C has
        none): the real kernel fills left-out arguments with these so both kernels see the same call."""
        params = inspect.signature(self.fn).parameters
        return tuple(params[p.name].default if p.optional else None for p in self.params)

    def usage(self) -> str:
        parts = [p.name + ("?" if p.optional else "") for p in self.params]
        parts += [f"{k}=" for k in self.keywords]
        return f"{self.name}({', '.join(parts)})"


SYSCALLS: dict[str, Syscall] = {}
REACHES = ("named", "files", "all")
LOOKUPS = ("", "names", "ids", "children")

__all__ = ["KINDS", "SYSCALLS", "Param", "Syscall", "syscall"]


def syscall(
    name: str,
    params: str = "",
    *,
    keywords: dict[str, str] | None = None,
    mechanism: str = "",
    summary: str = "",
    restartable: bool = True,
    interruptible: bool = True,
    eintr_after_stop: bool = False,
    own_wake_order: bool = False,
    no_real: str = "",
    prefill: Prefill | None = None,
    reach: str = "files",
    lookup: str = "",
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a call. `params` is "name:kind, name:kind?" (a trailing ? makes it optional);
    `prefill` is what its form fills in (engine/prefill.py), the default if not given; `reach`
    and `lookup` tell explore what a line of it may change and read (see Syscall)."""
    assert reach in REACHES and lookup in LOOKUPS, (name, reach, lookup)

    parsed: list[Param] = []
    for item in filter(None, (s.strip() for s in params.split(","))):
        pname, kind = item.split(":")
        optional = kind.endswith("?")
        kind = kind.rstrip("?")
        assert kind in KINDS, kind
        parsed.append(Param(pname, kind, optional))

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        SYSCALLS[name] = Syscall(
            name,
            fn,
            tuple(parsed),
            dict(keywords or {}),
            mechanism,
            summary,
            restartable,
            interruptible,
            eintr_after_stop,
            own_wake_order,
            no_real,
            prefill or default_prefill(tuple(parsed), mechanism),
            reach,
            lookup,
        )
        return fn

    return register
