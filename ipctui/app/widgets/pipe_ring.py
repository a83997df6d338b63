"""A pipe drawn as Linux keeps it: a ring of page slots, each with its bytes, read offset and free
tail, and R (tail) and W (head) going round. Small pages show their bytes; big ones a fill bar."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from ...engine.views import PipeView

BYTE_CELLS = 16  # pages up to this size show each byte


def _byte(b: int) -> str:
    return chr(b) if 0x21 <= b < 0x7F else ("␣" if b == 0x20 else "·")


def _slot_cells(pipe: PipeView, i: int, width: int) -> Text:
    slot = pipe.slots[i]
    cell = Text()
    if pipe.page_size <= BYTE_CELLS:
        if slot is None:
            cell.append(" " * pipe.page_size)
        else:
            cell.append("░" * slot.offset, style="ipc.muted")
            for b in slot.data[slot.offset :]:
                cell.append(_byte(b), style="bold reverse")
            cell.append(" " * (pipe.page_size - len(slot.data)))
        return cell
    if slot is None:
        return Text(" " * width)
    read = round(width * slot.offset / pipe.page_size)
    unread = max(1, round(width * slot.unread / pipe.page_size)) if slot.unread else 0
    cell.append("░" * read, style="ipc.muted")
    cell.append("█" * unread, style="bold")
    cell.append(" " * max(0, width - read - unread))
    return cell


def ring(pipe: PipeView, max_width: int = 76) -> RenderableType:
    """The slots in ring order, wrapped to fit `max_width`, with R and W under their slots."""
    width = pipe.page_size if pipe.page_size <= BYTE_CELLS else 4
    n = pipe.nslots
    fit = max(1, (max_width - 1) // (width + 1))
    rows_needed = -(-n // fit)
    per_row = -(-n // rows_needed)  # balanced rows, not a full row and a stub
    tail, head = pipe.tail % n, pipe.head % n
    rows: list[RenderableType] = []
    for start in range(0, n, per_row):
        idx = list(range(start, min(n, start + per_row)))
        # no_wrap: each row is drawn to fit, and Rich's wrapping is most of the drawing time
        top = Text("┌" + "┬".join("─" * width for _ in idx) + "┐", style="ipc.frame", no_wrap=True)
        mid = Text("│", style="ipc.frame", no_wrap=True)
        for i in idx:
            mid.append_text(_slot_cells(pipe, i, width))
            mid.append("│", style="ipc.frame")
        bottom = Text("└" + "┴".join("─" * width for _ in idx) + "┘", style="ipc.frame", no_wrap=True)
        marks = Text(" ", no_wrap=True)
        for i in idx:
            label = ("R" if i == tail else "") + ("W" if i == head else "")
            marks.append(label.center(width)[:width], style="ipc.mark" if label else "")
            marks.append(" ")
        rows += [top, mid, bottom, marks]
    return Group(*rows)


def summary(pipe: PipeView) -> Text:
    t = Text()
    t.append(f"{pipe.nslots} slot{'s' if pipe.nslots != 1 else ''} × {pipe.page_size} B")
    t.append(f" · {pipe.used}/{pipe.nslots} used · {pipe.buffered} B in it", style="bold")
    t.append(f" · {pipe.bytes_written} B written, {pipe.bytes_read} B read", style="ipc.muted")
    return t
