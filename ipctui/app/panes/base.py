"""A pane per mechanism: each renders the engine's state for its objects."""

from __future__ import annotations

from typing import ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...engine import Kernel


class MechanismPane(VerticalScroll):
    """Shows one mechanism's objects. Subclasses say which calls touch it and how to draw it."""

    DEFAULT_CSS = """
    MechanismPane { padding: 0 1; }
    MechanismPane > Static { width: 1fr; }
    """

    title: ClassVar[str] = ""
    mechanisms: ClassVar[frozenset[str]] = frozenset()  # Syscall.mechanism values it shows
    hint: ClassVar[str] = ""  # what to type when there is nothing to show

    def compose(self):  # type: ignore[override]
        yield Static(self.empty())

    def empty(self) -> RenderableType:
        t = Text(f"No {self.title.lower()} yet.\n", style="bold")
        t.append(self.hint, style="dim")
        return t

    def show(self, kernel: Kernel) -> None:
        width = max(20, self.size.width - 4) if self.size.width else 76
        self.query_one(Static).update(self.render_state(kernel, width))

    def render_state(self, kernel: Kernel, width: int) -> RenderableType:
        raise NotImplementedError  # every pane defines it
