"""Pipes and FIFOs: each ring of slots, its ends and who waits on it."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from ...engine import Kernel
from ...engine.fifo import FifoNode
from ...engine.pipe import Pipe
from ..widgets.boxed import Boxed
from ..widgets.holders import index, names, waiting
from ..widgets.pipe_ring import ring, summary
from .base import Item, MechanismPane


def pipe_panel(pipe: Pipe, ends: list, width: int) -> RenderableType:
    readers = [f"{n} fd {fd}" for n, fd, f in ends if f.readable]
    writers = [f"{n} fd {fd}" for n, fd, f in ends if f.writable]
    body = Text()
    body.append("read end: ", style="ipc.muted")
    body.append(", ".join(readers) or "closed everywhere", style="" if readers else "ipc.bad")
    body.append("   write end: ", style="ipc.muted")
    body.append(", ".join(writers) or "closed everywhere", style="" if writers else "ipc.bad")
    rows: list[RenderableType] = [summary(pipe), ring(pipe, width - 4), body]
    waits = Text()
    if pipe.rq:
        waits.append(f"blocked reading: {names(pipe.rq)}  ", style="ipc.wait")
    if pipe.wq:
        waits.append(f"blocked writing: {names(pipe.wq)}", style="ipc.wait")
    if waits:
        rows.append(waits)
    title = f"FIFO {pipe.fifo}" if pipe.fifo else f"pipe {pipe.id}"
    return Boxed(rows, title, "ipc.pipe")


def fifo_list(nodes: list[FifoNode]) -> RenderableType:
    t = Text("FIFOs in the file system: ", style="ipc.muted")
    for node in nodes:
        waiters = [*node.ropen.procs(), *node.wopen.procs()]
        t.append(f"{node.path} (owner {node.owner}, mode {node.mode:04o}")
        t.append(f", waiting in open: {', '.join(p.name for p in waiters)}" if waiters else "")
        t.append(")  ")
    return t


class PipesPane(MechanismPane):
    title = "Pipes"
    made = "pipe"
    hint = 'Make one: A: pipe()  or  A: pipe(capacity=16, page_size=4)  ·  FIFOs: A: mkfifo("/tmp/f")'

    def items(self, kernel: Kernel, width: int) -> list[Item]:
        fds = index(kernel)
        out: list[Item] = []
        for pipe in kernel.pipes.values():
            ends = fds.get(id(pipe), [])
            sig = (
                width,
                pipe.head,
                pipe.tail,
                pipe.nslots,
                pipe.buffered,
                pipe.bytes_written,
                pipe.bytes_read,
                tuple((len(s.data), s.offset) if s else None for s in pipe.slots),
                tuple((n, fd, f.readable) for n, fd, f in ends),
                waiting(pipe.rq),
                waiting(pipe.wq),
            )
            out.append((f"pipe{pipe.id}", sig, lambda p=pipe, e=ends: pipe_panel(p, e, width)))
        nodes = [n for n in kernel.fs.values() if isinstance(n, FifoNode)]
        if nodes:
            sig = tuple((n.path, n.owner, n.mode, waiting(n.ropen), waiting(n.wopen)) for n in nodes)
            out.append(("fifos", sig, lambda: fifo_list(nodes)))
        return out
