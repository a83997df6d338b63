"""Pipes and FIFOs: each ring of slots, its ends and who waits on it, drawn from the engine's
snapshot (engine.views.PipesView)."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from ...engine.views import FifoView, PipesView, PipeView, pipes_view
from ..widgets.boxed import Boxed
from ..widgets.pipe_ring import ring, summary
from .base import Item, MechanismPane


def pipe_panel(pipe: PipeView, width: int) -> RenderableType:
    readers = [e.label for e in pipe.ends if e.readable]
    writers = [e.label for e in pipe.ends if e.writable]
    body = Text()
    body.append("read end: ", style="ipc.muted")
    body.append(", ".join(readers) or "closed everywhere", style="" if readers else "ipc.bad")
    body.append("   write end: ", style="ipc.muted")
    body.append(", ".join(writers) or "closed everywhere", style="" if writers else "ipc.bad")
    rows: list[RenderableType] = [summary(pipe), ring(pipe, width - 4), body]
    waits = Text()
    if pipe.readers.blocked:
        waits.append(f"blocked reading: {', '.join(pipe.readers.blocked)}  ", style="ipc.wait")
    if pipe.writers.blocked:
        waits.append(f"blocked writing: {', '.join(pipe.writers.blocked)}", style="ipc.wait")
    # woken, their call not yet run again: runnable, as on Linux until the scheduler runs them
    for who, call in ((pipe.readers.woken, "read"), (pipe.writers.woken, "write")):
        if who:
            if waits and not waits.plain.endswith("  "):
                waits.append("  ")
            many = len(who) > 1
            waits.append(
                f"woken: {', '.join(who)} (runnable, {'their' if many else 'its'} {call}"
                f"{'s' if many else ''} not yet resumed)",
                style="ipc.ok",
            )
    if waits:
        rows.append(waits)
    title = f"FIFO {pipe.fifo}" if pipe.fifo else f"pipe {pipe.id}"
    return Boxed(rows, title, "ipc.pipe")


def fifo_list(nodes: tuple[FifoView, ...]) -> RenderableType:
    t = Text("FIFOs in the file system: ", style="ipc.muted")
    for node in nodes:
        t.append(f"{node.path} (owner {node.owner}, mode {node.mode:04o}")
        t.append(f", waiting in open: {', '.join(node.opening)}" if node.opening else "")
        t.append(")  ")
    return t


class PipesPane(MechanismPane):
    title = "Pipes"
    hint = 'Make one: A: pipe()  or  A: pipe(capacity=16, page_size=4)  ·  FIFOs: A: mkfifo("/tmp/f")'
    snapshot = staticmethod(pipes_view)

    def items(self, view: PipesView, width: int) -> list[Item]:
        out: list[Item] = [(f"pipe{p.id}", p, lambda p=p: pipe_panel(p, width)) for p in view.pipes]
        if view.fifos:
            out.append(("fifos", view.fifos, lambda: fifo_list(view.fifos)))
        return out
