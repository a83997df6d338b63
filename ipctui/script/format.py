"""Events to trace lines: SPEC section 3's text format and its JSON Lines twin."""

from __future__ import annotations

import json
from typing import Any

from ..engine.errors import Errno
from ..vocab.events import Event
from .statements import Call, Spawn
from .values import fmt, to_json

_TEXT = {e.name: e.text for e in Errno}


def errno_text(name: str) -> str:
    """glibc's text for an errno name; one the simulation never returns (a real run can) is
    looked up on this machine."""
    text = _TEXT.get(name)
    if text is not None:
        return text
    import errno
    import os

    number = getattr(errno, name, None)
    return os.strerror(number) if number is not None else "Unknown error"


def result_text(ev: Event) -> str:
    """What follows `=` (or the `<unfinished ...>` marker) for a call or resumed event."""
    if ev.status == "ok":
        return "= " + fmt(ev.result)
    if ev.status == "error":
        assert ev.errno is not None
        return f"= -1 {ev.errno} ({errno_text(ev.errno)})"
    if ev.status == "fault":
        return "= ?"
    return "<unfinished ...>"


def text_line(ev: Event, stmt: Any = None) -> str:
    """One trace line. `stmt` is the statement that began a call (for its arguments as written)."""
    kind = ev.kind
    if kind == "call":
        head = stmt.text if isinstance(stmt, Call) else f"{ev.proc}: {ev.call}(...)"
        return f"{head} {result_text(ev)}"
    if kind == "resumed":
        return f"{ev.proc}: <... {ev.call} resumed> {result_text(ev)}"
    if kind == "signal":
        return f"{ev.proc}: --- {ev.signal} ---"
    if kind == "stopped":
        return f"{ev.proc}: --- stopped by {ev.signal} ---"
    if kind == "exit":
        if ev.signal is not None:
            return f"{ev.proc}: +++ killed by {ev.signal} +++"
        return f"{ev.proc}: +++ exited with {ev.code} +++"
    if isinstance(stmt, Spawn):
        return stmt.text
    return f"spawn {ev.proc}" + (f" uid={ev.uid}" if ev.uid not in (None, 1000) else "")


_encode = json.JSONEncoder(ensure_ascii=False).encode


def json_record(ev: Event, seq: int, lineno: int, stmt: Any = None) -> dict[str, Any]:
    """One JSON Lines object (SPEC section 3's keys, plus `text`: the trace line itself)."""
    rec: dict[str, Any] = {"seq": seq, "line": lineno, "kind": ev.kind, "proc": ev.proc, "pid": ev.pid}
    if ev.kind in ("call", "resumed"):
        rec["call"] = ev.call
        rec["args"] = stmt.jargs if isinstance(stmt, Call) else []
        rec["status"] = ev.status
        if ev.status == "ok":
            rec["result"] = to_json(ev.result)
        elif ev.status == "error":
            rec["errno"] = ev.errno
    elif ev.kind in ("signal", "stopped"):
        rec["signal"] = ev.signal
    elif ev.kind == "exit":
        rec["signal"] = ev.signal
        rec["code"] = ev.code
    elif ev.kind == "spawn":
        rec["uid"] = ev.uid
    rec["text"] = text_line(ev, stmt)
    return rec


def json_line(ev: Event, seq: int, lineno: int, stmt: Any = None) -> str:
    return _encode(json_record(ev, seq, lineno, stmt))
