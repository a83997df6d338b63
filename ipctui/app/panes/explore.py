"""Explore every schedule of the session's script, in a worker, then list what it found.

Progress shows while the search runs (a thread worker; the engine is pure and knows nothing of
it); then the outcomes, deadlocks first. Choosing one dismisses with that outcome's trace, which
the app opens as the session, to step through to the moment it goes wrong.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from ...explore import ExploreResult, OutcomeGroup, explore
from ...explore.report import summary
from ...explore.state import Programs
from ..dialogs.base import Dialog
from ..wording import count

MAX_SCHEDULES = 20_000  # the TUI stays responsive; the CLI goes to 100,000


class _Stopped(Exception):
    """The pane closed while the search ran."""


def describe(o: OutcomeGroup) -> str:
    """One line per outcome for the list."""
    n = f"{o.schedules:,} schedule{'' if o.schedules == 1 else 's'}"
    if o.kind == "deadlock":
        calls = ", ".join(b["call"].removesuffix(" <unfinished ...>") for b in o.blocked)
        cycle = " -> ".join([*o.cycle, o.cycle[0]]) if o.cycle else "no cycle"
        return f"[b]deadlock[/b]  {n}  {cycle}  [i]{calls}[/i]"
    if o.kind == "failed" and o.failure is not None:
        f = o.failure
        return f"[b]failed[/b]  {n}  line {f['line']}: expected {f['expected']}, got {f['got']}"
    last = next((ln for ln in reversed(o.trace) if ": " in ln), "")
    return f"complete  {n}  [i]{count(len(o.trace), 'line')}, ends {last}[/i]"


class ExplorePane(Dialog[list[str] | None]):
    """Explore every schedule: progress, then the outcomes; Enter opens one's trace."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "close")]

    def __init__(self, progs: Programs, name: str) -> None:
        super().__init__()
        self.progs, self.script_name = progs, PurePath(name).name
        self.result: ExploreResult | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(f"[b]Explore every schedule[/b] of {self.script_name}  (Enter opens · Escape closes)")
            yield Label("exploring ...", id="progress")
            yield OptionList(id="outcomes")

    def on_mount(self) -> None:
        self.query_one("#outcomes", OptionList).display = False
        self.search()

    @work(thread=True, exclusive=True)
    def search(self) -> None:
        worker = get_current_worker()

        def progress(schedules: int, states: int) -> None:
            if worker.is_cancelled:
                raise _Stopped
            self.app.call_from_thread(self.show_progress, schedules, states)

        try:
            result = explore(self.progs, MAX_SCHEDULES, progress)
        except _Stopped:
            return
        except Exception as e:  # a script error in some order: say so, never crash the app
            self.app.call_from_thread(self.show_error, str(e))
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self.show_result, result)

    def show_progress(self, schedules: int, states: int) -> None:
        seen = f"{count(schedules, 'schedule')}, {count(states, 'state')}"
        self.query_one("#progress", Label).update(f"exploring ... {seen}")

    def show_error(self, message: str) -> None:
        self.query_one("#progress", Label).update(f"cannot explore: {message}")

    def show_result(self, result: ExploreResult) -> None:
        self.result = result
        self.query_one("#progress", Label).update(summary(result))
        options = self.query_one("#outcomes", OptionList)
        options.add_options(Option(describe(o), id=str(i)) for i, o in enumerate(result.outcomes))
        options.display = True
        if options.option_count:
            options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected, "#outcomes")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if self.result is not None and event.option.id is not None:
            self.finish(self.result.outcomes[int(event.option.id)].trace)

    def action_cancel(self) -> None:
        self.workers.cancel_all()
        self.finish(None)


__all__ = ["ExplorePane", "describe"]
