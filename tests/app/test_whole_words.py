"""At 80 columns no pane breaks a word across lines: an address folded after `127.0.0.1:3276`
reads as the wrong port. Every mechanism pane is drawn after every step of every demo, at the
width it has on an 80-column screen and at a width where nothing needs to wrap; a word of the
wide drawing that the narrow one shows in pieces, one under the other, is a fault."""

from __future__ import annotations

import re

import pytest
from rich.console import Console

from ipctui.app import PlaygroundApp, ink
from ipctui.app.panes.base import MechanismPane, ObjectsView, table_items
from ipctui.app.routing import PANES
from ipctui.app.themes import discover
from ipctui.demos import all_demos
from ipctui.session import Session

WIDE = 400
BOX = re.compile(r"[\u2500-\u259f]")  # frames and rules are drawn to the width: not words
WORD = re.compile(r"\S+")
# a hex dump's rows: 16 bytes a row when wide, 8 when narrow, by design (not words wrapped)
HEX_ROW = re.compile(r"^\W*[0-9a-f]{8}  ")


def draw(pane: MechanismPane, kernel: object, width: int, console: Console) -> list[str]:
    """The pane's lines at `width`, as ObjectsView draws them."""
    view = pane.snapshot(kernel)  # type: ignore[arg-type]
    items = pane.items(view, width) or [("empty", view, lambda: pane.empty(view))]
    options = console.options.update_width(width)
    lines = [
        "".join(seg.text for seg in line)
        for _, _, build in items
        for line in console.render_lines(build(), options)
    ]
    return [line for line in lines if not HEX_ROW.match(line)]


def broken_words(narrow: list[str], wide: list[str]) -> list[str]:
    """Words of `wide` that `narrow` shows in pieces: a piece, and under it at the same column
    the rest (or the rest's start, continued a line further down)."""
    whole = {w for line in wide for w in line.split() if not BOX.search(w) and any(c.isalnum() for c in w)}
    starts = {w[:k] for w in whole for k in range(1, len(w))}
    found = []
    for i, line in enumerate(narrow):
        for m in WORD.finditer(line):
            piece, x, j = m.group(), m.start(), i + 1
            while piece in starts and j < len(narrow):
                below = WORD.match(narrow[j], x)
                if below is None or (x and narrow[j][x - 1] != " "):
                    break
                piece, j = piece + below.group(), j + 1
                if piece in whole:
                    found.append(piece)
    return found


def test_the_detector_finds_a_folded_address() -> None:
    narrow = ["2 client 127.0.0.1:3276 127.0.0.1:808", "         8              0"]
    wide = ["2 client 127.0.0.1:32768 127.0.0.1:8080"]
    assert broken_words(narrow, wide) == ["127.0.0.1:32768", "127.0.0.1:8080"]
    assert broken_words(["1 a", "2 b"], ["1 a", "2 b"]) == []


async def test_no_pane_breaks_a_word_at_80_columns() -> None:
    app = PlaygroundApp(theme="ipctui-night")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        width = app.main.query_one(ObjectsView).scrollable_content_region.width
    theme = next(t for t in discover()[0] if t.name == "ipctui-night")
    console = Console(width=WIDE, color_system=None)
    console.push_theme(ink.rich_theme(theme.to_color_system().generate()))
    panes = [p.widget() for p in PANES if p.mechanism]
    faults: dict[tuple[str, str], tuple[int, list[str]]] = {}
    for demo in all_demos():
        session = Session()
        session.load(demo.text, demo.name)
        step = 0
        while not session.at_end:
            session.step()
            step += 1
            for pane in panes:
                words = broken_words(
                    draw(pane, session.kernel, width, console), draw(pane, session.kernel, WIDE, console)
                )
                if words:
                    faults.setdefault((demo.name, pane.title), (step, words))
    assert width == 76
    assert faults == {}


@pytest.mark.parametrize("width", [24, 40, 60])
def test_a_table_too_wide_for_its_words_puts_its_last_columns_under_each_row(width: int) -> None:
    headers = ("#", "local", "remote", "peer")
    rows = [("1", ("1", "127.0.0.1:32768", "127.0.0.1:8080", "#2"), "")]
    console = Console(width=WIDE, color_system=None)
    lines = [
        "".join(seg.text for seg in line)
        for _, _, build in table_items("t", headers, rows, width, flex=1)
        for line in console.render_lines(build(), console.options.update_width(width))
    ]
    assert max(len(line.rstrip()) for line in lines) <= width
    text = "\n".join(lines)
    assert "127.0.0.1:32768" in text and "127.0.0.1:8080" in text and "…" not in text
    if width < 36:  # 1 + 15 + 14 and the gaps: remote goes under the row, with its name
        assert "remote: 127.0.0.1:8080" in text
