"""Runs statements on a kernel and checks what the script expects of each line."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..engine import Kernel
from ..vocab.calls import KernelAPI
from ..vocab.errors import UsageError
from ..vocab.events import Event
from .args import ProcRef
from .format import json_line, result_text, text_line
from .lex import ScriptError
from .statements import Assertion, Call, Expect, Narration, Spawn, Statement
from .values import normalise


class ExpectationFailed(Exception):
    """`FILE:LINE: expected X, got Y`: the script ran, but not as it said it would."""

    def __init__(self, lineno: int, expected: str, got: str, events: list[Event] | None = None) -> None:
        super().__init__(f"expected {expected}, got {got}")
        self.lineno = lineno
        self.expected = expected
        self.got = got
        self.events = events or []  # the failing line's own events (it did run)


@dataclass
class Step:
    """What one statement did: its trace lines (events) and the statement."""

    statement: Statement
    events: list[Event]


def matches(expect: Expect, ev: Event) -> bool:
    if expect.status != ev.status:
        return False
    if expect.status == "ok":
        return normalise(expect.value) == normalise(ev.result)
    if expect.status == "error":
        return expect.value == ev.errno
    return True


def _assertion_matches(a: Assertion, ev: Event) -> bool:
    if (ev.proc if isinstance(a.proc, str) else ev.pid) != a.proc or a.kind != ev.kind:
        return False
    if a.kind == "resumed":
        return a.call == ev.call and a.expect is not None and matches(a.expect, ev)
    if a.kind in ("signal", "stopped"):
        return a.signal == ev.signal
    return a.signal == ev.signal and a.code == ev.code


class Runner:
    """Feeds statements to a kernel one at a time, keeping the events not yet asserted."""

    def __init__(self, kernel: KernelAPI | None = None) -> None:
        self.kernel: KernelAPI = kernel or Kernel()
        self._unchecked: deque[tuple[Event, Statement]] = deque()

    def step(self, st: Statement, hold: bool = False) -> Step:
        """Run one statement. Raises ScriptError or ExpectationFailed (after the step is done).
        With `hold`, a call stops at its own line: settle() gives the lines it caused."""
        if isinstance(st, Narration):
            return Step(st, [])
        if isinstance(st, Assertion):
            if not self._unchecked:
                raise ExpectationFailed(st.lineno, st.text, "nothing (no line is left to check)")
            ev, origin = self._unchecked.popleft()
            if not _assertion_matches(st, ev):
                raise ExpectationFailed(st.lineno, st.text, text_line(ev, origin))
            return Step(st, [])
        self._unchecked.clear()
        held = {"hold": True} if hold else {}  # only the simulated kernel holds (not the real one)
        try:
            if isinstance(st, Spawn):
                events = self.kernel.spawn(st.name, 1000 if st.uid is None else st.uid, tag=st)
            elif st.names_proc:
                args = [self._resolve(a, st) for a in st.eargs]
                kwargs = {k: self._resolve(v, st) for k, v in st.ekwargs.items()}
                events = self.kernel.call(st.proc, st.call, tuple(args), kwargs, tag=st, **held)
            else:
                events = self.kernel.call(st.proc, st.call, tuple(st.eargs), st.ekwargs, tag=st, **held)
        except UsageError as e:
            raise ScriptError(str(e), st.lineno) from None
        for ev in events[1:]:
            self._unchecked.append((ev, ev.tag))
        if isinstance(st, Call) and st.expect is not None and not matches(st.expect, events[0]):
            got = result_text(events[0]).removeprefix("= ")
            raise ExpectationFailed(st.lineno, str(st.expect), got, events[:1])
        return Step(st, events)

    def settle(self) -> list[Event]:
        """The next line(s) a held call caused (see Kernel.settle), kept for the assertions."""
        events = self.kernel.settle()
        for ev in events:
            self._unchecked.append((ev, ev.tag))
        return events

    def _resolve(self, value: Any, st: Call) -> Any:
        if isinstance(value, ProcRef):
            if isinstance(value.ref, int):
                return value.ref
            p = self.kernel.process(value.ref)
            if p is None:
                raise ScriptError(f"there is no process named {value.ref}", st.lineno)
            return p.pid
        return value


class TraceOut:
    """Writes trace lines as they happen, in text or JSON Lines (which numbers them)."""

    def __init__(self, write: Callable[[str], None], fmt: str = "text") -> None:
        self.write, self.fmt, self.seq = write, fmt, 0

    def events(self, events: list[Event], st: Statement) -> None:
        write, seq = self.write, self.seq
        if self.fmt == "json":
            for ev in events:
                seq += 1
                write(json_line(ev, seq, st.lineno, st if ev.kind in ("call", "spawn") else ev.tag))
        else:
            for ev in events:
                write(text_line(ev, st if ev.kind in ("call", "spawn") else ev.tag))
            seq += len(events)
        self.seq = seq

    def comment(self, st: Statement, kind: str, text: str, **fields: Any) -> None:
        """A line that is not an event (a real run's `# cannot run here`): a comment in text."""
        self.seq += 1
        if self.fmt == "json":
            record = {"seq": self.seq, "line": st.lineno, "kind": kind, **fields, "text": text}
            self.write(json.dumps(record, ensure_ascii=False))
        else:
            self.write(f"# {text}")


def run_script(
    statements: list[Statement],
    write: Callable[[str], None],
    fmt: str = "text",
    after: Callable[[KernelAPI], None] | None = None,
) -> None:
    """Run statements, writing each trace line as it happens; raises on the first failure
    (ScriptError or ExpectationFailed) after writing the failing line, if it ran. `after` sees
    the kernel once each statement's lines are written."""
    runner = Runner()
    out = TraceOut(write, fmt)
    for st in statements:
        try:
            step = runner.step(st)
        except ExpectationFailed as e:
            out.events(e.events, st)
            raise
        out.events(step.events, st)
        if after is not None:
            after(runner.kernel)


__all__ = ["ExpectationFailed", "Runner", "Step", "TraceOut", "run_script"]
