"""What a call looks like from outside a kernel: its parameters' kinds, its signature, and the
interface both kernels offer the script runner.

The simulated kernel registers its calls (`ipctui.engine.syscalls.SYSCALLS`); the real kernel is
handed that table as `Mapping[str, CallSignature]`, so it reads signatures and defaults without
importing the simulation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from .events import Event

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
}


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    kind: str
    optional: bool = False


class CallSignature(Protocol):
    """A call's signature as both kernels and the script layer read it."""

    @property
    def name(self) -> str: ...
    @property
    def params(self) -> tuple[Param, ...]: ...
    @property
    def keywords(self) -> dict[str, str]: ...
    @property
    def mechanism(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def defaults(self) -> tuple[Any, ...]: ...
    @property
    def no_real(self) -> str: ...


class ProcessView(Protocol):
    """What the runner needs to know of a process: its pid."""

    @property
    def pid(self) -> int: ...


class KernelAPI(Protocol):
    """The interface the script runner drives: the simulated kernel and the real one both offer it."""

    def spawn(self, name: str, uid: int = 1000, tag: Any = None) -> list[Event]: ...

    def call(
        self,
        ref: int | str,
        name: str,
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
        tag: Any = None,
    ) -> list[Event]: ...

    def process(self, ref: int | str) -> ProcessView | None: ...


def with_defaults(spec: CallSignature, args: tuple[Any, ...]) -> tuple[Any, ...]:
    """Positional arguments left out, filled with the values the simulation gives them."""
    if len(args) >= len(spec.params):
        return args
    return args + spec.defaults[len(args) :]


__all__ = ["KINDS", "CallSignature", "KernelAPI", "Param", "ProcessView", "with_defaults"]
