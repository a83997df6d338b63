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
KEEP = 2000  # lines kept in the widget; the session keeps them all


class TraceLog(RichLog):
    DEFAULT_CSS = "TraceLog { height: 1fr; overflow-x: hidden; }"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_lines=KEEP, wrap=True, markup=False, highlight=False, **kwargs)  # type: ignore[arg-type]
        self.shown = 0

    def show(self, trace: list[TraceLine]) -> None:
        """Append what is new; after an undo (the trace got shorter or changed) redraw it."""
        if len(trace) < self.shown:
            self.clear()
            self.shown = 0
        if self.shown == 0 and len(trace) > KEEP:
            self.shown = len(trace) - KEEP
        for line in trace[self.shown :]:
            self.write(Text(line.text, style=KIND_STYLE.get(line.kind, "")))
        self.shown = len(trace)

    def reset(self) -> None:
        self.clear()
        self.shown = 0
