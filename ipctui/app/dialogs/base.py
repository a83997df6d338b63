"""The base of every dialog: closing twice must not close what lies underneath."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Generic, TypeVar

from textual import on
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

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


class FilteredPicker(Dialog[str | None]):
    """A filter field above a list of options: arrows move in the list while typing, Enter takes
    the highlighted option, a click or Enter in the list takes that one; returns its id."""

    LIST_ID = "options"  # the OptionList's id

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel")]

    # each picker's own: the options that match what is typed, and which one to highlight
    options_for: Callable[[str], tuple[list[Option], int]]

    def fill(self, text: str) -> None:
        options = self.query_one(f"#{self.LIST_ID}", OptionList)
        options.clear_options()
        found, highlighted = self.options_for(text)
        options.add_options(found)
        if found:
            options.highlighted = highlighted

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        self.fill(event.value)

    def on_mount(self) -> None:
        self.fill("")
        self.query_one("#filter", Input).focus()

    @on(Input.Submitted, "#filter")
    def _submit_filter(self) -> None:
        options = self.query_one(f"#{self.LIST_ID}", OptionList)
        if options.highlighted is not None:
            self.finish(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.finish(event.option.id)

    def key_down(self) -> None:
        self.query_one(f"#{self.LIST_ID}", OptionList).action_cursor_down()

    def key_up(self) -> None:
        self.query_one(f"#{self.LIST_ID}", OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        self.finish(None)
