"""Semaphores: POSIX ones (value, waiters, who has them open) in a table, then each System V set
as its values, each sleeper with the operation it waits to make, and each process's undo sums.
Drawn from the engine's snapshot (engine.views.SemaphoresView)."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from ...engine.views import SemaphoresView, SemSetView, SemWaitView, semaphores_view
from ..widgets.boxed import Boxed
from ..wording import count
from .base import Cell, Item, MechanismPane, table_items

HEADERS = ("name", "value", "waiting", "open in (handle)", "posts / takes")


def _op(num: int, op: int) -> str:
    if op == 0:
        return f"#{num} to be 0"
    return f"#{num} {op:+d}"


def waiter_text(w: SemWaitView) -> Text:
    """A sleeper, the operation that stops it, and the whole call it will make at once; one
    already woken (runnable, its semop not yet run again) says so."""
    num, op = w.waits_for
    t = Text(f"{w.proc}", style="ipc.ok" if w.woken else "ipc.wait.strong")
    t.append(f" woken from its wait for {_op(num, op)}" if w.woken else f" waits for {_op(num, op)}")
    whole = ", ".join(_op(n, o) for n, o in w.ops)
    if len(w.ops) > 1:
        t.append(f"  (all together: {whole})", style="dim")
    return t


def set_panel(s: SemSetView) -> RenderableType:
    values = Text("values  ")
    for i, v in enumerate(s.values):
        values.append(f" #{i} ", style="dim")
        values.append(str(v), style="ipc.ok" if v else "ipc.wait.strong")
    rows: list[RenderableType] = [
        Text(
            f"key {s.key} · owner {s.owner} · mode {s.mode:04o} · {count(len(s.values), 'semaphore')}",
            style="dim",
        ),
        values,
    ]
    rows += [waiter_text(w) for w in s.waiting] or [Text("nobody waits", style="dim")]
    for proc, sums in s.undo:
        text = ", ".join(f"#{n} {v:+d}" for n, v in sums)
        rows.append(Text(f"undo sums of {proc}: {text} (taken back when it ends)"))
    return Boxed(rows, f"System V semid {s.id}", "ipc.other")


class SemaphoresPane(MechanismPane):
    title = "Semaphores"
    hint = 'A: sem_open("/s", O_CREAT, value=1), A: sem_wait(1), A: sem_post(1)  (a handle is not an fd)'
    snapshot = staticmethod(semaphores_view)

    def items(self, view: SemaphoresView, width: int) -> list[Item]:
        rows = []
        for i, sem in enumerate(view.posix):
            holders = [f"{proc} ({', '.join(map(str, hs))})" for proc, hs in sem.holders]
            name = sem.name + (" (unlinked)" if sem.unlinked else "")
            value = (str(sem.value), "ipc.ok" if sem.value else "ipc.wait.strong")
            counts = f"{sem.posts} / {sem.taken}"
            waiting = ", ".join([*sem.waiters.blocked, *(f"{n} (woken)" for n in sem.waiters.woken)])
            cells: tuple[Cell, ...] = (name, value, waiting or "nobody", ", ".join(holders), counts)
            rows.append((str(i), cells, ""))
        out = table_items("sems", HEADERS, rows, width, flex=3) if rows else []
        out += [(f"semset{s.id}", s, lambda s=s: set_panel(s)) for s in view.sets]
        return out
