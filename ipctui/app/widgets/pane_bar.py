"""The row of pane titles, with the pane in front underlined.

One widget drawn as two lines of text, instead of Textual's Tabs (a widget per tab, an underline
widget, a scrolling container): bringing a pane forward is then one repaint of two lines, which
matters because a step brings forward the pane its next line touches. Keys 1-9 and 0 choose a
pane from anywhere; with the bar focused, left and right move; a click on a title chooses it.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.strip import Strip
from textual.widget import Widget


class PaneBar(Widget, can_focus=True):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "pane-bar--title",
        "pane-bar--active",
        "pane-bar--line",
        "pane-bar--line-active",
    }
    DEFAULT_CSS = """
    PaneBar { height: 2; padding: 0 1; link-style: none; link-style-hover: none; }
    PaneBar > .pane-bar--title { color: $text-muted; }
    PaneBar > .pane-bar--active { color: $foreground; text-style: bold; }
    PaneBar:focus > .pane-bar--active { background: $block-cursor-blurred-background; }
    PaneBar > .pane-bar--line { color: $text-muted; }
    PaneBar > .pane-bar--line-active { color: $text-accent; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move(-1)", "previous pane", show=False),
        Binding("right", "move(1)", "next pane", show=False),
    ]

    def __init__(self, panes: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.panes = panes
        self.active = panes[0][0]
        self._drawn: dict[tuple[object, ...], list[Strip]] = {}  # by pane, width, theme, focus

    def show(self, pane: str) -> None:
        """Underline `pane` (repainting the bar, never laying out the screen)."""
        if pane != self.active:
            self.active = pane
            self.refresh()

    def action_move(self, delta: int) -> None:
        ids = [pid for pid, _ in self.panes]
        self.app.action_show_pane(ids[(ids.index(self.active) + delta) % len(ids)])  # type: ignore[attr-defined]

    def render_line(self, y: int) -> Strip:
        # Drawn as lines (Textual's line API), kept for each pane, width, theme and focus: handing
        # Textual the text to draw on each repaint cost ~3 ms a frame.
        width = self.content_region.width
        key = (self.active, width, self.app.theme, self.has_focus)
        lines = self._drawn.get(key)
        if lines is None:
            if len(self._drawn) > 64:  # widths and themes come and go
                self._drawn.clear()
            console = self.app.console
            rendered = console.render_lines(self._draw(width), console.options.update_width(width), pad=True)
            lines = self._drawn[key] = [Strip(line, width).apply_style(self.rich_style) for line in rendered]
        return lines[y] if y < len(lines) else Strip.blank(width, self.rich_style)

    def _draw(self, width: int) -> Text:
        title = self.get_component_rich_style("pane-bar--title")
        active = self.get_component_rich_style("pane-bar--active")
        line = self.get_component_rich_style("pane-bar--line")
        line_active = self.get_component_rich_style("pane-bar--line-active")
        top, bottom = Text(no_wrap=True, end=""), Text(no_wrap=True, end="")
        spans: list[tuple[int, int]] = []  # where each title is on the row
        active_index = 0
        for i, (pid, name) in enumerate(self.panes):
            label = f" {name} "
            click = Style(meta={"@click": f"app.show_pane('{pid}')"})
            on = pid == self.active
            if on:
                active_index = i
            spans.append((len(top), len(top) + len(label)))
            top.append(label, (active if on else title) + click)
            top.append(" ")
            # the pane in front underlined heavy in the accent, the others on a thin muted rule
            bottom.append(("━" if on else "─") * len(label), line_active if on else line)
            bottom.append("─", line)
        if len(top) - 1 <= width:
            bottom.append("─" * max(0, width - len(bottom)), line)
            return Text("\n", end="").join([top, bottom])
        # too narrow for every title: show whole titles only, from one that keeps the pane in front
        # on the row, with ‹ and › where titles are left out (at 80 columns it read "Real k")
        first = 0
        while first < active_index and spans[active_index][1] - spans[first][0] + (first > 0) + 1 > width:
            first += 1
        left = 1 if first > 0 else 0
        last = first
        while last + 1 < len(spans):
            more = last + 2 < len(spans)
            if spans[last + 1][1] - spans[first][0] + left + more > width:
                break
            last += 1
        a, b = spans[first][0], spans[last][1]
        pad = width - left - (b - a) - 1
        row = Text("‹" if left else "", line, no_wrap=True, end="")
        row.append_text(top[a:b])
        row.append(" " * pad + ("›" if last + 1 < len(spans) else " "), line)
        rule = Text("─" * left, line, no_wrap=True, end="")
        rule.append_text(bottom[a:b])
        rule.append("─" * (pad + 1), line)
        return Text("\n", end="").join([row, rule])
