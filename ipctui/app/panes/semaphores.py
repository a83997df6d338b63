"""Semaphores: POSIX ones (value, waiters, who has them open) in a table, then each System V set
as its values, each sleeper with the operation it waits to make, and each process's undo sums."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from ...engine import Kernel
from ...engine.sysv_sem import PendingOp, SemSet
from ..widgets.boxed import Boxed
from ..widgets.holders import names
from .base import Cell, Item, MechanismPane, table_items

HEADERS = ("name", "value", "waiting", "open in (handle)", "posts / takes")


def _op(num: int, op: int) -> str:
    if op == 0:
        return f"#{num} to be 0"
    return f"#{num} {op:+d}"


def waiter_text(w: PendingOp) -> Text:
    """A sleeper, the operation that stops it, and the whole call it will make at once."""
    num, op, _ = w.waits_for
    t = Text(f"{w.proc}", style="ipc.wait.strong")
    t.append(f" waits for {_op(num, op)}")
    whole = ", ".join(_op(n, o) for n, o, _ in w.ops)
    if len(w.ops) > 1:
        t.append(f"  (all together: {whole})", style="dim")
    return t


def set_panel(s: SemSet) -> RenderableType:
    values = Text("values  ")
    for i, v in enumerate(s.values):
        values.append(f" #{i} ", style="dim")
        values.append(str(v), style="ipc.ok" if v else "ipc.wait.strong")
    rows: list[RenderableType] = [
        Text(f"key {s.key} · owner {s.owner} · mode {s.mode:04o} · {len(s.values)} semaphores", style="dim"),
        values,
    ]
    waiting = [w for w in s.pending if w.outcome is None]
    rows += [waiter_text(w) for w in waiting] or [Text("nobody waits", style="dim")]
    for pid, sums in sorted(s.undo.items()):
        text = ", ".join(f"#{n} {v:+d}" for n, v in sorted(sums.items()))
        rows.append(Text(f"undo sums of {s.names.get(pid, pid)}: {text} (taken back when it ends)"))
    return Boxed(rows, f"System V semid {s.id}", "ipc.other")


class SemaphoresPane(MechanismPane):
    title = "Semaphores"
    made = "sem"
    hint = 'A: sem_open("/s", O_CREAT, value=1), A: sem_wait(1), A: sem_post(1)  (a handle is not an fd)'

    def items(self, kernel: Kernel, width: int) -> list[Item]:
        rows = []
        for i, sem in enumerate(kernel.sem_all.values()):
            holders = []
            for pid in sorted(sem.holders):
                p = kernel.procs.get(pid)
                if p is not None:
                    hs = [h for h, e in p.ext.get("sems", {}).items() if e.sem is sem]
                    holders.append(f"{p.name} ({', '.join(map(str, hs))})")
            name = sem.name + (" (unlinked)" if sem.unlinked else "")
            value = (str(sem.value), "ipc.ok" if sem.value else "ipc.wait.strong")
            counts = f"{sem.posts} / {sem.taken}"
            cells: tuple[Cell, ...] = (name, value, names(sem.waiters), ", ".join(holders), counts)
            rows.append((str(i), cells, ""))
        out = table_items("sems", HEADERS, rows, width, flex=3) if rows else []
        for s in kernel.sem_sets.values():
            out.append((f"semset{s.id}", (width, s.version, tuple(s.values)), lambda s=s: set_panel(s)))
        return out
