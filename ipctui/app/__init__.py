"""The Textual playground. Importing this imports Textual, so the CLI imports it only to open it."""

from __future__ import annotations

from pathlib import Path

from .app import PlaygroundApp


def make_app(script: str | Path | None = None, theme: str | None = None) -> PlaygroundApp:
    """The one factory for the CLI, the tests and the snapshots."""
    return PlaygroundApp(script=script, theme=theme)


__all__ = ["PlaygroundApp", "make_app"]
