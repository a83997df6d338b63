"""Text to statements. Every problem is a ScriptError naming the line, never an exception."""

from __future__ import annotations

import errno as errno_module
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from ..engine.errors import Errno
from ..engine.syscalls import KINDS, SYSCALLS, Param, Syscall
from ..vocab.constants import CONSTANTS, SIGNALS
from .values import FAULT, Sym, fmt, to_json


class ScriptError(Exception):
    """A script the runner cannot run: `FILE:LINE: error: message`."""

    def __init__(self, message: str, lineno: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.lineno = lineno


@dataclass(frozen=True, slots=True)
class Expect:
    """What a line expects: a value, an errno, a fault (`?`) or that the call blocks."""

    status: Literal["ok", "error", "fault", "blocked"]
    value: Any = None

    def __str__(self) -> str:
        if self.status == "ok":
            return fmt(self.value)
        if self.status == "error":
            from .format import errno_text

            return f"-1 {self.value} ({errno_text(self.value)})"
        return "?" if self.status == "fault" else "<unfinished ...>"


@dataclass(frozen=True, slots=True)
class ProcRef:
    """A process named in an argument; the runner turns it into a pid when the line runs."""

    ref: str | int


@dataclass(slots=True)
class Spawn:
    lineno: int
    name: str
    uid: int | None
    text: str = ""


@dataclass(slots=True)
class Call:
    lineno: int
    proc: str | int
    call: str
    args: list[Any]  # as written, for the trace
    kwargs: list[tuple[str, Any]]
    eargs: list[Any]  # converted for the engine (ProcRef where a process is named)
    ekwargs: dict[str, Any]
    expect: Expect | None
    text: str = ""  # "PROC: call(args)", normalised
    jargs: list[Any] = field(default_factory=list)  # the arguments as JSON (SPEC section 3)
    names_proc: bool = False  # whether an argument names a process (resolved when it runs)


@dataclass(slots=True)
class Assertion:
    """A resumed, signal, stopped or exit line: it performs nothing and checks an event."""

    lineno: int
    proc: str | int
    kind: Literal["resumed", "signal", "stopped", "exit"]
    call: str | None = None
    expect: Expect | None = None
    signal: str | None = None
    code: int | None = None
    text: str = ""


@dataclass(slots=True)
class Narration:
    lineno: int
    text: str


Statement = Spawn | Call | Assertion | Narration


@dataclass
class Script:
    name: str
    statements: list[Statement] = field(default_factory=list)


_TOKEN = re.compile(
    r"""\s*(?:
      ("(?:[^"\\]|\\.)*")                                   # str
     |(-?(?:0[xX][0-9a-fA-F]+|[0-9]+))(?![A-Za-z0-9_])          # num
     |([A-Za-z_][A-Za-z0-9_-]*)                                # id
     |(<unfinished\ \.\.\.>)                                   # unf
     |([()\[\]{},=|?])                                         # p
     |(\S)                                                     # bad
    )""",
    re.X,
)
_PROC = r"(?P<proc>[A-Za-z][A-Za-z0-9_-]*|[0-9]+)"
_LINE = re.compile(_PROC + r"\s*:\s*(?P<rest>.*)\Z")
_SPAWN = re.compile(r"spawn(?:\s+(?P<body>.*))?\Z")
_RESUMED = re.compile(r"<\.\.\.\s+(?P<call>[A-Za-z_][A-Za-z0-9_]*)\s+resumed>\s*(?P<tail>.*)\Z")
_STOPPED = re.compile(r"---\s+stopped by\s+(?P<sig>SIG[A-Z0-9]+)\s+---\Z")
_SIGNAL = re.compile(r"---\s+(?P<sig>SIG[A-Z0-9]+)\s+---\Z")
_EXITED = re.compile(r"\+\+\+\s+exited with\s+(?P<code>-?[0-9]+)\s+\+\+\+\Z")
_KILLED = re.compile(r"\+\+\+\s+killed by\s+(?P<sig>SIG[A-Z0-9]+)\s+\+\+\+\Z")
_ERROR = re.compile(r"-1\s+(?P<errno>E[A-Z0-9]+)(?:\s*\(.*\))?\Z")
_CALL_HEAD = re.compile(r"(?P<call>[A-Za-z_][A-Za-z0-9_]*)\s*\(")
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|.)")
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"'}


def parse(text: str, name: str = "<script>") -> Script:
    """Parse a whole script; the first bad line raises ScriptError with its number."""
    script = Script(name)
    for lineno, line in enumerate(text.splitlines(), 1):
        st = parse_line(line, lineno)
        if st is not None:
            script.statements.append(st)
    return script


def parse_line(line: str, lineno: int = 1) -> Statement | None:
    """One line to a statement (None for blank lines and comments).

    A line's text always parses to the same statement, so each distinct text is parsed once
    (scripts repeat lines, and undo replays a whole session); only the line number differs.
    """
    s = line.strip()
    template = _CACHE.get(s)
    if template is None:
        try:
            template = _parse_stripped(s, 0)
        except ScriptError as e:
            e.lineno = lineno
            raise
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        _CACHE[s] = template
    if template is _NOTHING:
        return None
    return _at_line(template, lineno)


_CACHE: dict[str, Any] = {}
_CACHE_SIZE = 65536
_NOTHING: Any = object()


def _at_line(st: Statement, lineno: int) -> Statement:
    """A fresh statement for line `lineno` (statements identify their events, so never share one)."""
    if isinstance(st, Call):
        return Call(
            lineno,
            st.proc,
            st.call,
            st.args,
            st.kwargs,
            st.eargs,
            st.ekwargs,
            st.expect,
            st.text,
            st.jargs,
            st.names_proc,
        )
    if isinstance(st, Assertion):
        return Assertion(lineno, st.proc, st.kind, st.call, st.expect, st.signal, st.code, st.text)
    if isinstance(st, Spawn):
        return Spawn(lineno, st.name, st.uid, st.text)
    return Narration(lineno, st.text)  # type: ignore[union-attr]


def _parse_stripped(s: str, lineno: int) -> Any:
    if not s:
        return _NOTHING
    if s.startswith("##"):
        return Narration(lineno, s[2:].strip())
    if s.startswith("#"):
        return _NOTHING
    m = _LINE.match(s)
    if m is None:
        spawn = _SPAWN.match(s)
        if spawn is not None:
            return _parse_spawn(spawn.group("body") or "", lineno)
        raise ScriptError(f"cannot read {_short(s)!r}: expected `spawn NAME` or `NAME: call(...)`", lineno)
    proc: str | int = m.group("proc")
    if proc.isdigit():  # type: ignore[union-attr]
        proc = int(proc)
    rest = m.group("rest")
    return _parse_event_line(proc, rest, lineno) or _parse_call(proc, rest, lineno)


def _short(s: str, n: int = 60) -> str:
    return s if len(s) <= n else s[: n - 3] + "..."


def _parse_spawn(body: str, lineno: int) -> Spawn:
    parts = body.split()
    if not parts:
        raise ScriptError("spawn needs a process name: `spawn NAME` or `spawn NAME uid=N`", lineno)
    name, uid = parts[0], None
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", name):
        raise ScriptError(f"bad process name {name!r}: use a letter, then letters, digits, _ or -", lineno)
    for extra in parts[1:]:
        m = re.fullmatch(r"uid=(-?(?:0[xX][0-9a-fA-F]+|[0-9]+))", extra)
        if m is None or uid is not None:
            raise ScriptError(f"spawn takes a name and optionally uid=N, not {extra!r}", lineno)
        uid = _int(m.group(1))
        if uid < 0:
            raise ScriptError(f"uid must be 0 or more, not {uid}", lineno)
    text = f"spawn {name}" + (f" uid={uid}" if uid is not None else "")
    return Spawn(lineno, name, uid, text)


def _parse_event_line(proc: str | int, rest: str, lineno: int) -> Assertion | None:
    who = str(proc)
    if rest.startswith("<..."):
        m = _RESUMED.match(rest)
        if m is None:
            raise ScriptError("a resumed line reads `NAME: <... call resumed> = RESULT`", lineno)
        tail = _strip_comment(m.group("tail"))
        if not tail.startswith("="):
            raise ScriptError("a resumed line needs its result: `<... call resumed> = RESULT`", lineno)
        call = m.group("call")
        expect = _parse_result(tail[1:].strip(), lineno)
        return Assertion(
            lineno, proc, "resumed", call=call, expect=expect, text=f"{who}: <... {call} resumed> = {expect}"
        )
    if rest.startswith("---"):
        for regex, kind in ((_STOPPED, "stopped"), (_SIGNAL, "signal")):
            m = regex.match(rest)
            if m is not None:
                sig = _signal_name(m.group("sig"), lineno)
                text = f"{who}: --- stopped by {sig} ---" if kind == "stopped" else f"{who}: --- {sig} ---"
                return Assertion(lineno, proc, kind, signal=sig, text=text)  # type: ignore[arg-type]
        raise ScriptError(
            "a signal line reads `NAME: --- SIGNAME ---` or `--- stopped by SIGNAME ---`", lineno
        )
    if rest.startswith("+++"):
        m = _EXITED.match(rest)
        if m is not None:
            code = int(m.group("code"))
            return Assertion(lineno, proc, "exit", code=code, text=f"{who}: +++ exited with {code} +++")
        m = _KILLED.match(rest)
        if m is not None:
            sig = _signal_name(m.group("sig"), lineno)
            return Assertion(lineno, proc, "exit", signal=sig, text=f"{who}: +++ killed by {sig} +++")
        raise ScriptError("an exit line reads `+++ exited with N +++` or `+++ killed by SIGNAME +++`", lineno)
    return None


def _signal_name(name: str, lineno: int) -> str:
    if name not in SIGNALS:
        raise ScriptError(f"unknown signal {name}", lineno)
    return name


def _strip_comment(s: str) -> str:
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


_KINDS = ("str", "num", "id", "unf", "p", "bad")
_END = ("end", "")


class _Tokens:
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
                raise ScriptError(f"unexpected {value!r} in {_short(text.strip())!r}", lineno)
            toks.append((kind, value))
        toks.append(_END)
        self.toks = toks
        self.i = 0

    def peek(self) -> tuple[str, str]:
        return self.toks[self.i]

    def take(self) -> tuple[str, str]:
        tok = self.toks[self.i]
        if tok is not _END:
            self.i += 1
        return tok

    def expect(self, value: str, what: str) -> None:
        kind, got = self.take()
        if got != value or kind not in ("p", "unf"):
            raise ScriptError(f"expected {what}, found {_describe(kind, got)}", self.lineno)


def _describe(kind: str, value: str) -> str:
    return "the end of the line" if kind == "end" else repr(value)


def _int(text: str) -> int:
    neg = text.startswith("-")
    body = text[1:] if neg else text
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


def _value(t: _Tokens, result: bool = False) -> Any:
    kind, tok = t.take()
    if kind == "str":
        return unescape(tok[1:-1], t.lineno)
    if kind == "p" and tok == "[":
        items: list[Any] = []
        if t.peek()[1] != "]":
            while True:
                items.append(_value(t, result))
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
                    raise ScriptError(f"expected a field name, found {_describe(k_kind, key)}", t.lineno)
                t.expect("=", f"= after {key}")
                obj[key] = _value(t, result)
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
                raise ScriptError(f"expected a constant after |, found {_describe(k2, tok2)}", t.lineno)
            parts.append(_atom(k2, tok2, t.lineno))
        if len(parts) == 1 and kind == "num":
            return _int(tok)
        if result:
            raise ScriptError(f"a result cannot hold the name {Sym(tuple(parts))}", t.lineno)
        return Sym(tuple(parts))
    raise ScriptError(f"expected a value, found {_describe(kind, tok)}", t.lineno)


def _atom(kind: str, tok: str, lineno: int) -> str:
    """A part of a value as written; numbers are checked here."""
    if kind == "num":
        try:
            _int(tok)
        except ValueError:
            raise ScriptError(f"bad number {tok!r} (a leading 0 means octal)", lineno) from None
    return tok


def _parse_result(text: str, lineno: int) -> Expect:
    m = _ERROR.match(text)
    if m is not None:
        name = m.group("errno")
        if name not in Errno.__members__ and not hasattr(errno_module, name):
            raise ScriptError(f"unknown errno {name}", lineno)
        return Expect("error", name)
    if text == "?":
        return Expect("fault", FAULT)
    if not text:
        raise ScriptError("a result is missing after =", lineno)
    t = _Tokens(text, lineno)
    value = _value(t, result=True)
    if t.peek()[0] != "end":
        kind, tok = t.peek()
        raise ScriptError(f"unexpected {_describe(kind, tok)} after the result", lineno)
    return Expect("ok", value)


def _parse_call(proc: str | int, rest: str, lineno: int) -> Call:
    rest = _strip_comment(rest)
    m = _CALL_HEAD.match(rest)
    if m is None:
        raise ScriptError(
            f"expected a call such as read(3, 10) after `{proc}:`, found {_short(rest)!r}", lineno
        )
    name = m.group("call")
    spec = SYSCALLS.get(name)
    if spec is None:
        raise ScriptError(f"unknown call {name}(){_suggest(name)}", lineno)
    t = _Tokens(rest[m.end() :], lineno)
    args: list[Any] = []
    kwargs: list[tuple[str, Any]] = []
    if t.peek()[1] != ")":
        while True:
            kind, tok = t.peek()
            if kind == "id" and t.i + 1 < len(t.toks) and t.toks[t.i + 1][1] == "=":
                t.take()
                t.take()
                if any(k == tok for k, _ in kwargs):
                    raise ScriptError(f"{name}() got {tok}= twice", lineno)
                kwargs.append((tok, _value(t)))
            else:
                if kwargs:
                    raise ScriptError(f"{name}(): a positional argument cannot follow a keyword", lineno)
                args.append(_value(t))
            if t.peek()[1] != ",":
                break
            t.take()
    t.expect(")", f") to close {name}(")
    expect: Expect | None = None
    kind, tok = t.peek()
    if kind == "unf":
        t.take()
        expect = Expect("blocked")
    elif tok == "=":
        tail = rest[m.end() :]
        tail = tail[_close_paren(tail) + 1 :].strip()
        expect = _parse_result(tail[1:].strip(), lineno)
        t.i = len(t.toks) - 1  # at the end sentinel
    if t.peek()[0] != "end":
        kind, tok = t.peek()
        raise ScriptError(f"unexpected {_describe(kind, tok)} after {name}(...)", lineno)
    eargs, ekwargs = convert(spec, args, kwargs, lineno)
    inner = ", ".join([fmt(a) for a in args] + [f"{k}={fmt(v, k)}" for k, v in kwargs])
    jargs = [to_json(a) for a in args]
    if kwargs:
        jargs.append({k: to_json(v) for k, v in kwargs})
    names_proc = any(isinstance(a, ProcRef) for a in [*eargs, *ekwargs.values()])
    text = f"{proc}: {name}({inner})"
    return Call(lineno, proc, name, args, kwargs, eargs, ekwargs, expect, text, jargs, names_proc)


def _close_paren(s: str) -> int:
    """Index of the ) that closes the call's argument list in `s` (which starts inside it)."""
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


def _suggest(name: str) -> str:
    import difflib

    close = difflib.get_close_matches(name, SYSCALLS, n=1)
    return f": did you mean {close[0]}()?" if close else ""


# ------------------------------------------------------------- argument checking


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


def _constant(spec: Syscall, param: Param, sym: Sym, lineno: int) -> int:
    total = 0
    for part in sym.parts:
        if not part[0].isalpha() and part[0] != "_":
            total |= _int(part)
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
            return _constant(spec, param, value, lineno)
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
