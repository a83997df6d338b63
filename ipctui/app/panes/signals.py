"""Signals: each process's dispositions, blocked mask and pending set, drawn from the engine's
snapshot (engine.views.SignalsRow)."""

from __future__ import annotations

from ...engine.views import SignalsRow, signals_view
from ...vocab.constants import SIGNAL_NAMES
from .base import Cell, Item, MechanismPane, table_items

HEADERS = ("process", "handlers (the rest default)", "blocked", "pending")


def _sig(n: int) -> str:
    return SIGNAL_NAMES[n].removeprefix("SIG")


class SignalsPane(MechanismPane):
    title = "Signals"
    hint = 'A: signal(SIGUSR1, "on_usr1"), B: kill(A, SIGUSR1)  ·  A: sigprocmask(SIG_BLOCK, [SIGUSR2])'

    snapshot = staticmethod(signals_view)

    def items(self, view: tuple[SignalsRow, ...], width: int) -> list[Item]:
        rows = []
        for p in view:
            handlers = ", ".join(f"{_sig(s)}→{h}{' (restart)' if r else ''}" for s, h, r in p.handlers)
            mask = " ".join(_sig(s) for s in p.mask) or "—"
            pending = " ".join(_sig(s) for s in p.pending) or "—"
            shown: Cell = (pending, "ipc.wait") if p.pending else pending
            cells: tuple[Cell, ...] = (p.name, handlers or "—", mask, shown)
            rows.append((str(p.pid), cells, "" if p.alive else "ipc.muted"))
        if not rows:
            return []
        return table_items("signals", HEADERS, rows, width, flex=1)
