"""An object's frame: a rounded box with its title on the top edge, as Rich's Panel draws it.

Drawn by hand because the panes draw an object again at every step that changes it, and Rich's
Panel spends a third of that time measuring and padding what is already the right width.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.segment import Segment
from rich.text import Text


class Boxed:
    """`rows` inside a rounded box of the full width, one space inside each side."""

    def __init__(self, rows: Iterable[RenderableType], title: str, border_style: str) -> None:
        self.rows, self.title, self.border_style = list(rows), title, border_style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        border = console.get_style(self.border_style)
        inner = options.update(width=width - 4, height=None)
        title = Text(f" {self.title} ", no_wrap=True, overflow="ellipsis", end="")
        title.truncate(max(0, width - 4), overflow="ellipsis")
        yield Segment("╭─", border)
        yield Segment(title.plain, border)  # the title in the border's colour, as Panel has it
        yield Segment("─" * max(0, width - 3 - title.cell_len) + "╮", border)
        yield Segment.line()
        left, right, new_line = Segment("│ ", border), Segment(" │", border), Segment.line()
        for row in self.rows:
            for line in console.render_lines(row, inner, pad=True):
                yield left
                yield from line
                yield right
                yield new_line
        yield Segment("╰" + "─" * max(0, width - 2) + "╯", border)
        yield Segment.line()
