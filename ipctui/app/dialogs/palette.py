"""Textual's command palette, safe against a selection that arrives after it has closed.

Two quick enters (or a click and an enter) can queue a second selection behind the first; the
first closes the palette, and Textual's palette, handling the second, would close "itself" again,
popping the screen beneath it or, with nothing beneath, stopping the app (found by the monkey
test). A palette no longer on top ignores what reaches it.
"""

from __future__ import annotations

from typing import Any

from textual.app import ScreenStackError
from textual.await_complete import AwaitComplete
from textual.command import CommandPalette
from textual.widgets import Button, Input


class Palette(CommandPalette):
    def _on_top(self) -> bool:
        try:
            return self.app.screen is self
        except ScreenStackError:  # the app is closing
            return False

    def _select_or_command(self, event: Input.Submitted | Button.Pressed | None = None) -> None:
        if self._on_top():
            super()._select_or_command(event)

    def dismiss(self, result: Any = None) -> AwaitComplete:
        if not self._on_top():
            return AwaitComplete.nothing()
        return super().dismiss(result)
