"""The base of every dialog: closing twice must not close what lies underneath."""

from __future__ import annotations

from typing import Generic, TypeVar

from textual.screen import ModalScreen

T = TypeVar("T")


class Dialog(ModalScreen[T], Generic[T]):
    """A modal screen that returns a value once.

    Textual's dismiss() pops whatever screen is on top, so a second Enter that was already queued
    (fast typing, a held key) would pop the playground itself. finish() only acts the first time,
    and only while this dialog is the current screen.
    """

    _answered = False

    def finish(self, result: T | None = None) -> None:
        if self._answered or not self.is_current:
            return
        self._answered = True
        self.dismiss(result)
