"""The trace: the SPEC's text lines, coloured by kind."""

from __future__ import annotations

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

    def show(self, trace: list[TraceLine]) -> None:
        """Append what is new; after an undo (the trace got shorter) redraw its latest lines."""
        if len(trace) < self.shown:
            self.clear()
            self.shown = 0
        if self.shown == 0 and len(trace) > REWRITE:
            self.shown = len(trace) - REWRITE
        for line in trace[self.shown :]:
            self.write(Text(line.text, style=KIND_STYLE.get(line.kind, "")))
        self.shown = len(trace)

    def reset(self) -> None:
        self.clear()
        self.shown = 0
