"""A pane per mechanism: one widget per object, redrawn only when that object changed."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...engine import Kernel

# (key, signature, build): the key names the object, the signature is a cheap summary of what the
# view shows of it, and build() draws it. A widget is redrawn only when its signature changes.
Item = tuple[str, Hashable, Callable[[], RenderableType]]


class MechanismPane(VerticalScroll):
    """Shows one mechanism's objects. Subclasses list them as items."""

    DEFAULT_CSS = """
    MechanismPane { padding: 0 1; }
    MechanismPane > Static { width: 1fr; }
    """

    title: ClassVar[str] = ""
    mechanisms: ClassVar[frozenset[str]] = frozenset()  # Syscall.mechanism values it shows
    hint: ClassVar[str] = ""  # what to type when there is nothing to show

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._item_keys: list[str] = []
        self._item_sigs: dict[str, Hashable] = {}

    def compose(self):  # type: ignore[override]
        yield Static(self.empty(), classes="empty")

    def empty(self) -> RenderableType:
        t = Text(f"No {self.title.lower()} yet.\n", style="bold")
        t.append(self.hint, style="dim")
        return t

    def show(self, kernel: Kernel) -> None:
        # the panes span the screen; a pane just brought forward has not been laid out yet, so
        # its own width would read 0 and every object would be redrawn twice
        width = max(20, (self.size.width or self.app.size.width - 2) - 4)
        items = self.items(kernel, width) or [("empty", None, self.empty)]
        keys = [key for key, _, _ in items]
        if keys != self._item_keys:  # objects came or went: rebuild the list of widgets
            self.remove_children()
            self.mount_all(Static(build(), name=key) for key, _, build in items)
            self._item_keys = keys
            self._item_sigs = {key: sig for key, sig, _ in items}
            return
        widgets = {w.name: w for w in self.query_children(Static)}
        for key, sig, build in items:
            if self._item_sigs.get(key) != sig:
                widget = widgets[key]
                renderable = build()
                # a relayout measures every object in every pane: skip it when the height is unchanged
                height = len(
                    self.app.console.render_lines(
                        renderable, self.app.console.options.update_width(width + 2)
                    )
                )
                widget.update(renderable, layout=height != widget.size.height)
                self._item_sigs[key] = sig

    def items(self, kernel: Kernel, width: int) -> list[Item]:
        """The objects to show, in order; each pane lists its own (none here)."""
        return []
