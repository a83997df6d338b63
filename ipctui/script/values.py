"""Values of the script language: how they print in a trace and how they look in JSON."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Sym:
    """A bare name or a `|` expression as written: `O_CREAT|O_RDWR`, `IPC_CREAT|0600`, `child`.

    Each part keeps its text; a part that starts with a digit or `-` is a number.
    """

    parts: tuple[str, ...]

    @property
    def name(self) -> str | None:
        """The identifier, if this is one bare name."""
        return self.parts[0] if len(self.parts) == 1 and self.parts[0][0].isalpha() else None

    def __str__(self) -> str:
        return "|".join(self.parts)


class _Fault:
    def __repr__(self) -> str:
        return "?"


FAULT: Any = _Fault()

_ESCAPES = {
    ord("\n"): "\\n",
    ord("\t"): "\\t",
    ord("\r"): "\\r",
    0: "\\0",
    ord("\\"): "\\\\",
    ord('"'): '\\"',
}
_BYTE_TEXT = [_ESCAPES.get(b, chr(b) if 0x20 <= b < 0x7F else f"\\x{b:02x}") for b in range(256)]
_PLAIN = re.compile(rb"[\x20\x21\x23-\x5b\x5d-\x7e]*\Z")


def quote(data: bytes | str) -> str:
    """A C-style quoted string: printable ASCII as is, `\\n \\t \\r \\0 \\\\ \\"`, else `\\xNN`."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    if _PLAIN.match(data):
        return '"' + data.decode("ascii") + '"'
    return '"' + "".join([_BYTE_TEXT[b] for b in data]) + '"'


def octal(n: int) -> str:
    """A mode as people write it in C: 0600, 0004, 04755; 0 for zero."""
    if n == 0:
        return "0"
    return ("-" if n < 0 else "") + "0" + format(abs(n), "03o")


def fmt(value: Any, key: str | None = None) -> str:
    """A value as a trace prints it (modes, the `mode=` keyword, in octal)."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return octal(value) if key == "mode" else str(value)
    if isinstance(value, (bytes, bytearray, str)):
        return quote(bytes(value) if not isinstance(value, str) else value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(fmt(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={fmt(v, k)}" for k, v in value.items()) + "}"
    if isinstance(value, Sym):
        return str(value)
    if value is FAULT:
        return "?"
    raise TypeError(f"cannot format {value!r}")


def to_json(value: Any) -> Any:
    """A value as JSON: bytes as UTF-8 text with `\\xNN` for bytes that are not UTF-8."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "backslashreplace")
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, Sym):
        return str(value)
    return value


def normalise(value: Any) -> Any:
    """The form two results are compared in: text as bytes, tuples as lists."""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape")
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, (list, tuple)):
        return [normalise(v) for v in value]
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    return value
