"""The trace: the SPEC's text lines, coloured by kind.

A line-API widget of its own rather than Textual's RichLog: a step adds a line or two, and the
log must take them without measuring, re-rendering or laying out anything else. Each trace line
is wrapped to the width once, when it comes; the lines on screen are styled once and kept, so
scrolling by a line (which every step does) repaints from kept lines.
"""

from __future__ import annotations

from bisect import bisect_left

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

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
_STYLES = {kind: Style.parse(style) for kind, style in KIND_STYLE.items()}
KEEP = 2000  # wrapped lines held at most; the session keeps the whole trace
REWRITE = 200  # trace lines drawn when the widget starts again (a resize, a jump far back)
STYLED_KEPT = 512  # styled screen lines kept for repaints (a screenful is all that is needed)


class TraceLog(ScrollView, can_focus=True):
    # the scrollbar's gutter is always kept: the lines are wrapped to the width left beside it
    DEFAULT_CSS = "TraceLog { height: 1fr; overflow-x: hidden; scrollbar-gutter: stable; }"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._base = 0  # the trace index of the first line held
        self._held: list[TraceLine] = []  # the trace lines held, from _base on
        self._ends: list[int] = []  # after each held trace line, the wrapped lines up to it
        self._lines: list[Strip] = []  # the wrapped lines
        self._width = 0  # what they are wrapped to
        self._styled: dict[int, Strip] = {}  # wrapped line -> as painted (width and style)
        self._style_now = Style()
        self._end_y = 0  # where the latest line was in view, at the latest show()

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
        self._styled.clear()
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
        self._styled.clear()
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
            self._styled.clear()

    def _drop_after(self, n: int) -> None:
        """Keep the first n trace lines (n is past _base: checked by _in_step)."""
        keep = self._ends[n - self._base - 1] if n > self._base else 0
        del self._lines[keep:], self._held[n - self._base :], self._ends[n - self._base :]
        for i in [i for i in self._styled if i >= keep]:
            del self._styled[i]

    def _wrap(self, line: TraceLine) -> list[Strip]:
        style = _STYLES.get(line.kind, _STYLES["call"])
        text = line.text
        if len(text) <= self._width and text.isascii() and text.isprintable():
            return [Strip([Segment(text, style)], len(text))]  # most lines: one cell a character
        options = self.app.console.options.update_width(self._width)
        rendered = self.app.console.render_lines(Text(text, style=style), options, pad=False)
        return [Strip(segments) for segments in rendered]

    def _update(self) -> None:
        """Scroll to the latest line. The widget's size is the screen's to decide: more lines
        change its scrollbar, never the layout (a layout of the whole screen costs tens of ms)."""
        size = Size(self._width, len(self._lines))
        if size != self.virtual_size:
            self.set_reactive(ScrollView.virtual_size, size)
            self._scroll_update(size)
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

    def render_lines(self, crop: Region) -> list[Strip]:
        style = self.rich_style  # once per repaint: Textual works it out afresh on each call
        if style != self._style_now or len(self._styled) > STYLED_KEPT:
            self._styled.clear()
            self._style_now = style
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        i = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if i >= len(self._lines):
            return Strip.blank(width, self._style_now)
        strip = self._styled.get(i)
        if strip is None or strip.cell_length != width:
            strip = self._lines[i].crop_extend(0, width, None).apply_style(self._style_now)
            self._styled[i] = strip
        return strip
