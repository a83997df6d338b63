"""The reference: every mechanism's calls, its Windows equivalent, when to choose it."""

from __future__ import annotations

from pathlib import Path

from textual.containers import VerticalScroll
from textual.widgets import Markdown

TEXT = (Path(__file__).parent / "reference.md").read_text(encoding="utf-8")


class ReferencePane(VerticalScroll):
    DEFAULT_CSS = "ReferencePane { padding: 0 1; }"

    def compose(self):  # type: ignore[override]
        yield Markdown(TEXT)
