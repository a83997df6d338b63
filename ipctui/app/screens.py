"""The main screen: what is where, and how the space is shared as the screen and the session change.

The mechanism panes sit on top at full width, processes and trace below: side by side from
NARROW columns, stacked under that (the `narrow` class). The fitting is done here, by size only
and only when it changes (a change is a layout, which costs a frame).
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Static

from ..session import Session
from .panes.base import ObjectsView
from .routing import PANES
from .widgets.console import Console
from .widgets.footer import FittingFooter
from .widgets.pane_bar import PaneBar
from .widgets.process_table import ProcessTable
from .widgets.stuck_banner import StuckBanner
from .widgets.trace_log import TraceLog

MIN_TRACE = 4  # rows the trace keeps (its border and two lines) when a stacked pane grows
NARROW = 140  # columns below which processes and trace stack instead of sitting side by side
MIN_WIDE = 8  # rows a mechanism pane keeps side by side, however few objects it shows


class MainScreen(Screen):
    """The playground's layout, and the fitting of its parts to the screen and the session."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.shown_narration: str | None = None  # what the narration line shows now
        self._left_cols: int | None = None  # the processes' width side by side, once fitted
        self._panes_rows: int | None = None  # the rows given to the pane in front (stacked), if set

    def compose(self) -> ComposeResult:
        yield Static(id="titlebar")
        yield PaneBar([(p.id, p.title) for p in PANES], id="tabs")
        with ContentSwitcher(initial="objects", id="panes"):
            yield ObjectsView({p.id: p.widget() for p in PANES if p.mechanism}, id="objects")
            for p in PANES:
                if not p.mechanism:
                    yield p.widget(id=f"pane-{p.id}")
        with Horizontal(id="bottom"):
            with Vertical(id="left"):
                yield ProcessTable(id="procs")
            with Vertical(id="trace-box"):  # the border is the box's: the log scrolls, the box does not
                yield TraceLog(id="trace")
        yield Static(id="narration")
        yield StuckBanner(id="stuck")
        yield Console(self.session, id="console")
        yield Static(id="console-problem")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#left").border_title = "processes"
        self.query_one("#left").border_subtitle = "↑↓ select · f k w r x act on it"
        self.query_one("#trace-box").border_title = "trace"
        self.set_class(self.app.size.width < NARROW, "narrow")
        self.app.main_ready()  # type: ignore[attr-defined]

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW, "narrow")
        self.fit_panes(self.app.front_is_mechanism)  # type: ignore[attr-defined]

    def narrate(self, text: str | None) -> None:
        """Show `text` on the narration line (hidden when None). Only on a change: its height
        may change, and that is a relayout."""
        if text != self.shown_narration:
            narration = self.query_one("#narration", Static)
            narration.update(f"▸ {text}" if text else "")
            narration.set_class(bool(text), "shown")
            self.shown_narration = text

    def fit_processes(self, wanted: int) -> None:
        """Side by side (from NARROW columns), the processes take the width their descriptors
        need (`wanted`), between 45% and 72% of the screen, the trace the rest."""
        width = self.size.width
        # + its border (2) and the table's scrollbar gutter (2)
        cols = None if width < NARROW else max(width * 45 // 100, min(wanted + 4, width * 72 // 100))
        if cols != self._left_cols:
            self._left_cols = cols
            self.query_one("#left").styles.width = cols
            table = self.query_one(ProcessTable)  # its columns follow its new width
            self.app.call_after_refresh(lambda: table.show(self.session.kernel))

    def fit_panes(self, mechanism_in_front: bool) -> None:
        """A mechanism pane in front gets the rows its objects need. Stacked (below NARROW
        columns), as far as that leaves the processes theirs and the trace MIN_TRACE: at 80x24
        the ring, its R/W row and who is blocked stay on screen. Side by side, it gives what it
        does not need (of its 60%) to the processes and the trace below."""
        want: int | None = None
        width, height = self.size
        narration = self.shown_narration
        if mechanism_in_front:
            need = len(self.query_one(ObjectsView)._lines)
            spoken = -(-(len(narration) + 2) // max(1, width - 2)) if narration else 0
            if width < NARROW:
                others = 1 + 2 + min(4, spoken) + 1 + 1  # title, pane bar, narration, console, footer
                procs = len(self.session.kernel.procs)
                bottom = min(procs + 3, height // 4) + MIN_TRACE  # the processes (at most 25vh), the trace
                room = height - others - bottom
                if need == room + 1:  # one row short of the whole box: the trace gives its second line
                    room += 1
                want = max(4, min(need, room))
            else:
                others = 1 + 2 + min(4, spoken) + 3 + 1  # the console has a border side by side
                share = (height - others) * 60 // 100  # beside the bottom's 40%
                want = max(MIN_WIDE, need) if need < share else None
        if want != self._panes_rows:
            self._panes_rows = want
            panes, bottom = self.query_one("#panes"), self.query_one("#bottom")
            panes.styles.height = want if want is not None else None
            bottom.styles.height = "1fr" if want is not None else None
