"""Signals: each process's dispositions, blocked mask and pending set."""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table

from ...engine import Kernel
from ...engine.constants import SIGNAL_NAMES
from .base import Item, MechanismPane


def _sig(n: int) -> str:
    return SIGNAL_NAMES[n].removeprefix("SIG")


class SignalsPane(MechanismPane):
    title = "Signals"
    mechanisms = frozenset({"signals"})
    hint = 'A: signal(SIGUSR1, "on_usr1"), B: kill(A, SIGUSR1)  ·  A: sigprocmask(SIG_BLOCK, [SIGUSR2])'

    def items(self, kernel: Kernel, width: int) -> list[Item]:
        if not kernel.procs:
            return []
        sig = tuple(
            (
                p.pid,
                p.alive,
                tuple(sorted(p.handlers.items())),
                tuple(sorted(p.mask)),
                tuple(sorted(p.pending)),
            )
            for p in kernel.procs.values()
        )
        return [("signals", sig, lambda: self.table(kernel))]

    def table(self, kernel: Kernel) -> RenderableType:
        table = Table(expand=True, header_style="bold")
        for col in ("process", "handlers (the rest default)", "blocked", "pending"):
            table.add_column(col, overflow="fold")
        for p in kernel.procs.values():
            handlers = ", ".join(
                f"{_sig(s)}→{h.name}{' (restart)' if h.restart else ''}"
                for s, h in sorted(p.handlers.items())
                if h.name != "SIG_DFL"
            )
            mask = " ".join(_sig(s) for s in sorted(p.mask)) or "—"
            pending = " ".join(_sig(s) for s in sorted(p.pending)) or "—"
            style = "" if p.alive else "dim"
            table.add_row(
                p.name, handlers or "—", mask, f"[yellow]{pending}[/]" if p.pending else pending, style=style
            )
        return table
