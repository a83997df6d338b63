"""Signals: each process's dispositions, blocked mask and pending set."""

from __future__ import annotations

from ...engine import Kernel
from ...vocab.constants import SIGNAL_NAMES
from .base import Cell, Item, MechanismPane, table_items

HEADERS = ("process", "handlers (the rest default)", "blocked", "pending")


def _sig(n: int) -> str:
    return SIGNAL_NAMES[n].removeprefix("SIG")


class SignalsPane(MechanismPane):
    title = "Signals"
    hint = 'A: signal(SIGUSR1, "on_usr1"), B: kill(A, SIGUSR1)  ·  A: sigprocmask(SIG_BLOCK, [SIGUSR2])'

    def items(self, kernel: Kernel, width: int) -> list[Item]:
        rows = []
        for p in kernel.procs.values():
            handlers = ", ".join(
                f"{_sig(s)}→{h.name}{' (restart)' if h.restart else ''}"
                for s, h in sorted(p.handlers.items())
                if h.name != "SIG_DFL"
            )
            mask = " ".join(_sig(s) for s in sorted(p.mask)) or "—"
            pending = " ".join(_sig(s) for s in sorted(p.pending)) or "—"
            shown: Cell = (pending, "ipc.wait") if p.pending else pending
            cells: tuple[Cell, ...] = (p.name, handlers or "—", mask, shown)
            rows.append((str(p.pid), cells, "" if p.alive else "ipc.muted"))
        if not rows:
            return []
        return table_items("signals", HEADERS, rows, width, flex=1)
