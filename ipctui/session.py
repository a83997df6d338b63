"""A playground session: the lines run so far, a script to step through, undo and redo.

Every user action is a line, so the session is just its list of entries; undo replays all but
the last one, which makes it exact. Replay starts from the latest checkpoint at or before the
step wanted: a deep copy of the kernel taken every CHECKPOINT_EVERY steps, at a moment when no
process is blocked (a blocked call is a generator, which cannot be copied). Pure Python: the
app drives it.

Stepping a script goes line by line through the trace, not only the script: a line that wakes
others is a step that shows the state right after it (the bytes in the slots, the reader woken
but not yet run, as on Linux where it runs when scheduled), and each resumed line is a step of
its own (a sub-step: the kernel settles one deferred action at a time).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

from .engine import Event, Kernel
from .script import (
    Assertion,
    ExpectationFailed,
    Narration,
    Runner,
    ScriptError,
    Statement,
    parse,
    parse_line,
    text_line,
)

CHECKPOINT_EVERY = 256  # steps between checkpoints: an undo replays fewer lines than this
CHECKPOINTS_KEPT = 16  # the latest ones; an undo further back replays from the oldest kept


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The session's state after its first `steps` entries."""

    steps: int
    state: tuple[Kernel, Runner]  # kept pristine: restoring copies it again
    trace_len: int
    narration: str | None
    cursor: int


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the session: its text and, when it came from the loaded script, its index."""

    text: str
    origin: int | None = None
    settle: bool = False  # a sub-step: the next line(s) the previous call caused


@dataclass(frozen=True, slots=True)
class TraceLine:
    """A trace line for the views: its text, its kind (call, error, blocked, resumed, ...)."""

    text: str
    kind: str
    pid: int


@dataclass
class Outcome:
    """What submitting or stepping did."""

    ok: bool
    message: str = ""  # a script error, a failed expectation, or an errno to notify
    events: list[Event] = field(default_factory=list)


def trace_kind(ev: Event) -> str:
    if ev.kind in ("call", "resumed"):
        if ev.status == "error":
            return "error"
        if ev.status == "blocked":
            return "blocked"
        if ev.status == "fault":
            return "fault"
        return ev.kind
    return ev.kind


class Session:
    """The engine plus the lines that built its state."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.redo_stack: list[Entry] = []
        self.script: list[Statement] = []
        self.script_name: str | None = None
        self.cursor = 0  # the next statement of the script to run
        self.checkpoints: list[Checkpoint] = []
        self.script_steps: int | None = 0  # the steps the loaded script takes, sub-steps included
        self._projected: tuple[tuple[Entry, ...], int | None] | None = None  # total's last dry run
        self._reset()

    # -------------------------------------------------------------- state

    def _reset(self) -> None:
        self.kernel = Kernel()
        self.runner = Runner(self.kernel)
        self.trace: list[TraceLine] = []
        self.narration: str | None = None

    @property
    def steps(self) -> int:
        return len(self.entries)

    @property
    def at_end(self) -> bool:
        return self.cursor >= len(self.script) and not self.kernel.settling

    @property
    def typed(self) -> int:
        """How many lines were typed (or built by forms): what loading a script throws away."""
        return sum(1 for e in self.entries if e.origin is None and not e.settle)

    @property
    def total(self) -> int | None:
        """The steps from the start to the script's end: the script's own, and the lines typed
        among them with what they change (a typed line may wake, block or feed the script's
        calls), found by a dry run from the typed lines on. None when a line cannot run."""
        last = next(
            (
                i
                for i in range(len(self.entries) - 1, -1, -1)
                if self.entries[i].origin is None and not self.entries[i].settle
            ),
            None,
        )
        if last is None or not self.script:
            return self.script_steps
        upto = tuple(self.entries[: last + 1])  # the dry run starts after the last typed line
        if self._projected is None or self._projected[0] != upto:
            self._projected = (upto, count_steps(self.script, list(upto)))
        return self._projected[1]

    @property
    def settling(self) -> bool:
        """Whether the next step is a line the previous one caused (a woken call resuming)."""
        return self.kernel.settling

    def load(self, text: str, name: str = "<script>") -> None:
        """Load a script to step through (raises ScriptError); the session starts afresh."""
        script = parse(text, name)
        self.script = script.statements
        self.script_name = name
        self.cursor = 0
        self.entries = []
        self.redo_stack = []
        self.checkpoints = []
        self._reset()
        self.script_steps = count_steps(self.script)
        self._projected = None

    def load_file(self, path: str | Path) -> None:
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise ScriptError(f"cannot read {p}: {getattr(e, 'strerror', None) or e}", 0) from None
        self.load(text, str(p))

    # ------------------------------------------------------------ running

    def _run(self, st: Statement, hold: bool = False) -> Outcome:
        """Run one statement on the kernel, recording its trace lines."""
        if isinstance(st, Narration):
            self.narration = st.text
            self.trace.append(TraceLine(f"## {st.text}", "narration", 0))
            return Outcome(True)
        try:
            step = self.runner.step(st, hold)
        except ExpectationFailed as e:
            self._record(e.events, st)
            return Outcome(False, f"line {e.lineno}: expected {e.expected}, got {e.got}", e.events)
        self._record(step.events, st)
        message = ""
        first = step.events[0] if step.events else None
        if first is not None and first.status == "error":
            message = text_line(first, st)
        return Outcome(True, message, step.events)

    def _record(self, events: list[Event], st: Statement | None) -> None:
        for ev in events:
            origin = st if ev.kind in ("call", "spawn") else ev.tag
            self.trace.append(TraceLine(text_line(ev, origin), trace_kind(ev), ev.pid))

    def submit(self, line: str) -> Outcome:
        """Run a line typed by the user (or built by a form). A script error changes nothing."""
        try:
            st = parse_line(line, self.steps + 1)
        except ScriptError as e:
            return Outcome(False, e.message)
        if st is None:
            return Outcome(False, "nothing to run: the line is empty or a comment")
        if isinstance(st, Assertion):
            return Outcome(False, "that line is an assertion about a trace; it runs nothing")
        while self.settling:  # a typed line comes after what the last step is still causing
            self._substep()
        try:
            outcome = self._run(st)
        except ScriptError as e:
            return Outcome(False, e.message)
        self._enter(Entry(line.strip()))
        self.redo_stack.clear()
        return outcome

    def step(self) -> Outcome:
        """Run the loaded script's next line (and check the assertion lines that follow it)."""
        if self.at_end:
            return Outcome(False, "the script has no more lines")
        self.redo_stack.clear()
        if self.settling:
            return self._substep()
        index = self.cursor
        st = self.script[index]
        try:
            outcome = self._run(st, hold=True)
        except ScriptError as e:
            return Outcome(False, f"line {e.lineno}: {e.message}")
        self.cursor += 1
        if not self.settling:
            outcome = self._check(outcome)
        self._enter(Entry(_source(st), index))  # after its assertions: a checkpoint includes them
        return outcome

    def _substep(self) -> Outcome:
        """The next line(s) the previous call caused; once it has settled, its assertions."""
        events = self.runner.settle()
        self._record(events, None)
        outcome = Outcome(True, "", events)
        if not self.settling:
            outcome = self._check(outcome)
        self._enter(Entry(self.trace[-1].text if events else "", None, settle=True))
        return outcome

    def _check(self, outcome: Outcome) -> Outcome:
        """Check the assertion lines that follow the statement run (now that all it caused is out)."""
        while self.cursor < len(self.script) and isinstance(self.script[self.cursor], Assertion):
            check = self.script[self.cursor]
            self.cursor += 1
            try:
                self.runner.step(check)
            except ExpectationFailed as e:
                if outcome.ok:
                    outcome = Outcome(
                        False, f"line {e.lineno}: expected {e.expected}, got {e.got}", outcome.events
                    )
        return outcome

    def next_statement(self) -> Statement | None:
        """The statement the next step runs (for the views: which pane it touches)."""
        if self.settling or self.cursor >= len(self.script):
            return None  # the next step is a line the last one caused, or there is none
        return self.script[self.cursor]

    # ---------------------------------------------------------- time travel

    def replay(self, entries: list[Entry]) -> None:
        """Rebuild the state of the first len(entries) entries (a prefix of the session's own)
        by running them again, from the latest checkpoint that lies within them."""
        self.checkpoints = [c for c in self.checkpoints if c.steps <= len(entries)]
        start = self._restore(entries)
        for entry in entries[start:]:
            if entry.settle:
                self._substep()
            elif entry.origin is not None:
                self.cursor = entry.origin
                self.step()
            else:
                st = parse_line(entry.text, len(self.entries) + 1)
                if st is not None:
                    self._run(st)
                self._enter(entry)
        if entries and entries[-1].origin is None and not entries[-1].settle:
            self.cursor = max((e.origin + 1 for e in entries if e.origin is not None), default=0)
            self._skip_assertions()

    def _restore(self, entries: list[Entry]) -> int:
        """Go back to the latest usable checkpoint (or to the start); the entries done."""
        for cp in reversed(self.checkpoints):
            if all(a is b for a, b in zip(entries[: cp.steps], self.entries, strict=False)):
                self.kernel, self.runner = copy.deepcopy(cp.state)
                self.trace = self.trace[: cp.trace_len]
                self.narration, self.cursor = cp.narration, cp.cursor
                self.entries = list(entries[: cp.steps])
                return cp.steps
        self._reset()
        self.entries = []
        self.cursor = 0
        return 0

    def _enter(self, entry: Entry) -> None:
        """Record an entry run; now and then keep a checkpoint of the state it leaves."""
        self.entries.append(entry)
        last = self.checkpoints[-1].steps if self.checkpoints else 0
        if self.steps - last < CHECKPOINT_EVERY:
            return
        if self.settling or any(p.waiter is not None for p in self.kernel.procs.values()):
            return  # a blocked call cannot be copied: try again at the next step
        try:
            state = copy.deepcopy((self.kernel, self.runner))
        except TypeError:  # something else that cannot be copied: replay covers it
            return
        self.checkpoints.append(Checkpoint(self.steps, state, len(self.trace), self.narration, self.cursor))
        del self.checkpoints[:-CHECKPOINTS_KEPT]

    def _skip_assertions(self) -> None:
        while not self.at_end and isinstance(self.script[self.cursor], Assertion):
            self.cursor += 1

    def undo(self) -> bool:
        if not self.entries:
            return False
        last = self.entries[-1]
        redo = [*self.redo_stack, last]
        self.replay(self.entries[:-1])
        if last.origin is not None:
            self.cursor = last.origin
        self.redo_stack = redo
        return True

    def redo(self) -> Outcome | None:
        if not self.redo_stack:
            return None
        entry = self.redo_stack.pop()
        redo = list(self.redo_stack)  # a copy: stepping clears the session's own stack
        if entry.settle:
            outcome = self.step()
        elif entry.origin is not None:
            self.cursor = entry.origin
            outcome = self.step()
        else:
            outcome = self.submit(entry.text)
        self.redo_stack = redo
        return outcome

    def jump(self, n: int) -> None:
        """Go to step n: back by replaying, forward by stepping the script."""
        n = max(0, n)
        if n <= self.steps:
            kept = self.entries[:n]
            undone = self.entries[n:]
            self.replay(kept)
            self.redo_stack = list(reversed(undone))
            if undone and undone[0].origin is not None:
                self.cursor = undone[0].origin
            return
        while self.steps < n and not self.at_end:
            self.step()

    # --------------------------------------------------------------- saving

    def script_text(self) -> str:
        """The session as a script that `ipctui run` replays and checks: narration and trace."""
        return "".join(t.text + "\n" for t in self.trace)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.script_text(), encoding="utf-8")


def count_steps(script: list[Statement], start: list[Entry] | None = None) -> int | None:
    """How many steps a script takes, sub-steps included, after the entries `start` (a dry run:
    the engine is cheap and deterministic); None when a line cannot run, which stops the
    stepping there."""
    probe = Session()
    probe.script = script
    probe.replay(start or [])
    while not probe.at_end:
        before = probe.steps
        probe.step()
        if probe.steps == before:
            return None
    return probe.steps


def _source(st: Statement) -> str:
    if isinstance(st, Narration):
        return f"## {st.text}"
    return getattr(st, "text", "")
