"""An object's frame looks as Rich's Panel draws it, in fewer steps."""

from __future__ import annotations

import pytest
from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from ipctui.app.widgets.boxed import Boxed


def lines(renderable, width: int) -> list[str]:
    console = Console(width=width, record=True, color_system=None)
    console.print(renderable)
    return console.export_text().splitlines()


@pytest.mark.parametrize("width", [12, 40, 100])
@pytest.mark.parametrize("title", ["pipe 1", "a title far longer than the narrowest of the boxes"])
def test_a_box_looks_like_a_panel(width: int, title: str) -> None:
    rows = [Text("4 slots × 4 B · 2/4 used"), Text("read end: server fd 3   write end: server fd 4")]
    mine = lines(Boxed(rows, title, "cyan"), width)
    panel = lines(Panel(Group(*rows), title=title, title_align="left"), width)
    assert mine[1:] == panel[1:]  # the sides, the rows and the bottom, exactly
    assert len(mine[0]) == width and mine[0].startswith("╭─ ") and mine[0].endswith("╮")
    if len(title) + 6 <= width:
        assert mine[0] == panel[0]


def test_the_title_is_in_the_border_colour() -> None:
    console = Console(width=30, color_system="truecolor", force_terminal=True)
    top = console.render_lines(Boxed([Text("x")], "pipe 1", "cyan"), console.options)[0]
    assert all(seg.style is not None and seg.style.color is not None for seg in top if seg.text.strip())
