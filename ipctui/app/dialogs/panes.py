"""The pane picker: every pane, with its key, found by typing part of its name.

Ten digits bring the first ten panes forward; there are more (and Explore, a screen of its own
on `E`), so `v` lists them all. Typing filters fuzzily, as the command palette does, over each
pane's title, what it shows and its calls (typing `mq_send` finds Queues); Enter brings the
highlighted one forward.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.fuzzy import Matcher
from textual.style import Style
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from ..routing import PickerEntry
from .base import FilteredPicker

MATCH = Style(bold=True, underline=True)  # no colour of its own: the theme's stay readable
TITLE = 12  # columns for a pane's title


def ranked(entries: list[PickerEntry], query: str) -> list[tuple[PickerEntry, Content]]:
    """The entries that match `query`, best first (in their order when nothing is typed), each
    with its line: the key, the title and what it shows, the matched letters marked, and the
    calls that contain what was typed when that is what matched."""
    query = query.strip()
    matcher = Matcher(query, match_style=MATCH)
    found: list[tuple[bool, float, int, PickerEntry, Content]] = []
    for i, e in enumerate(entries):
        shown = f"{e.title:<{TITLE}} {e.about}"
        # its title first, then what it shows, then its calls
        by_name = max(matcher.match(e.title) * 2, matcher.match(shown)) if query else 1.0
        by_call = matcher.match(" ".join(e.calls)) * 0.9 if query else 0.0
        keyed = bool(query) and query == e.key  # its key, typed: a digit, or E
        if not (keyed or by_name or by_call):
            continue
        text = (matcher.highlight(shown) if query else Content(shown)).stylize("bold", 0, len(e.title))
        line = Content.assemble((f"{e.key or ' ':>2}  ", "bold"), text)
        calls = [c for c in e.calls if query.lower() in c.lower()] if by_call > by_name else []
        if len(query) > 1 and calls:  # found by a call's name: say which
            line = line.append_text(f"  · {', '.join(calls[:3])}")
        found.append((not keyed, -max(by_name, by_call), i, e, line))
    return [(e, line) for *_, e, line in sorted(found, key=lambda f: f[:3])]


class PanePicker(FilteredPicker):
    """Choose a pane (or Explore) by typing; returns its id."""

    LIST_ID = "pane-list"

    def __init__(self, entries: list[PickerEntry], front: str | None = None) -> None:
        super().__init__()
        self.entries = entries
        self.front = front  # the pane in front, highlighted when nothing is typed

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("[b]Show a pane[/b]  (type to find · Enter shows · Escape cancels)")
            yield Input(placeholder="pipes, sysv, mq_send, bench ...", id="filter")
            yield OptionList(id="pane-list")

    def options_for(self, text: str) -> tuple[list[Option], int]:
        rows = ranked(self.entries, text)
        ids = [e.id for e, _ in rows]
        front = ids.index(self.front) if not text and self.front in ids else 0
        return [Option(line, id=e.id) for e, line in rows], front
