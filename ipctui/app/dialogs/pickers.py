"""Choosing a call, spawning a process, and short prompts (a path, a step number)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ...engine import SYSCALLS, Kernel
from ...engine.kernel import NAME_RE
from ...vocab.mechanisms import order
from .base import Dialog, FilteredPicker


class CallPicker(FilteredPicker):
    """Every call, grouped by mechanism; type to filter, Enter to choose."""

    LIST_ID = "calls"

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("[b]Make a call[/b]  (type to filter · Enter chooses · Escape cancels)")
            yield Input(placeholder="filter: read, mq_, socket ...", id="filter")
            yield OptionList(id="calls")

    def options_for(self, text: str) -> tuple[list[Option], int]:
        text = text.strip()
        calls = sorted(SYSCALLS.values(), key=lambda s: (order(s.mechanism), s.name))
        return [
            Option(f"{spec.mechanism:>8}  [b]{spec.usage()}[/b]  {spec.summary}", id=spec.name)
            for spec in calls
            if text in spec.name or text in spec.mechanism
        ], 0


class Prompt(Dialog[str | None]):
    """One line of input with a check that explains what is wrong before it is accepted."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel")]

    def __init__(
        self,
        title: str,
        value: str = "",
        placeholder: str = "",
        check: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.check = check or (lambda _: None)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(f"[b]{self.title_text}[/b]  (Enter accepts · Escape cancels)")
            yield Input(self.value, placeholder=self.placeholder, id="value")
            yield Static(id="problem")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        problem = self.check(event.value) if event.value.strip() else None
        self.query_one("#problem", Static).update(f"[$text-error]{problem}[/]" if problem else "")

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        problem = self.check(value) if value else "type something, or Escape to cancel"
        if problem:
            self.query_one("#problem", Static).update(f"[$text-error]{problem}[/]")
            return
        self.finish(value)

    def action_cancel(self) -> None:
        self.finish(None)


def spawn_check(kernel: Kernel) -> Callable[[str], str | None]:
    """`NAME` or `NAME uid=N`: what a spawn prompt accepts."""

    def check(value: str) -> str | None:
        parts = value.split()
        if not parts:
            return "type a name"
        if not NAME_RE.match(parts[0]):
            return "a name starts with a letter, then letters, digits, _ or -"
        if kernel.process(parts[0]) is not None:
            return f"{parts[0]} already exists"
        if len(parts) > 2 or (
            len(parts) == 2 and not (parts[1].startswith("uid=") and parts[1][4:].isdigit())
        ):
            return "write NAME, or NAME uid=N (0 is root; the default is 1000)"
        return None

    return check


def demo_row(name: str, title: str) -> Table:
    """A demo's name and description in two columns: a long description wraps in its own
    column instead of under the name."""
    row = Table.grid(padding=(0, 1), expand=True)
    row.add_column(width=19, no_wrap=True, style="bold")
    row.add_column(ratio=1)
    row.add_row(name, title)
    return row


class DemoPicker(Dialog[str | None]):
    """The built-in demos, one line each; Enter opens one to step through."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel")]

    def compose(self) -> ComposeResult:
        from ...demos import all_demos

        with Vertical(id="dialog"):
            yield Label("[b]Demos[/b]  (Enter opens one; then space steps through it · Escape cancels)")
            yield OptionList(*[Option(demo_row(d.name, d.title), id=d.name) for d in all_demos()], id="demos")

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.finish(event.option.id)

    def action_cancel(self) -> None:
        self.finish(None)
