"""A banner for when no process can move: every live process is blocked or stopped.

It names the cycle in the wait-for graph when there is one (the classic deadlock), or says that
nobody left can wake the blocked calls (a lost wake-up). Hidden otherwise, so that it takes no
room while the session can go on.
"""

from __future__ import annotations

from textual.widgets import Static

from ...engine import Kernel
from ...engine.views import processes_view
from .views import VIEWS


def stuck_message(kernel: Kernel) -> str:
    """What the banner says, or "" while some process can still take a step."""
    return VIEWS.get(kernel, processes_view).stuck


class StuckBanner(Static):
    """Shown when the session is stuck; says why."""

    DEFAULT_CSS = """
    StuckBanner { display: none; height: auto; background: $error 30%; color: $text; padding: 0 1; }
    StuckBanner.shown { display: block; }
    """

    def show(self, kernel: Kernel) -> None:
        message = stuck_message(kernel)
        if message != getattr(self, "_message", None):
            self._message = message
            self.update(message)
            self.set_class(bool(message), "shown")
