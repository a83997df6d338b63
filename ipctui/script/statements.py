"""Lines to statements: the statement kinds (spawn, call, assertion, narration) and the line
parser that makes them. Every problem is a ScriptError naming the line, never an exception.
Tokens and literals are read by lex, a call's arguments converted by args."""

from __future__ import annotations

import difflib
import errno as errno_module
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from ..engine.errors import Errno
from ..engine.syscalls import SYSCALLS
from ..vocab.calls import CallSignature
from ..vocab.constants import SIGNALS
from .args import ProcRef, convert, suggest
from .lex import (
    MAX_LINE,
    ScriptError,
    Tokens,
    closing_paren,
    describe,
    int_literal,
    read_value,
    short,
    strip_comment,
)
from .values import FAULT, fmt, to_json


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


UID_MAX = 0xFFFF_FFFE  # uid_t is 32 bits and (uid_t)-1 names no user: setuid(2) refuses it

_PROC = r"(?P<proc>[A-Za-z][A-Za-z0-9_-]*|[0-9]+)"
_LINE = re.compile(_PROC + r"\s*:\s*(?P<rest>.*)\Z")
_SPAWN = re.compile(r"spawn(?:\s+(?P<body>.*))?\Z")
_RESUMED = re.compile(r"<\.\.\.\s+(?P<call>[A-Za-z_][A-Za-z0-9_]*)\s+resumed>\s*(?P<tail>.*)\Z")
_STOPPED = re.compile(r"---\s+stopped by\s+(?P<sig>SIG[A-Z0-9]+)\s+---\Z")
_SIGNAL = re.compile(r"---\s+(?P<sig>SIG[A-Z0-9]+)\s+---\Z")
_EXITED = re.compile(r"\+\+\+\s+exited with\s+(?P<code>-?[0-9]+)\s+\+\+\+\Z")
_KILLED = re.compile(r"\+\+\+\s+killed by\s+(?P<sig>SIG[A-Z0-9]+)\s+\+\+\+\Z")
_ERROR = re.compile(r"-1\s+(?P<errno>E[A-Z0-9]+)(?:\s*\(.*\))?\Z")
_ERROR_START = re.compile(r"-1\s+E[A-Z0-9]+\b")  # an errno begun, its line not well formed
_CALL_HEAD = re.compile(r"(?P<call>[A-Za-z_][A-Za-z0-9_]*)\s*\(")


def parse(text: str, name: str = "<script>") -> Script:
    """Parse a whole script; the first bad line raises ScriptError with its number."""
    script = Script(name)
    for lineno, line in enumerate(text.splitlines(), 1):
        if len(line) > MAX_LINE:
            raise ScriptError(f"a line of {len(line)} characters (the limit is {MAX_LINE >> 20} MiB)", lineno)
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
        raise ScriptError(
            f"cannot read {short(s)!r}: expected `spawn NAME` or `NAME: call(...)`{_spawn_hint(s)}", lineno
        )
    proc: str | int = m.group("proc")
    if proc.isdigit():  # type: ignore[union-attr]
        proc = int_literal(proc)  # type: ignore[arg-type]
    rest = m.group("rest")
    return _parse_event_line(proc, rest, lineno) or _parse_call(proc, rest, lineno)


def _spawn_hint(s: str) -> str:
    """`; did you mean `spawn A`?` when the first word is a misspelt spawn (spwan, Spawn, spawm)."""
    word, _, body = s.partition(" ")
    if word != "spawn" and difflib.get_close_matches(word.lower(), ["spawn"], n=1, cutoff=0.6):
        return f"; did you mean `spawn {body.strip()}`?" if body.strip() else "; did you mean `spawn NAME`?"
    return ""


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
        uid = int_literal(m.group(1))
        if not 0 <= uid <= UID_MAX:
            raise ScriptError(f"uid must be 0 to {UID_MAX} (a uid_t; -1 is no uid), not {uid}", lineno)
    text = f"spawn {name}" + (f" uid={uid}" if uid is not None else "")
    return Spawn(lineno, name, uid, text)


def _parse_event_line(proc: str | int, rest: str, lineno: int) -> Assertion | None:
    who = str(proc)
    if rest.startswith("<..."):
        m = _RESUMED.match(rest)
        if m is None:
            raise ScriptError("a resumed line reads `NAME: <... call resumed> = RESULT`", lineno)
        tail = strip_comment(m.group("tail"))
        if not tail.startswith("="):
            raise ScriptError("a resumed line needs its result: `<... call resumed> = RESULT`", lineno)
        call = m.group("call")
        expect = parse_result(tail[1:].strip(), lineno)
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
            code = int_literal(m.group("code"))
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


def parse_result(text: str, lineno: int) -> Expect:
    """What follows `=`: `-1 ENAME (...)`, `?` or a value (the quiz reads answers with it too)."""
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
    if _ERROR_START.match(text):
        raise ScriptError(f"an error result reads `-1 ENAME (text)`, not {text!r}", lineno)
    t = Tokens(text, lineno)
    value = read_value(t, result=True)
    if not t.at_end():
        kind, tok = t.peek()
        raise ScriptError(f"unexpected {describe(kind, tok)} after the result", lineno)
    return Expect("ok", value)


def _print_as(spec: CallSignature, i: int) -> str | None:
    """A System V get's flags carry the mode bits in C (`semget(key, 1, 0600)`): written as a
    bare number they print as a mode does, in octal."""
    param = spec.params[i] if i < len(spec.params) else None
    sysv_get = spec.mechanism.startswith("sysv_") and "mode" in spec.keywords
    return "mode" if sysv_get and param is not None and param.kind == "flags" else None


def _parse_call(proc: str | int, rest: str, lineno: int) -> Call:
    rest = strip_comment(rest)
    m = _CALL_HEAD.match(rest)
    if m is None:
        raise ScriptError(
            f"expected a call such as read(3, 10) after `{proc}:`, found {short(rest)!r}", lineno
        )
    name = m.group("call")
    spec = SYSCALLS.get(name)
    if spec is None:
        raise ScriptError(f"unknown call {name}(){suggest(name)}", lineno)
    t = Tokens(rest[m.end() :], lineno)
    args: list[Any] = []
    kwargs: list[tuple[str, Any]] = []
    if t.peek()[1] != ")":
        while True:
            kind, tok = t.peek()
            if kind == "id" and t.peek_second()[1] == "=":
                t.take()
                t.take()
                if any(k == tok for k, _ in kwargs):
                    raise ScriptError(f"{name}() got {tok}= twice", lineno)
                kwargs.append((tok, read_value(t)))
            else:
                if kwargs:
                    raise ScriptError(f"{name}(): a positional argument cannot follow a keyword", lineno)
                args.append(read_value(t))
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
        tail = tail[closing_paren(tail) + 1 :].strip()
        expect = parse_result(tail[1:].strip(), lineno)
        t.to_end()
    if not t.at_end():
        kind, tok = t.peek()
        raise ScriptError(f"unexpected {describe(kind, tok)} after {name}(...)", lineno)
    eargs, ekwargs = convert(spec, args, kwargs, lineno)
    inner = ", ".join(
        [fmt(a, _print_as(spec, i)) for i, a in enumerate(args)] + [f"{k}={fmt(v, k)}" for k, v in kwargs]
    )
    jargs = [to_json(a) for a in args]
    if kwargs:
        jargs.append({k: to_json(v) for k, v in kwargs})
    names_proc = any(isinstance(a, ProcRef) for a in [*eargs, *ekwargs.values()])
    text = f"{proc}: {name}({inner})"
    return Call(lineno, proc, name, args, kwargs, eargs, ekwargs, expect, text, jargs, names_proc)
