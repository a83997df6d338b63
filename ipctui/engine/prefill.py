"""What a call's form fills in for the selected process, defined with the call.

A mechanism module registers a prefill with its call (`@syscall(..., prefill=...)`): a pure
function of the kernel and the process that returns parameter name -> text as it would be typed.
A call without one gets `default_prefill`: a descriptor of its mechanism's kind when its first
parameter is a descriptor. The app only calls it; nothing here changes the kernel or the process.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..vocab.calls import Param
from ..vocab.mechanisms import BY_NAME

if TYPE_CHECKING:
    from .kernel import Kernel
    from .process import Process

Prefill = Callable[["Kernel", "Process"], dict[str, str]]


def fields(**values: str | None) -> dict[str, str]:
    """The form's fields, leaving out those with nothing suitable to offer (None)."""
    return {name: value for name, value in values.items() if value is not None}


def descriptor(
    p: Process, kinds: tuple[str, ...] | None = None, *, readable: bool = False, writable: bool = False
) -> str | None:
    """The lowest descriptor of `p` whose open file is of one of `kinds` (any kind if None) and
    can be read or written as asked."""
    for fd, f in p.fds.items():
        if (
            (kinds is None or f.kind in kinds)
            and (f.readable or not readable)
            and (f.writable or not writable)
        ):
            return str(fd)
    return None


def newest(ids: Mapping[int, Any]) -> str | None:
    """The highest id of a System V table (the object made last), if there is one."""
    return str(max(ids)) if ids else None


def no_prefill(k: Kernel, p: Process) -> dict[str, str]:
    """A form left empty."""
    return {}


def default_prefill(params: tuple[Param, ...], mechanism: str) -> Prefill:
    """The prefill of a call that registers none: when its first parameter is a descriptor and its
    mechanism's objects are reached through descriptors, the process's first one of that kind."""
    m = BY_NAME.get(mechanism)
    if not params or params[0].kind != "fd" or m is None or not m.makes_files:
        return no_prefill
    name, kinds = params[0].name, (m.name,)

    def prefill(k: Kernel, p: Process) -> dict[str, str]:
        return fields(**{name: descriptor(p, kinds)})

    return prefill
