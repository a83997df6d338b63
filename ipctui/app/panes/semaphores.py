"""POSIX semaphores: value, waiters, who has them open."""

from __future__ import annotations

from ...engine import Kernel
from ..widgets.holders import names
from .base import Cell, Item, MechanismPane, table_items

HEADERS = ("name", "value", "waiting", "open in (handle)", "posts / takes")


class SemaphoresPane(MechanismPane):
    title = "Semaphores"
    made = "sem"
    mechanisms = frozenset({"sem"})
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
            value = (str(sem.value), "bold green" if sem.value else "bold red")
            counts = f"{sem.posts} / {sem.taken}"
            cells: tuple[Cell, ...] = (name, value, names(sem.waiters), ", ".join(holders), counts)
            rows.append((str(i), cells, ""))
        if not rows:
            return []
        return table_items("sems", HEADERS, rows, width, flex=3)
