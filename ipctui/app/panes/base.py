"""The mechanism panes: what each shows (a MechanismPane), and the one widget that draws them.

Each pane draws from the immutable snapshot of its mechanism that the engine hands out
(`ipctui.engine.views`): a pane's items are the objects of that snapshot, each with its own
frozen view as its signature, so an object is drawn again exactly when what is shown of it
changed (compared with ==), and a step that leaves the pane's whole snapshot equal draws nothing.

The six mechanism panes share one line-API widget, ObjectsView. Each object is drawn to lines
once per change of its view and the lines are kept; bringing another mechanism forward swaps the
lines in place. So a step that shows another pane changes which lines are on screen without
laying the screen out again (with a widget per object, or a widget per pane, it would: a pane
switch cost two to three times a step).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.rule import Rule
from rich.table import Table
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip

from ...engine import Kernel
from ..widgets.kept_lines import KeptLines
from ..widgets.views import VIEWS

# (key, signature, build): the key names the object, the signature is its snapshot (frozen, so
# compared with ==) and whatever else its drawing depends on, and build() draws it. An object is
# drawn again only when its signature changes.
Item = tuple[str, Hashable, Callable[[], RenderableType]]


def no_snapshot(kernel: Kernel) -> None:
    """The snapshot of a pane that shows nothing of the kernel."""
    return None


class MechanismPane:
    """What one mechanism's pane shows: its objects, as items made from its snapshot."""

    title: ClassVar[str] = ""
    hint: ClassVar[str] = ""  # what to type when there is nothing to show
    # the engine's snapshot of this pane's mechanism (a pure function of the kernel)
    snapshot: ClassVar[Callable[[Kernel], Any]] = staticmethod(no_snapshot)

    def empty(self, view: Any) -> RenderableType:
        """Nothing to show: none made yet, or all gone (when the snapshot says some were made)."""
        what = self.title.lower()
        if getattr(view, "made", False):
            t = Text(f"No {what} left: the ones made so far are all closed or removed.\n", style="bold")
        else:
            t = Text(f"No {what} yet.\n", style="bold")
        t.append(self.hint, style="ipc.muted")
        return t

    def items(self, view: Any, width: int) -> list[Item]:
        """The objects to show, in order (none here)."""
        return []


class ObjectsView(KeptLines, can_focus=True):
    """The pane in front, drawn from kept lines: each object's lines are remade only when its
    signature (or the width) changes, and only the rows that changed are repainted."""

    # the scrollbar's gutter is always kept: the objects are drawn to the width left for them,
    # which must not shrink when a long list brings the scrollbar (their right edge would go)
    DEFAULT_CSS = """
    ObjectsView { padding: 0 1; overflow-x: hidden; scrollbar-gutter: stable; }
    """

    def __init__(self, panes: dict[str, MechanismPane], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.panes = panes
        self.front = next(iter(panes))
        self._drawn: dict[tuple[str, str], tuple[Hashable, list[Strip]]] = {}
        self._kernel: Kernel | None = None
        self._shown: tuple[object, ...] = ()  # (pane, its snapshot, width) on screen now

    def on_resize(self) -> None:
        if self._kernel is not None:  # the objects are drawn to the width: draw them again
            self.show(self._kernel)

    def recolour(self) -> None:
        """Forget the objects drawn: the next show() draws them in the theme's colours."""
        self._drawn.clear()
        self._styled.clear()
        self._shown = ()

    def bring(self, front: str) -> None:
        """Make `front` the pane shown (drawn at the next show())."""
        if front != self.front:
            self.front = front
            self.scroll_to(0, 0, animate=False, immediate=True)

    def show(self, kernel: Kernel) -> None:
        """Show what the pane in front has now."""
        self._kernel = kernel
        # before the first layout the widget's own width reads 0: the panes span the screen
        width = max(20, self.scrollable_content_region.width or self.app.size.width - 4)
        pane = self.panes[self.front]
        view = VIEWS.get(kernel, pane.snapshot)
        shown = (self.front, view, width)
        if shown == self._shown:  # the step changed nothing this pane shows
            return
        self._shown = shown
        items = pane.items(view, width) or [("empty", view, lambda: pane.empty(view))]
        console = self.app.console
        options = console.options.update_width(width)
        lines: list[Strip] = []
        keep: set[tuple[str, str]] = set()
        fresh: list[tuple[int, int]] = []  # the lines of the objects drawn anew: what changed
        for key, sig, build in items:
            name = (self.front, key)
            keep.add(name)
            drawn = self._drawn.get(name)
            if drawn is None or drawn[0] != (sig, width):
                strips = [Strip(line, width) for line in console.render_lines(build(), options)]
                drawn = self._drawn[name] = ((sig, width), strips)
                fresh.append((len(lines), len(drawn[1])))
            lines += drawn[1]
        for name in [n for n in self._drawn if n[0] == self.front and n not in keep]:
            del self._drawn[name]  # objects that are gone
        self._swap(lines, width)
        if 0 < len(fresh) < len(items):  # one object changed among others: make sure it is seen
            start, height = fresh[-1]
            self.call_after_refresh(self._into_view, Region(0, start, width, height))

    def _into_view(self, region: Region) -> None:
        """Scroll the changed object into view (the whole of it if it fits) when it is not."""
        top, bottom = self.scroll_offset.y, self.scroll_offset.y + self.scrollable_content_region.height
        if region.y < top or region.bottom > bottom:
            self.scroll_to_region(region, animate=False, immediate=True, top=region.height > bottom - top)

    def _swap(self, lines: list[Strip], width: int) -> None:
        old, self._lines = self._lines, lines
        if self._set_height(width):  # a taller or shorter list: repaint it all
            self.refresh()
            return
        changed = [i for i, (a, b) in enumerate(zip(old, lines, strict=True)) if a is not b]
        if changed:
            self.refresh_lines(changed[0], changed[-1] - changed[0] + 1)

    @property
    def text(self) -> str:
        """What the pane shows, as plain text (for tests and the screen reader in us all)."""
        return "\n".join(line.text for line in self._lines)


# A cell: plain text, or text with a style (a style name of ink.py, e.g. "ipc.wait").
Cell = str | tuple[str, str]


Row = tuple[str, tuple[Cell, ...], str]  # key, cells, the row's style


def table_items(prefix: str, headers: tuple[str, ...], rows: list[Row], width: int, flex: int) -> list[Item]:
    """A table whose rows are items of their own, so a step that changes one row redraws that
    row only. Columns are as wide as their widest cell, the `flex` one at most what is left; the
    widths are part of every row's signature, so a wider cell redraws them all. When even that
    is too wide, the gaps narrow and the widest columns give way down to their longest word, so a
    cell wraps between its words but never inside one (an address split after `127.0.0.1:3276`
    teaches a wrong port). When the longest words alone are too wide, the last columns leave the
    table and go under each row as `header: value` (laid out in rows rather than broken)."""
    n = len(headers)
    widths = [max([len(h)] + [len(_plain(r[1][i])) for r in rows]) for i, h in enumerate(headers)]
    least = [
        max(_longest_word(h), *(_longest_word(_plain(r[1][i])) for r in rows)) for i, h in enumerate(headers)
    ]
    gap = 2
    if sum(widths) + gap * (n - 1) > width:
        gap = 1
    kept = n  # the columns that stay in the table; the rest go under each row
    while kept > 1 and sum(least[:kept]) + gap * (kept - 1) > width:
        kept -= 1
    widths, least = widths[:kept], least[:kept]
    room = width - gap * (kept - 1)
    if flex < kept:
        others = sum(w for i, w in enumerate(widths) if i != flex)
        widths[flex] = max(least[flex], min(widths[flex], room - others))
    # the widest column that may still give way gives a column: first down to its widest cell
    # (a long header wraps, once), then down to its longest word (its cells wrap)
    cells = [max([least[i]] + [len(_plain(r[1][i])) for r in rows]) for i in range(kept)]
    for floor in (cells, least):
        while sum(widths) > room and any(w > f for w, f in zip(widths, floor, strict=True)):
            widest = max((w, i) for i, w in enumerate(widths) if w > floor[i])[1]
            widths[widest] -= 1
    shape = (tuple(widths), gap)

    def table(cells: tuple[Cell, ...], style: str) -> Table:
        grid = Table.grid(padding=(0, gap))
        for w in widths:
            grid.add_column(width=w, overflow="fold")  # wraps between words; folds no word that fits
        grid.add_row(*(_text(c) for c in cells[:kept]), style=style)
        return grid

    def line(cells: tuple[Cell, ...], style: str) -> RenderableType:
        grid = table(cells, style)
        if kept == n:
            return grid
        under = Text("  ", style=style)
        for header, cell in zip(headers[kept:], cells[kept:], strict=True):
            if _plain(cell):
                under.append(f"{header}: ", style="ipc.muted")
                under.append_text(_text(cell))
                under.append("  ")
        under.rstrip()
        return Group(grid, under) if under.plain.strip() else grid

    def head() -> RenderableType:
        return Group(table(headers, "bold"), Rule(style="ipc.frame", characters="─"))

    items: list[Item] = [(f"{prefix}-head", shape, head)]
    for key, cells, style in rows:
        items.append((f"{prefix}-{key}", (shape, cells, style), lambda c=cells, s=style: line(c, s)))
    return items


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)


def _plain(cell: Cell) -> str:
    return cell if isinstance(cell, str) else cell[0]


def _text(cell: Cell) -> Text:
    return Text(cell) if isinstance(cell, str) else Text(cell[0], style=cell[1])
