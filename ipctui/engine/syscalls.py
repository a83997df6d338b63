"""The table of calls: each mechanism module registers its calls here with their signatures.

A signature lists each parameter's kind, so the script layer can convert and check arguments
before the kernel sees them (kinds are listed in `KINDS`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

KINDS = {
    "int": "an integer",
    "fd": "a descriptor number",
    "bytes": "a string",
    "str": "a string",
    "flags": "flags such as O_RDWR|O_CREAT, or an integer",
    "sig": "a signal such as SIGUSR1, or its number",
    "proc": "a process name or pid",
    "name": "a process name in quotes",
    "handler": "SIG_DFL, SIG_IGN or a handler name in quotes",
    "siglist": "a list of signals such as [SIGUSR1]",
    "const": "a constant such as SIG_BLOCK, or an integer",
    "semops": "a list of operations such as [[0, -1, SEM_UNDO], [1, 1]]",
    "semarg": "an integer, or a list of integers for SETALL",
    "seg": "a segment's name in quotes, or a System V shmid",
}


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    kind: str
    optional: bool = False


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

    @property
    def required(self) -> int:
        return sum(1 for p in self.params if not p.optional)

    def usage(self) -> str:
        parts = [p.name + ("?" if p.optional else "") for p in self.params]
        parts += [f"{k}=" for k in self.keywords]
        return f"{self.name}({', '.join(parts)})"


SYSCALLS: dict[str, Syscall] = {}


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
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a call. `params` is "name:kind, name:kind?" (a trailing ? makes it optional)."""

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
        )
        return fn

    return register
