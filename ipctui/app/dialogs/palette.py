"""Textual's command palette, safe against what arrives after it has closed.

Two quick enters (or a click and an enter) can queue a second selection behind the first; the
first closes the palette, and Textual's palette, handling the second, would close "itself" again,
popping the screen beneath it or, with nothing beneath, stopping the app. And a search still
running when the palette closes goes on to show or hide the palette's list, which is gone: the
error stopped the app. (Both found by the monkey test.) A palette no longer on top ignores what
reaches it, and its list's visibility is set only while the list is there.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from textual.app import ScreenStackError
from textual.await_complete import AwaitComplete
from textual.command import CommandList, CommandPalette
from textual.css.query import NoMatches
from textual.widgets import Button, Input, LoadingIndicator


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

    def _watch__list_visible(self) -> None:
        with suppress(NoMatches):
            super()._watch__list_visible()

    def _watch__show_busy(self) -> None:  # Textual's, made plain: a coroutine on a closed
        with suppress(NoMatches):  # palette would never be awaited
            self.query_one(LoadingIndicator).set_class(self._show_busy, "--visible")
            self.query_one(CommandList).set_class(self._show_busy, "--populating")
