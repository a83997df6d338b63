"""The footer, showing only the keys that fit whole.

Textual's footer lays its keys in a row and cuts the row where the command palette's key sits
on the right: at 80 columns `U redo` read `U re`. This one hides the keys from the first that
would be cut (the bindings are in order of importance: commands.py) whenever its keys are made
again (the bindings change as dialogs come and go) and at every change of width. The widths are
measured from the keys' text, not from where the last layout put them: a footer made again under
a dialog is not laid out until the dialog closes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class FittingFooter(Footer):
    """A Footer that drops the keys that do not fit instead of cutting one in two."""

    def compose(self) -> ComposeResult:
        yield from super().compose()
        self.call_later(self._fit)  # once the keys are mounted (their styles are known)

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        keys = list(self.query(FooterKey))
        palette = next((k for k in keys if k.has_class("-command-palette")), None)
        limit = self.size.width - (self._width_of(palette) if palette is not None else 0)
        x = 0
        for key in keys:
            if key is not palette:
                x += self._width_of(key)
                key.display = x <= limit

    def _width_of(self, key: FooterKey) -> int:
        """The cells the key takes in the row: its text, padding, border and margin."""
        content = key.get_content_width(self.size, self.app.size)
        return content + key.styles.gutter.width + key.styles.margin.width
