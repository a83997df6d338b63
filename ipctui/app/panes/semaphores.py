"""POSIX semaphores: value, waiters, who has them open."""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table

from ...engine import Kernel
from ..widgets.holders import names, waiting
from .base import Item, MechanismPane


class SemaphoresPane(MechanismPane):
    title = "Semaphores"
    mechanisms = frozenset({"sem"})
    hint = 'A: sem_open("/s", O_CREAT, value=1), A: sem_wait(1), A: sem_post(1)  (a handle is not an fd)'

    def items(self, kernel: Kernel, width: int) -> list[Item]:
        if not kernel.sem_all:
            return []
        sig = tuple(
            (s.name, s.value, s.unlinked, s.posts, s.taken, waiting(s.waiters), tuple(sorted(s.holders)))
            for s in kernel.sem_all.values()
        )
        return [("sems", sig, lambda: self.table(kernel))]

    def table(self, kernel: Kernel) -> RenderableType:
        table = Table(expand=True, header_style="bold")
        for col in ("name", "value", "waiting", "open in (handle)", "posts / takes"):
            table.add_column(col)
        for sem in kernel.sem_all.values():
            holders = []
            for pid in sorted(sem.holders):
                p = kernel.procs.get(pid)
                if p is not None:
                    hs = [h for h, e in p.ext.get("sems", {}).items() if e.sem is sem]
                    holders.append(f"{p.name} ({', '.join(map(str, hs))})")
            name = sem.name + (" (unlinked)" if sem.unlinked else "")
            value = f"[bold green]{sem.value}[/]" if sem.value else "[bold red]0[/]"
            table.add_row(name, value, names(sem.waiters), ", ".join(holders), f"{sem.posts} / {sem.taken}")
        return table
