"""Pipes and FIFOs: each ring of slots, its ends and who waits on it."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from ...engine import Kernel
from ...engine.fifo import FifoNode
from ..widgets.holders import holders, names
from ..widgets.pipe_ring import ring, summary
from .base import MechanismPane


class PipesPane(MechanismPane):
    title = "Pipes"
    mechanisms = frozenset({"pipe", "fifo", "files"})
    hint = 'Make one: A: pipe()  or  A: pipe(capacity=16, page_size=4)  ·  FIFOs: A: mkfifo("/tmp/f")'

    def render_state(self, kernel: Kernel, width: int) -> RenderableType:
        parts: list[RenderableType] = []
        for pipe in kernel.pipes.values():
            ends = holders(kernel, lambda f, pipe=pipe: f.kind == "pipe" and f.obj.pipe is pipe)
            readers = [f"{n} fd {fd}" for n, fd, f in ends if f.readable]
            writers = [f"{n} fd {fd}" for n, fd, f in ends if f.writable]
            body = Text()
            body.append("read end: ", style="dim")
            body.append(", ".join(readers) or "closed everywhere", style="" if readers else "red")
            body.append("   write end: ", style="dim")
            body.append(", ".join(writers) or "closed everywhere", style="" if writers else "red")
            waits = Text()
            if pipe.rq:
                waits.append(f"blocked reading: {names(pipe.rq)}  ", style="yellow")
            if pipe.wq:
                waits.append(f"blocked writing: {names(pipe.wq)}", style="yellow")
            title = f"FIFO {pipe.fifo}" if pipe.fifo else f"pipe {pipe.id}"
            rows: list[RenderableType] = [summary(pipe), ring(pipe, width - 4), body]
            if waits:
                rows.append(waits)
            parts.append(Panel(Group(*rows), title=title, title_align="left", border_style="cyan"))
        fifos = [n for n in kernel.fs.values() if isinstance(n, FifoNode)]
        if fifos:
            t = Text("FIFOs in the file system: ", style="dim")
            for node in fifos:
                waiting = [*node.ropen.procs(), *node.wopen.procs()]
                t.append(f"{node.path} (owner {node.owner}, mode {node.mode:04o}", style="")
                t.append(f", waiting in open: {', '.join(p.name for p in waiting)}" if waiting else "")
                t.append(")  ")
            parts.append(t)
        return Group(*parts) if parts else self.empty()
