"""Quiz mode: predict a line's result before it is revealed (OSTEP's `-c`, made interactive).

Pure logic, no UI: which lines of a script are questions, how an answer typed by a student is
read and checked, and the score. A line is a question when the script writes its result: a
call's `= RESULT` or `<unfinished ...>`, and a `<... call resumed> = RESULT` line (a partial
write's count included). Questions follow the steps: a call is asked before the step that runs
it, and each line it wakes before the sub-step that shows it resuming. The answer is a value
(`5`, `"hi"`, `["a", 1]`), an errno (`EAGAIN`, `-1 EAGAIN`) or `blocks`. A call that never
returns (`exit(0) = ?`) is no question.
"""

from __future__ import annotations

import errno as errno_module
import re
from dataclasses import dataclass, field

from .script import Assertion, Call, Narration, ScriptError, Statement
from .script.statements import Expect, parse_result
from .script.values import fmt, normalise

BLOCKS = frozenset(
    {"blocks", "block", "blocked", "it blocks", "sleeps", "waits", "<unfinished ...>", "unfinished"}
)
_ERRNO = re.compile(r"(?:-1\s*)?(E[A-Z0-9]+)(?:\s*\(.*\))?\Z", re.I)


@dataclass(frozen=True, slots=True)
class Question:
    """One line to predict: where it is, how it reads without its result, and the result."""

    lineno: int
    prompt: str  # the line as the trace shows it, its result left out
    expect: Expect

    @property
    def answer(self) -> str:
        """The result as a student would type it."""
        e = self.expect
        if e.status == "blocked":
            return "blocks"
        if e.status == "error":
            return str(e.value)
        return fmt(e.value)


@dataclass(frozen=True, slots=True)
class Verdict:
    """A question answered: what was typed, whether it was right, and a word on why not."""

    question: Question
    given: str
    correct: bool
    note: str = ""


def question_for(st: Statement) -> Question | None:
    """The question a statement asks, if the script writes its result (`= ?`, a call such as
    exit() that never returns, asks nothing)."""
    if isinstance(st, (Call, Assertion)) and st.expect is not None and st.expect.status == "fault":
        return None
    if isinstance(st, Call) and st.expect is not None:
        return Question(st.lineno, st.text, st.expect)
    if isinstance(st, Assertion) and st.kind == "resumed" and st.expect is not None:
        return Question(st.lineno, f"{st.proc}: <... {st.call} resumed>", st.expect)
    return None


def upcoming(script: list[Statement], cursor: int) -> tuple[int, list[Question]]:
    """The question to ask before stepping at `cursor` (the session not settling), and the index
    of the statement it belongs to: the statement's own line. Narration before it comes with the
    reveal, not before it (it often tells what happens: "the sleeping child wakes"). The lines
    the statement wakes are sub-steps of their own, asked before each (resumed())."""
    i = cursor
    while i < len(script) and isinstance(script[i], Narration):
        i += 1
    q = question_for(script[i]) if i < len(script) and not isinstance(script[i], Assertion) else None
    return (i, [q]) if q is not None else (cursor, [])


def resumed(script: list[Statement], cursor: int, out: int) -> list[Question]:
    """The question to ask before the next sub-step, while the statement before `cursor` is
    settling: `out` of its lines after its own are out already. The script checks those lines,
    in order, against the assertion lines that follow it (narration may come between them), so
    the next line out is checked by the assertion after those `out`: if that is a resumed line
    with a written result, it is asked."""
    checks: list[Statement] = []
    i = cursor
    while i < len(script) and isinstance(script[i], (Assertion, Narration)) and len(checks) <= out:
        if isinstance(script[i], Assertion):
            checks.append(script[i])
        i += 1
    q = question_for(checks[out]) if len(checks) > out else None
    return [q] if q is not None else []


def check(question: Question, given: str) -> Verdict:
    """Whether `given` is the line's result. Quotes may be left off a string; an errno may come
    with or without `-1` and its description; `blocks` (or `<unfinished ...>`) for a call that
    sleeps. Half of a list, or the size asked for instead of a partial count, is wrong, and the
    note says so."""
    text = " ".join(given.split())
    e = question.expect
    kind = _kind(text)
    if kind == "blocked":
        ok = e.status == "blocked"
        return Verdict(question, given, ok, "" if ok else f"it does not block: {_said(e)}")
    if e.status == "blocked":
        return Verdict(question, given, False, "it blocks: nothing can complete it yet")
    if kind == "error":
        name = _ERRNO.match(text).group(1).upper()  # type: ignore[union-attr]
        ok = e.status == "error" and e.value == name
        return Verdict(question, given, ok, "" if ok else _said(e))
    if e.status != "ok":
        return Verdict(question, given, False, _said(e))
    value = _value(text)
    want = normalise(e.value)
    if value is not None and value == want:
        return Verdict(question, given, True)
    if isinstance(want, list) and value is not None and value in want:
        return Verdict(question, given, False, f"only part of it: the whole result is {fmt(e.value)}")
    return Verdict(question, given, False, _said(e))


def _kind(text: str) -> str:
    low = text.lower()
    if low in BLOCKS:
        return "blocked"
    m = _ERRNO.match(text)
    return "error" if m is not None and hasattr(errno_module, m.group(1).upper()) else "value"


def _value(text: str) -> object | None:
    """An answer as a value (None if it reads as none); a bare word is taken as a string."""
    if not text:
        return None
    try:
        expect = parse_result(text, 0)
    except ScriptError:
        return normalise(text)
    if expect.status != "ok":
        return None
    value = normalise(expect.value)
    return value if not hasattr(value, "name") else normalise(text)  # a bare word: text


def _said(e: Expect) -> str:
    if e.status == "blocked":
        return "it blocks"
    if e.status == "error":
        return f"it fails: -1 {e.value}"
    return f"it returns {fmt(e.value)}"


@dataclass
class Quiz:
    """The answers so far; the score and the lines to review."""

    answered: list[Verdict] = field(default_factory=list)

    def answer(self, question: Question, given: str) -> Verdict:
        """Check an answer and keep it. A line asked again (stepped back to with undo or jump)
        counts once: the latest answer replaces the earlier one."""
        verdict = check(question, given)
        self.answered = [v for v in self.answered if v.question != question]
        self.answered.append(verdict)
        return verdict

    @property
    def right(self) -> int:
        return sum(v.correct for v in self.answered)

    @property
    def score(self) -> str:
        return f"{self.right}/{len(self.answered)}"

    @property
    def to_review(self) -> list[Verdict]:
        return [v for v in self.answered if not v.correct]

    def summary(self) -> str:
        """What the student gets at the end: the score, then each line to review."""
        lines = [f"Score: {self.score} predicted right."]
        if not self.answered:
            return "No lines were quizzed."
        if not self.to_review:
            lines.append("Nothing to review: every prediction was right.")
        else:
            lines.append("Lines to review:")
            for v in self.to_review:
                q = v.question
                said = v.given.strip() or "nothing"
                lines.append(f"  line {q.lineno}: {q.prompt} → {q.answer}  (you said {said})")
        return "\n".join(lines)
