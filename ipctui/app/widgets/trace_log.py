"""The trace: the SPEC's text lines, coloured by kind.

Kept lines (see kept_lines.py) rather than Textual's RichLog: a step adds a line or two, and the
log must take them without measuring, re-rendering or laying out anything else. Each trace line
is wrapped to the width once, when it comes.
"""

from __future__ import annotations

from bisect import bisect_left

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from ...session import TraceLine
from .kept_lines import KeptLines

KIND_STYLE = {
    "spawn": "ipc.info.strong",
    "call": "",
    "resumed": "ipc.ok",
    "blocked": "ipc.wait",
    "error": "ipc.bad",
    "fault": "ipc.bad.strong",
    "signal": "ipc.other",
    "stopped": "ipc.other",
    "exit": "ipc.other.strong",
    "narration": "ipc.narration",
}
KEEP = 2000  # wrapped lines held at most; the session keeps the whole trace
REWRITE = 200  # trace lines drawn when the widget starts again (a resize, a jump far back)


class TraceLog(KeptLines, can_focus=True):
    # the scrollbar's gutter is always kept: the lines are wrapped to the width left beside it
    DEFAULT_CSS = "TraceLog { height: 1fr; overflow-x: hidden; scrollbar-gutter: stable; }"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._base = 0  # the trace index of the first line held
        self._held: list[TraceLine] = []  # the trace lines held, from _base on
        self._ends: list[int] = []  # after each held trace line, the wrapped lines up to it
        self._width = 0  # what _lines, the wrapped lines, are wrapped to
        self._end_y = 0  # where the latest line was in view, at the latest show()
        self._styles: dict[str, Style] = {}  # each kind's style in the current theme

    @property
    def shown(self) -> int:
        """How many trace lines the widget is in step with."""
        return self._base + len(self._held)

    @property
    def lines(self) -> list[Strip]:
        """The wrapped lines held (the latest KEEP at most)."""
        return self._lines

    def show(self, trace: list[TraceLine]) -> None:
        """Take what is new in `trace`. After an undo the trace is a prefix of what is shown:
        the lines past it are dropped (or, if they are no longer all held, the widget starts
        again from the latest lines)."""
        width = self._wrap_width()
        shown = self.shown
        if width != self._width or not self._in_step(trace, min(shown, len(trace))):
            self._restart(trace, width)
        elif len(trace) < shown:
            self._drop_after(len(trace))
        else:
            self._append(trace[shown:])
        self._update()

    def reset(self) -> None:
        """Hold nothing (a new script): the next show() starts from its latest lines."""
        self._base, self._held, self._ends, self._lines = 0, [], [], []
        self._update()

    def _wrap_width(self) -> int:
        # before the first layout the widget's width reads 0: wrap to the screen's, for now
        return max(10, self.scrollable_content_region.width or self.app.size.width - 4)

    def _in_step(self, trace: list[TraceLine], n: int) -> bool:
        """Whether the first n lines of `trace` are those held (checked by the last of them)."""
        if n == 0:
            return self._base == 0
        i = n - 1 - self._base
        return 0 <= i < len(self._held) and self._held[i] == trace[n - 1]

    def _restart(self, trace: list[TraceLine], width: int) -> None:
        self._width = width
        self._base = max(0, len(trace) - REWRITE)
        self._held, self._ends, self._lines = [], [], []
        self._append(trace[self._base :])

    def _append(self, new: list[TraceLine]) -> None:
        for line in new:
            self._lines += self._wrap(line)
            self._held.append(line)
            self._ends.append(len(self._lines))
        if len(self._lines) > KEEP:  # let the oldest quarter go, whole trace lines at a time
            k = bisect_left(self._ends, len(self._lines) - KEEP * 3 // 4) + 1
            cut = self._ends[k - 1]
            del self._lines[:cut], self._held[:k], self._ends[:k]
            self._ends = [e - cut for e in self._ends]
            self._base += k

    def _drop_after(self, n: int) -> None:
        """Keep the first n trace lines (n is past _base: checked by _in_step)."""
        keep = self._ends[n - self._base - 1] if n > self._base else 0
        del self._lines[keep:], self._held[n - self._base :], self._ends[n - self._base :]

    def recolour(self) -> None:
        """Wrap the lines again, in the theme's colours (ink.py's style names)."""
        self._styles = {}
        self._styled.clear()
        if self._held:
            base, held = self._base, self._held
            self._restart(held, self._width)
            self._base += base
            self._update()

    def _wrap(self, line: TraceLine) -> list[Strip]:
        style = self._styles.get(line.kind)
        if style is None:  # each kind's style, looked up in the theme once
            style = self._styles[line.kind] = self.app.console.get_style(KIND_STYLE.get(line.kind, ""))
        text = line.text
        if len(text) <= self._width and text.isascii() and text.isprintable():
            return [Strip([Segment(text, style)], len(text))]  # most lines: one cell a character
        options = self.app.console.options.update_width(self._width)
        shown = Text(text, style=style)
        if line.kind == "narration" and self.screen.has_class("narrow"):
            # stacked, the trace has a few rows and the narration line under it says it in full:
            # one line here, or the trace's last rows showed a narration's tail ("the process
            # table).") above the call it came with
            shown.truncate(self._width, overflow="ellipsis")
        rendered = self.app.console.render_lines(shown, options, pad=False)
        return [Strip(segments) for segments in rendered]

    def _update(self) -> None:
        """Scroll to the latest line (more lines change the scrollbar, never the layout)."""
        self._set_height(self._width)
        self.scroll_end(animate=False, immediate=True, x_axis=False)
        self._end_y = self.max_scroll_y
        self.refresh()

    def on_resize(self) -> None:
        width = self._wrap_width()
        if self._held and width != self._width:  # wrap the latest lines again, to the new width
            base, held = self._base, self._held
            self._restart(held, width)
            self._base += base
            self._update()
        elif self.scroll_offset.y >= self._end_y:  # it was following the latest line: go on
            self._update()
