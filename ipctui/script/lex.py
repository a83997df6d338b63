"""Reading the text of one line: tokens, literals (numbers, strings, lists, objects, `|`
names), escapes and trailing comments. It knows nothing of calls or statements."""

from __future__ import annotations

import re
from typing import Any

from .values import Sym


class ScriptError(Exception):
    """A script the runner cannot run: `FILE:LINE: error: message`."""

    def __init__(self, message: str, lineno: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.lineno = lineno


MAX_LINE = 16 << 20  # characters in one line: a longer one is refused, not read
MAX_DIGITS = 1000  # digits in an integer literal

_TOKEN = re.compile(
    r"""\s*(?:
      ("[^"\\]*(?:\\.[^"\\]*)*")                               # str (unrolled: no state per char)
     |(-?(?:0[xX][0-9a-fA-F]+|[0-9]+))(?![A-Za-z0-9_])          # num
     |([A-Za-z_][A-Za-z0-9_-]*)                                # id
     |(<unfinished\ \.\.\.>)                                   # unf
     |([()\[\]{},=|?])                                         # p
     |(\S)                                                     # bad
    )""",
    re.X,
)
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|.)")
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"'}
_KINDS = ("str", "num", "id", "unf", "p", "bad")
_END = ("end", "")


def short(s: str, n: int = 60) -> str:
    """`s` cut to `n` characters for an error message."""
    return s if len(s) <= n else s[: n - 3] + "..."


def strip_comment(s: str) -> str:
    """Drop a trailing `# comment` that is outside any string."""
    if "#" not in s:
        return s.strip()
    in_str = esc = False
    for i, ch in enumerate(s):
        if esc:
            esc = False
        elif ch == "\\":
            esc = in_str
        elif ch == '"':
            in_str = not in_str
        elif ch == "#" and not in_str:
            return s[:i].rstrip()
    return s.strip()


def closing_paren(s: str) -> int:
    """Index of the ) that closes a call's argument list in `s` (which starts inside it)."""
    depth, in_str, esc = 0, False, False
    for i, ch in enumerate(s):
        if esc:
            esc = False
        elif in_str:
            esc = ch == "\\"
            in_str = ch != '"'
        elif ch == '"':
            in_str = True
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                return i
            depth -= 1
    return len(s)


class Tokens:
    """A cursor over one line's tokens (made with one findall; a sentinel marks the end)."""

    __slots__ = ("i", "lineno", "toks")

    def __init__(self, text: str, lineno: int) -> None:
        self.lineno = lineno
        toks: list[tuple[str, str]] = []
        for groups in _TOKEN.findall(text):
            kind, value = next((k, v) for k, v in zip(_KINDS, groups, strict=True) if v)
            if kind == "bad":
                if value == '"':
                    raise ScriptError('unterminated string: a closing " is missing', lineno)
                raise ScriptError(f"unexpected {value!r} in {short(text.strip())!r}", lineno)
            toks.append((kind, value))
        toks.append(_END)
        self.toks = toks
        self.i = 0

    def peek(self) -> tuple[str, str]:
        return self.toks[self.i]

    def peek_second(self) -> tuple[str, str]:
        """The token after the next one (the end sentinel if there is none)."""
        return self.toks[min(self.i + 1, len(self.toks) - 1)]

    def take(self) -> tuple[str, str]:
        tok = self.toks[self.i]
        if tok is not _END:
            self.i += 1
        return tok

    def expect(self, value: str, what: str) -> None:
        kind, got = self.take()
        if got != value or kind not in ("p", "unf"):
            raise ScriptError(f"expected {what}, found {describe(kind, got)}", self.lineno)

    def at_end(self) -> bool:
        return self.toks[self.i][0] == "end"

    def to_end(self) -> None:
        """Skip what is left (the caller has read it another way)."""
        self.i = len(self.toks) - 1


def describe(kind: str, value: str) -> str:
    """A token as an error message names it."""
    return "the end of the line" if kind == "end" else repr(value)


def int_literal(text: str) -> int:
    """An integer literal: decimal, 0x hex or 0 octal; ValueError if malformed, ScriptError if
    longer than MAX_DIGITS (Python itself refuses past 4300 digits, with a traceback)."""
    neg = text.startswith("-")
    body = text[1:] if neg else text
    if len(body) > MAX_DIGITS:
        raise ScriptError(f"an integer literal of {len(body)} digits (the limit is {MAX_DIGITS})", 0)
    if body[:2] in ("0x", "0X"):
        n = int(body[2:], 16)
    elif len(body) > 1 and body.startswith("0"):
        if not re.fullmatch(r"[0-7]+", body):
            raise ValueError(text)
        n = int(body, 8)
    else:
        n = int(body)
    return -n if neg else n


def unescape(body: str, lineno: int) -> bytes:
    """The bytes of a quoted string's body (escapes \\n \\t \\r \\0 \\\\ \\" \\xNN; text is UTF-8)."""

    def repl(m: re.Match[str]) -> str:
        e = m.group(1)
        if e[0] == "x" and len(e) == 3:
            return chr(0xDC00 + int(e[1:], 16)) if int(e[1:], 16) >= 0x80 else chr(int(e[1:], 16))
        if e in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[e]
        raise ScriptError(f'unknown escape \\{e} in a string (use \\n \\t \\r \\0 \\\\ \\" or \\xNN)', lineno)

    if "\\" not in body:
        return body.encode("utf-8", "surrogateescape")
    return _ESCAPE.sub(repl, body).encode("utf-8", "surrogateescape")


def read_value(t: Tokens, result: bool = False) -> Any:
    """The next literal: bytes, int, a list, a `{field=value}` object (results only) or a Sym
    for a name or `|` expression (arguments only: a result holds values, not names)."""
    kind, tok = t.take()
    if kind == "str":
        return unescape(tok[1:-1], t.lineno)
    if kind == "p" and tok == "[":
        items: list[Any] = []
        if t.peek()[1] != "]":
            while True:
                items.append(read_value(t, result))
                if t.peek()[1] != ",":
                    break
                t.take()
        t.expect("]", "] to close the list")
        return items
    if kind == "p" and tok == "{" and result:
        obj: dict[str, Any] = {}
        if t.peek()[1] != "}":
            while True:
                k_kind, key = t.take()
                if k_kind != "id":
                    raise ScriptError(f"expected a field name, found {describe(k_kind, key)}", t.lineno)
                t.expect("=", f"= after {key}")
                obj[key] = read_value(t, result)
                if t.peek()[1] != ",":
                    break
                t.take()
        t.expect("}", "} to close the object")
        return obj
    if kind in ("num", "id"):
        parts: list[str] = [_atom(kind, tok, t.lineno)]
        while t.peek()[1] == "|":
            t.take()
            k2, tok2 = t.take()
            if k2 not in ("num", "id"):
                raise ScriptError(f"expected a constant after |, found {describe(k2, tok2)}", t.lineno)
            parts.append(_atom(k2, tok2, t.lineno))
        if len(parts) == 1 and kind == "num":
            return int_literal(tok)
        if result:
            raise ScriptError(f"a result cannot hold the name {Sym(tuple(parts))}", t.lineno)
        return Sym(tuple(parts))
    raise ScriptError(f"expected a value, found {describe(kind, tok)}", t.lineno)


def _atom(kind: str, tok: str, lineno: int) -> str:
    """A part of a value as written; numbers are checked here."""
    if kind == "num":
        try:
            int_literal(tok)
        except ValueError:
            raise ScriptError(f"bad number {tok!r} (a leading 0 means octal)", lineno) from None
    return tok
