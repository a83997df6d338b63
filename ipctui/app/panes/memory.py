"""Shared memory: a hex and ASCII view with the latest store highlighted, the lock, who maps it;
a System V segment also with its attach count and whether it is marked for removal."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from ...engine import Kernel
from ...engine.shm import PAGE, Segment, pages
from ...engine.sysv_shm import SysvSegment
from ..widgets.boxed import Boxed
from ..widgets.holders import names, waiting
from .base import Item, MechanismPane

ROWS = 16  # lines of 16 bytes shown per segment


def hexdump(seg: Segment, width: int) -> Text:
    """16 bytes a line (8 when narrow) from the start, or from the latest store, which is shown in
    reverse video; bytes past the end of the segment but inside its last page are dimmed."""
    per = 16 if width >= 80 else 8
    last = seg.last_store
    shown = pages(seg.size) * PAGE
    start = 0
    if last is not None and last.offset >= ROWS * per:
        start = (last.offset // per) * per
    hi = range(last.offset, last.offset + last.length) if last else range(0)
    t = Text()
    interesting = max(seg.size, last.offset + last.length if last else 0)
    limit = -(-interesting // per) * per + per  # what holds data, and one row of the page beyond
    end = min(shown, start + ROWS * per, max(limit, start + per))
    for row in range(start, end, per):
        t.append(f"{row:08x}  ", style="ipc.muted")
        chunk = seg.backing[row : row + per]
        for i, b in enumerate(chunk):
            style = "bold reverse" if row + i in hi else ("ipc.muted" if row + i >= seg.size else "")
            t.append(f"{b:02x}", style=style)
            t.append(" ")
        t.append(" ")
        for i, b in enumerate(chunk):
            style = "bold reverse" if row + i in hi else ("ipc.muted" if row + i >= seg.size else "")
            t.append(chr(b) if 0x20 <= b < 0x7F else ".", style=style)
        t.append("\n")
    if end < shown:
        t.append(f"… {shown - end} more bytes mapped, to the end of the page", style="ipc.muted")
    return t


def segment_panel(kernel: Kernel, seg: Segment, width: int) -> RenderableType:
    mappers = [kernel.procs[pid].name for pid in seg.mappers if pid in kernel.procs]
    lock = seg.lock
    lock_text = Text("lock: ", style="ipc.muted")
    if lock.owner is None:
        lock_text.append("free", style="ipc.ok")
    else:
        lock_text.append(f"held by {lock.owner_name}", style="ipc.wait.strong")
        if lock.owner_dead:
            lock_text.append(" (dead: nobody will ever unlock it)", style="ipc.bad.strong")
    if lock.waiters:
        lock_text.append(f" · waiting: {names(lock.waiters)}", style="ipc.wait")
    size = f"size {seg.size} B in {pages(seg.size)} page{'s' if pages(seg.size) != 1 else ''}"
    if isinstance(seg, SysvSegment):
        attached = [
            f"{kernel.procs[pid].name}" + (f" ×{n}" if n > 1 else "")
            for pid, n in seg.mappers.items()
            if pid in kernel.procs
        ]
        info = Text(
            f"{size} · key {seg.key} · owner {seg.owner} · mode {seg.mode:04o} · attached {seg.nattch}"
            f" time{'s' if seg.nattch != 1 else ''}: {', '.join(attached) or 'nobody'}",
            style="ipc.muted",
        )
    else:
        info = Text(
            f"{size} · owner {seg.owner} · mode {seg.mode:04o} · mapped by {', '.join(mappers) or 'nobody'}",
            style="ipc.muted",
        )
    rows: list[RenderableType] = [info, lock_text]
    if isinstance(seg, SysvSegment) and seg.marked:
        rows.append(Text("marked for removal: it goes with its last detach", style="ipc.bad.strong"))
    last = seg.last_store
    if last is not None:
        rows.append(
            Text(f"last store: {last.proc} wrote {last.length} B at {last.offset} (step {last.step})")
        )
    if seg.size:
        rows.append(hexdump(seg, width))
    if isinstance(seg, SysvSegment):
        title = f"System V shmid {seg.id}" + (" (marked for removal)" if seg.marked else "")
    else:
        title = f"shm {seg.name}" + (" (unlinked)" if seg.unlinked else "")
    return Boxed(rows, title, "ipc.shm")


class MemoryPane(MechanismPane):
    title = "Memory"
    made = "shm"
    hint = 'A: shm_open("/buf", O_CREAT|O_RDWR), A: ftruncate(3, 64), A: mmap(3), A: poke("/buf", 0, "hi")'

    def items(self, kernel: Kernel, width: int) -> list[Item]:
        out: list[Item] = []
        for seg in [*kernel.shm_all.values(), *kernel.sysv_shm.values()]:
            lock = seg.lock
            sig = (
                width,
                seg.version,
                seg.size,
                seg.unlinked,
                tuple(seg.mappers.items()),
                getattr(seg, "marked", False),
                lock.owner,
                lock.owner_dead,
                waiting(lock.waiters),
            )
            key = f"sysvshm{seg.id}" if isinstance(seg, SysvSegment) else f"shm{seg.id}"
            out.append((key, sig, lambda seg=seg: segment_panel(kernel, seg, width)))
        return out
