"""A banner for when no process can move: every live process is blocked or stopped.

It names the cycle in the wait-for graph when there is one (the classic deadlock), or says that
nobody left can wake the blocked calls (a lost wake-up). Hidden otherwise, so that it takes no
room while the session can go on.
"""

from __future__ import annotations

from textual.widgets import Static

from ...engine import Kernel
from ...engine.waitfor import cycle_of, wait_for


def stuck_message(kernel: Kernel) -> str:
    """What the banner says, or "" while some process can still take a step."""
    live = [p for p in kernel.procs.values() if p.alive]
    if not live or any(p.waiter is None and not p.stopped for p in live):
        return ""
    waits = wait_for(kernel)
    if not waits:
        return ""
    cycle = cycle_of(waits)
    if cycle:
        return "No process can move: deadlock, " + " → ".join([*cycle, cycle[0]])
    who = ", ".join(f"{w.proc} waits for {', '.join(w.waits_for) or 'nobody'}" for w in waits)
    return f"No process can move: {who}"


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
