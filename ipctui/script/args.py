"""A call's arguments as written to what the engine takes: checked against the call's
signature in the registry (count, keywords, kinds), constants and signals resolved, processes
named kept as ProcRef until the line runs; and a suggestion for a misspelt call."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..engine.syscalls import KINDS, SYSCALLS, Param, Syscall
from ..vocab.constants import CONSTANTS, SIGNALS
from .lex import ScriptError, int_literal
from .values import Sym, fmt


@dataclass(frozen=True, slots=True)
class ProcRef:
    """A process named in an argument; the runner turns it into a pid when the line runs."""

    ref: str | int


def suggest(name: str) -> str:
    """`: did you mean X()?` for the nearest known call, or nothing."""
    close = difflib.get_close_matches(name, SYSCALLS, n=1)
    return f": did you mean {close[0]}()?" if close else ""


def convert(
    spec: Syscall, args: list[Any], kwargs: Iterable[tuple[str, Any]], lineno: int
) -> tuple[list[Any], dict[str, Any]]:
    """Check the arguments against the call's signature and convert them for the engine."""
    n, lo, hi = len(args), spec.required, len(spec.params)
    if not lo <= n <= hi:
        want = f"{lo}" if lo == hi else f"{lo} to {hi}"
        noun = "argument" if hi == 1 else "arguments"
        raise ScriptError(f"{spec.usage()} takes {want} {noun}, got {n}", lineno)
    out = [_convert(spec, param, a, lineno) for param, a in zip(spec.params, args, strict=False)]
    kw: dict[str, Any] = {}
    for key, value in kwargs:
        kind = spec.keywords.get(key)
        if kind is None:
            known = ", ".join(f"{k}=" for k in spec.keywords) or "none"
            raise ScriptError(f"{spec.name}() has no keyword {key}= (it takes: {known})", lineno)
        kw[key] = _convert(spec, Param(key, kind), value, lineno)
    return out, kw


def _bad(spec: Syscall, param: Param, value: Any, lineno: int) -> ScriptError:
    return ScriptError(f"{spec.name}(): {param.name} must be {KINDS[param.kind]}, not {fmt(value)}", lineno)


def _constant(spec: Syscall, sym: Sym, lineno: int) -> int:
    """`O_CREAT|O_RDWR`, `IPC_CREAT|0600`: the parts or'ed together."""
    total = 0
    for part in sym.parts:
        if not part[0].isalpha() and part[0] != "_":
            total |= int_literal(part)
        elif part in CONSTANTS:
            total |= CONSTANTS[part]
        else:
            raise ScriptError(f"{spec.name}(): unknown constant {part}", lineno)
    return total


def _convert(spec: Syscall, param: Param, value: Any, lineno: int) -> Any:
    kind = param.kind
    if kind in ("int", "fd"):
        if isinstance(value, int):
            return value
    elif kind == "bytes":
        if isinstance(value, bytes):
            return value
    elif kind in ("str", "name"):
        if isinstance(value, bytes):
            return value.decode("utf-8", "surrogateescape")
    elif kind in ("flags", "const"):
        if isinstance(value, int):
            return value
        if isinstance(value, Sym):
            return _constant(spec, value, lineno)
    elif kind == "sig":
        if isinstance(value, int):
            return value
        if isinstance(value, Sym) and value.name is not None:
            if value.name not in SIGNALS:
                raise ScriptError(f"{spec.name}(): unknown signal {value.name}", lineno)
            return SIGNALS[value.name]
    elif kind == "siglist":
        if isinstance(value, list):
            return [_convert(spec, Param(param.name, "sig"), v, lineno) for v in value]
    elif kind == "semops":
        if isinstance(value, list) and all(isinstance(op, list) and len(op) in (2, 3) for op in value):
            ops = [[_convert(spec, Param(param.name, "flags"), v, lineno) for v in op] for op in value]
            for op in ops:
                if not -32768 <= op[1] <= 32767:  # sem_op is a short
                    raise ScriptError(
                        f"{spec.name}(): op {op[1]} does not fit a short (-32768..32767)", lineno
                    )
            return ops
    elif kind == "semarg":
        if isinstance(value, int):
            return value
        if isinstance(value, list) and all(isinstance(v, int) for v in value):
            return list(value)
    elif kind == "seg":
        if isinstance(value, int):
            return value
        if isinstance(value, bytes):
            return value.decode("utf-8", "surrogateescape")
    elif kind == "proc":
        if isinstance(value, int):
            return ProcRef(value)
        if isinstance(value, Sym) and value.name is not None:
            return ProcRef(value.name)
    elif kind == "handler":
        if isinstance(value, Sym) and value.name in ("SIG_DFL", "SIG_IGN"):
            return value.name
        if isinstance(value, bytes) and value:
            return value.decode("utf-8", "surrogateescape")
    raise _bad(spec, param, value, lineno)
