"""The trace: the SPEC's text lines, coloured by kind."""

from __future__ import annotations

from typing import Any, Self

from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Size
from textual.strip import Strip
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
REWRITE = 200  # lines redrawn when the widget must start again (writing each costs ~0.15 ms)


class TraceLog(RichLog):
    DEFAULT_CSS = "TraceLog { height: 1fr; overflow-x: hidden; }"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_lines=KEEP, wrap=True, markup=False, highlight=False, **kwargs)  # type: ignore[arg-type]
        self.shown = 0
        self._quiet = False
        self._style_now = Style()
        # what the widget holds: trace lines from index _base on, and after each one the number
        # of wrapped lines written so far (counting those RichLog has trimmed off the front)
        self._base = 0
        self._written: list[TraceLine] = []
        self._ends: list[int] = []

    def show(self, trace: list[TraceLine]) -> None:
        """Append what is new. After an undo the trace is a prefix of what is shown: drop the
        lines past it (or, if they are no longer all held, redraw the latest lines)."""
        if len(trace) < self.shown and not self._drop_after(trace):
            self.reset()
        if self.shown == 0 and len(trace) > REWRITE:
            self.shown = self._base = len(trace) - REWRITE
        # A line more makes the log taller, which Textual answers with a layout of the whole
        # screen (tens of milliseconds with a full session). Once the log is taller than its
        # window it only needs its scrollbar updated and itself repainted: nothing else moves.
        self._quiet = self.virtual_size.height > self.scrollable_content_region.height > 0
        try:
            for line in trace[self.shown :]:  # scrolled once, below, not once per line later
                self.write(Text(line.text, style=KIND_STYLE.get(line.kind, "")), scroll_end=False)
                self._written.append(line)
                self._ends.append(self._start_line + len(self.lines))
        finally:
            if self._quiet:
                self._scroll_update(self.virtual_size)
            self._quiet = False
        self.scroll_end(animate=False, immediate=True, x_axis=False)
        self.refresh()
        self.shown = len(trace)

    def _drop_after(self, trace: list[TraceLine]) -> bool:
        """Keep only the lines of trace[:len(trace)], if the widget holds them; False if not."""
        n = len(trace) - self._base  # trace lines of the widget's to keep
        if self._deferred_renders or n < 1 or n > len(self._written) or trace[-1] != self._written[n - 1]:
            return False
        keep = self._ends[n - 1] - self._start_line
        if keep < 1:
            return False
        del self.lines[keep:], self._written[n:], self._ends[n:]
        self._line_cache.clear()
        self._quiet = self.scrollable_content_region.height > 0
        try:
            self.virtual_size = Size(self._widest_line_width, len(self.lines))
            self._scroll_update(self.virtual_size)
        finally:
            self._quiet = False
        self.shown = len(trace)
        return True

    def render_lines(self, crop: Region) -> list[Strip]:
        # the widget's style once per repaint, not once per line (Textual works it out afresh
        # each time it is asked: a third of the trace's drawing time)
        self._style_now = self.rich_style
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        line = self._render_line(scroll_y + y, scroll_x, self.scrollable_content_region.width)
        return line.apply_style(self._style_now)

    def refresh(
        self, *regions: Any, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        if self._quiet:
            layout = False  # see show(): the screen's layout does not change
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def reset(self) -> None:
        self.clear()
        self.shown = self._base = 0
        self._written, self._ends = [], []
