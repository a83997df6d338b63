"""Quiz mode's screens: the question before a step, and the summary at the end.

The checking is ipctui/quiz.py; here the student types, and the app is told what to do next.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, Static

from ...quiz import Question, Quiz, Verdict, resumed, upcoming
from .base import Dialog

if TYPE_CHECKING:
    from ..app import PlaygroundApp

HOW = 'a value (5, "hi", [3, 4]), an errno (EAGAIN) or blocks'


class QuizQuestion(Dialog[list[str] | None]):
    """The step's lines without their results, one answer field each; Enter on the last one
    reveals (Escape leaves the step untaken). Compact, at the bottom of the screen (ipctui.tcss):
    the panes and processes above stay in view to predict from."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel")]
    DEFAULT_CSS = """
    QuizQuestion .last { color: $text-muted; }
    QuizQuestion #problem { color: $text-error; display: none; }
    QuizQuestion #problem.shown { display: block; }
    """

    def __init__(self, questions: list[Question], score: str, last: str = "") -> None:
        super().__init__()
        self.questions = questions
        self.score = score
        self.last = last  # the verdict on the previous answer

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(f"[b]Quiz[/b] · score {self.score}  (Enter answers · Escape stops here)")
            if self.last:
                yield Static(f"last: {self.last}", classes="last", markup=False)
            for i, q in enumerate(self.questions):
                yield Label(f"line {q.lineno}:  [b]{_escape(q.prompt)}[/b] = ?  what does it return?")
                yield Input(placeholder=HOW, id=f"answer-{i}")
            yield Static(id="problem")

    def on_mount(self) -> None:
        self.query_one("#answer-0", Input).focus()

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        """Enter moves to the next empty answer; on the last one it reveals."""
        inputs = list(self.query(Input))
        empty = [i for i in inputs if not i.value.strip()]
        if not empty:
            self.finish([i.value for i in inputs])
        elif event.input.value.strip():
            empty[0].focus()
        else:
            problem = self.query_one("#problem", Static)
            problem.update(f"type a prediction: {HOW}")
            problem.add_class("shown")

    def action_cancel(self) -> None:
        self.finish(None)


class QuizSummary(Dialog[None]):
    """The score and the lines to review (scrolling when there are more than fit)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter,q", "close", "close")]
    DEFAULT_CSS = """
    QuizSummary #review { height: auto; max-height: 1fr; margin: 1 0; }
    """

    def __init__(self, summary: str) -> None:
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("[b]Quiz over[/b]  (Escape or Enter closes · ↑↓ scroll)")
            with VerticalScroll(id="review"):
                yield Static(self.summary, id="summary", markup=False)

    def action_close(self) -> None:
        self.finish(None)


def _verdict(v: Verdict) -> str:
    """An answer: right, or what the result is."""
    return f"✓ {v.question.answer}" if v.correct else f"✗ {v.note} (you said {v.given.strip()})"


def _escape(text: str) -> str:
    return text.replace("[", r"\[")


@dataclass
class QuizMode:
    """The app's quiz: asks before each step whose line has a written result, then lets the
    step run (the trace shows the result, the narration its story), and sums up at the end.
    Steps are the trace's lines: a line that wakes others is asked and shown first, then each
    resumed line, asked before the sub-step that shows it."""

    quiz: Quiz = field(default_factory=Quiz)
    revealing: bool = False  # the answered step is running: do not ask again
    finished: bool = False

    def ask(self, app: PlaygroundApp) -> bool:
        """Ask about the step to come, if it has questions; True if it did (the step then runs
        once the student has answered). A step is a statement (asked: its own line), or a
        sub-step while the last one settles (asked: the resumed line it will show)."""
        if self.revealing:
            return False
        if isinstance(app.screen, QuizQuestion):  # already asking (a held key, a play tick)
            return True
        session = app.session
        substep = session.settling
        if substep:  # the lines out after the statement's own tell which assertion comes next
            target, questions = (
                session.cursor,
                resumed(session.script, session.cursor, len(session.kernel.events) - 1),
            )
        else:
            target, questions = upcoming(session.script, session.cursor)
        if not questions:
            return False
        app.stop_playing()  # playing pauses at each question

        def answered(answers: list[str] | None) -> None:
            if answers is None:
                return
            verdicts = [self.quiz.answer(q, a) for q, a in zip(questions, answers, strict=True)]
            self.revealing = True
            try:
                if substep:  # the woken call's line, resumed
                    app.action_step()
                while not substep and session.cursor <= target and not session.at_end:
                    before = session.cursor  # the narration before the line, then the line
                    app.action_step()
                    if session.cursor == before:  # the line could not run: it said why
                        break
            finally:
                self.revealing = False
            app.clear_notifications()  # one verdict at a time: the latest
            app.notify(
                self.verdict_text(verdicts),
                severity="information" if all(v.correct for v in verdicts) else "warning",
            )

        last = self.quiz.answered[-1] if self.quiz.answered else None
        last_text = f"line {last.question.lineno} {_verdict(last)}" if last is not None else ""
        app.clear_notifications()  # the verdict is in the dialog now, not under it
        app.push_screen(QuizQuestion(questions, self.quiz.score, last_text), answered)
        return True

    def verdict_text(self, verdicts: list[Verdict]) -> str:
        """One part per answer: right, or what it is; and the score."""
        return f"{' · '.join(map(_verdict, verdicts))} — score {self.quiz.score}"

    def after_step(self, app: PlaygroundApp) -> None:
        """At the script's end, once: the score and the lines to review."""
        if app.session.at_end and not self.finished and self.quiz.answered:
            self.finished = True
            app.push_screen(QuizSummary(self.quiz.summary()))
