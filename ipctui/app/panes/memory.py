"""Shared memory: a hex and ASCII view with the latest store highlighted, the lock, who maps it;
a System V segment also with its attach count and whether it is marked for removal. Drawn from
the engine's snapshot (engine.views.MemoryView)."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from ...engine.views import HEX_ROWS, MemoryView, SegmentView, memory_view
from ..widgets.boxed import Boxed
from .base import Item, MechanismPane

ROWS = HEX_ROWS  # lines of 16 bytes shown per segment


def hexdump(seg: SegmentView, width: int) -> Text:
    """16 bytes a line (8 when narrow) from the start, or from the latest store, which is shown in
    reverse video; bytes past the end of the segment but inside its last page are dimmed."""
    per = 16 if width >= 80 else 8
    last = seg.last_store
    shown = seg.mapped
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
        chunk = seg.bytes_at(row, min(row + per, shown))
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


def segment_panel(seg: SegmentView, width: int) -> RenderableType:
    lock_text = Text("lock: ", style="ipc.muted")
    if seg.lock_owner is None:
        lock_text.append("free", style="ipc.ok")
    else:
        lock_text.append(f"held by {seg.lock_owner}", style="ipc.wait.strong")
        if seg.lock_owner_dead:
            lock_text.append(" (dead: nobody will ever unlock it)", style="ipc.bad.strong")
    if seg.lock_waiters.blocked:
        lock_text.append(f" · waiting: {', '.join(seg.lock_waiters.blocked)}", style="ipc.wait")
    if seg.lock_waiters.woken:
        lock_text.append(f" · woken, runnable: {', '.join(seg.lock_waiters.woken)}", style="ipc.ok")
    n = seg.mapped // 4096
    size = f"size {seg.size} B in {n} page{'s' if n != 1 else ''}"
    if seg.sysv:
        attached = [name + (f" ×{k}" if k > 1 else "") for name, k in seg.mappers]
        info = Text(
            f"{size} · key {seg.key} · owner {seg.owner} · mode {seg.mode:04o} · attached {seg.nattch}"
            f" time{'s' if seg.nattch != 1 else ''}: {', '.join(attached) or 'nobody'}",
            style="ipc.muted",
        )
    else:
        mappers = ", ".join(name for name, _ in seg.mappers) or "nobody"
        info = Text(
            f"{size} · owner {seg.owner} · mode {seg.mode:04o} · mapped by {mappers}", style="ipc.muted"
        )
    rows: list[RenderableType] = [info, lock_text]
    if seg.marked:
        rows.append(Text("marked for removal: it goes with its last detach", style="ipc.bad.strong"))
    last = seg.last_store
    if last is not None:
        rows.append(
            Text(f"last store: {last.proc} wrote {last.length} B at {last.offset} (step {last.step})")
        )
    if seg.size:
        rows.append(hexdump(seg, width))
    if seg.sysv:
        title = f"System V shmid {seg.id}" + (" (marked for removal)" if seg.marked else "")
    else:
        title = f"shm {seg.name}" + (" (unlinked)" if seg.unlinked else "")
    return Boxed(rows, title, "ipc.shm")


class MemoryPane(MechanismPane):
    title = "Memory"
    hint = 'A: shm_open("/buf", O_CREAT|O_RDWR), A: ftruncate(3, 64), A: mmap(3), A: poke("/buf", 0, "hi")'
    snapshot = staticmethod(memory_view)

    def items(self, view: MemoryView, width: int) -> list[Item]:
        return [
            (f"sysvshm{s.id}" if s.sysv else f"shm{s.id}", s, lambda s=s: segment_panel(s, width))
            for s in view.segments
        ]
