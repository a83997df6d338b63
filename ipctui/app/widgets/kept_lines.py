"""A scrolling widget painted from a list of lines kept between repaints (Textual's line API).

The objects view and the trace are both such lists: what changes is which lines they hold, not
how the screen is laid out. So the number of lines sets the scrollbar, never the layout (a
layout of the whole screen costs tens of milliseconds), the widget's style is worked out once
per repaint (Textual works it out afresh on each call: a third of the drawing time), and each
line is styled for the screen once and kept while it is the line at its place.
"""

from __future__ import annotations

from rich.style import Style
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

STYLED_KEPT = 512  # styled lines kept for repaints (a screenful or two is all that is needed)


class KeptLines(ScrollView):
    """Subclasses fill `_lines` (each at most the content's width) and call `_set_height()`."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._lines: list[Strip] = []
        self._style_now = Style()
        self._styled: dict[int, tuple[Strip, Strip]] = {}  # index -> (line, as painted)

    def _set_height(self, width: int) -> bool:
        """Make the scrollable size that of `_lines`, without a layout; True if it changed."""
        size = Size(width, len(self._lines))
        if size == self.virtual_size:
            return False
        self.set_reactive(ScrollView.virtual_size, size)
        self._scroll_update(size)
        return True

    def render_lines(self, crop: Region) -> list[Strip]:
        style = self.rich_style
        if style != self._style_now or len(self._styled) > STYLED_KEPT:
            self._styled.clear()
            self._style_now = style
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        i = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if i >= len(self._lines):
            return Strip.blank(width, self._style_now)
        line = self._lines[i]
        kept = self._styled.get(i)
        if kept is None or kept[0] is not line or kept[1].cell_length != width:
            kept = self._styled[i] = (line, line.crop_extend(0, width, None).apply_style(self._style_now))
        return kept[1]
