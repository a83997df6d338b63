"""The footer, showing only the keys that fit whole.

Textual's footer lays its keys in a row and cuts the row where the command palette's key sits
on the right: at 80 columns `U redo` read `U re`. This one hides the keys from the first that
would be cut (the bindings are in order of importance: commands.py), after every layout of its
keys and every change of width."""

from __future__ import annotations

from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class FittingFooter(Footer):
    """A Footer that drops the keys that do not fit instead of cutting one in two."""

    async def recompose(self) -> None:
        await super().recompose()
        self.call_after_refresh(self._fit)

    def on_resize(self) -> None:
        for key in self.query(FooterKey):
            key.display = True
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        keys = list(self.query(FooterKey))
        palette = next((k for k in keys if k.has_class("-command-palette")), None)
        limit = palette.region.x if palette is not None else self.region.right
        cut = False
        for key in keys:
            if key is not palette:
                cut = cut or key.region.right > limit
                key.display = not cut
