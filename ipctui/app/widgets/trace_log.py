"""The trace: the SPEC's text lines, coloured by kind."""

from __future__ import annotations

from typing import Any, Self

from rich.text import Text
from textual.widgets import RichLog

from ...session import TraceLine

KIND_STYLE = {
    "spawn": "bold cyan",
    "call": "",
    "resumed": "green",
    "blocked": "yellow",
    "error": "red",
    "fault": "bold red",
    "signal": "magenta",
    "stopped": "magenta",
    "exit": "bold magenta",
    "narration": "italic dim",
}
KEEP = 2000  # lines kept in the widget as they come; the session keeps them all
REWRITE = 200  # lines redrawn after an undo or a jump (writing each costs ~0.15 ms)


class TraceLog(RichLog):
    DEFAULT_CSS = "TraceLog { height: 1fr; overflow-x: hidden; }"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_lines=KEEP, wrap=True, markup=False, highlight=False, **kwargs)  # type: ignore[arg-type]
        self.shown = 0
        self._quiet = False

    def show(self, trace: list[TraceLine]) -> None:
        """Append what is new; after an undo (the trace got shorter) redraw its latest lines."""
        if len(trace) < self.shown:
            self.clear()
            self.shown = 0
        if self.shown == 0 and len(trace) > REWRITE:
            self.shown = len(trace) - REWRITE
        # A line more makes the log taller, which Textual answers with a layout of the whole
        # screen (tens of milliseconds with a full session). Once the log is taller than its
        # window it only needs its scrollbar updated and itself repainted: nothing else moves.
        self._quiet = self.virtual_size.height > self.scrollable_content_region.height > 0
        try:
            for line in trace[self.shown :]:  # scrolled once, below, not once per line later
                self.write(Text(line.text, style=KIND_STYLE.get(line.kind, "")), scroll_end=False)
        finally:
            if self._quiet:
                self._scroll_update(self.virtual_size)
            self._quiet = False
        self.scroll_end(animate=False, immediate=True, x_axis=False)
        self.refresh()
        self.shown = len(trace)

    def refresh(
        self, *regions: Any, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        if self._quiet:
            layout = False  # see show(): the screen's layout does not change
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def reset(self) -> None:
        self.clear()
        self.shown = 0
