"""The process table: pid, name, uid, state (what a blocked process waits in), parent, descriptors."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from ...engine import Kernel
from ...engine.views import ProcessesView, ProcessView, processes_view
from .views import VIEWS

STATE_STYLE = {"ready": "ipc.ok", "blocked": "ipc.wait", "stopped": "ipc.other", "zombie": "ipc.bad"}
WAITS_MAX = 24  # characters of "waits for": past it, the names left out are counted ("a, b +3")
MIN_DESCRIPTORS = 9  # characters the descriptors keep ("3:pipe1:r") before the state is cut
MIN_STATE = 16  # characters the state keeps when the table is too narrow for it


def bounded(names: str, limit: int = WAITS_MAX) -> str:
    """A list of names ("a, b, c") cut at a name to `limit` characters, the rest counted: a
    queue's receivers may wait for every process that holds it open, five or fifty."""
    if len(names) <= limit:
        return names
    parts = names.split(", ")
    for keep in range(len(parts) - 1, 0, -1):
        text = f"{', '.join(parts[:keep])} +{len(parts) - keep}"
        if len(text) <= limit:
            return text
    rest = f" +{len(parts) - 1}" if len(parts) > 1 else ""
    return parts[0][: max(1, limit - len(rest) - 1)] + "…" + rest


def state_text(p: ProcessView) -> Text:
    """Its state; a blocked process already woken (its call not yet run again) is runnable."""
    if p.state == "blocked" and p.call:
        if p.woken:
            return Text(f"runnable: woken in {p.call}", style="ipc.ok")
        return Text(f"blocked in {p.call}", style="ipc.wait")
    return Text(p.state, style=STATE_STYLE.get(p.state, ""))


class ProcessTable(DataTable):
    """One row per live or zombie process; the cursor row is the selected process."""

    # never a sideways scrollbar: the cells are fitted to the width (it would take a row of the
    # few the processes have at 80x24)
    DEFAULT_CSS = "ProcessTable { height: 1fr; overflow-x: hidden; }"

    COLUMNS = ("pid", "name", "uid", "state", "waits for", "parent", "descriptors")

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self._shown: dict[str, tuple[object, ...]] = {}  # row key -> the cells on screen
        self._shape: tuple[object, ...] = ()
        self._rows: dict[int, tuple[ProcessView, tuple[object, ...]]] = {}  # pid -> its view, its row
        self._view: tuple[ProcessesView, int] | None = None  # the snapshot shown, at the width shown
        self.wanted = 0  # the width that shows every cell whole
        self._kernel: Kernel | None = None  # the kernel shown, to fit again when a scrollbar comes

    def recolour(self) -> None:
        """Forget the cells drawn: the next show() draws them all in the theme's colours."""
        self._shown, self._shape, self._rows, self._view = {}, (), {}, None
        self.clear(columns=True)

    def show(self, kernel: Kernel) -> None:
        """Columns sized to what is shown now, not to the widest ever; when the rows and the
        widths are what they were, only the cells that changed are redrawn (a step usually
        changes one or two), which keeps the table out of the screen's layout."""
        view = VIEWS.get(kernel, processes_view)
        if (view, self.size.width) == self._view:  # nothing the table shows has changed
            return
        self._view = (view, self.size.width)
        rows = [self._row(p) for p in view.procs]
        if len(self._rows) > 2 * len(rows) + 16:  # processes reaped, or a replay made new ones
            alive = {p.pid for p in view.procs}
            self._rows = {pid: kept for pid, kept in self._rows.items() if pid in alive}
        names = [str(r[4]) for r in rows]  # whom each waits for, before it is cut to fit
        rows = [(*r[:4], bounded(n), *r[5:]) for r, n in zip(rows, names, strict=True)]
        pad = 2 * self.cell_padding
        widths = [
            max([len(label)] + [len(str(r[i])) for r in rows]) for i, label in enumerate(self.COLUMNS[:-1])
        ]
        fixed = sum(w + pad for w in widths) + pad + 1
        self.wanted = fixed + max([len("descriptors")] + [len(r[-1]) for r in rows])  # uncut, with its gaps
        self._kernel = kernel
        bar = self.styles.scrollbar_size_vertical if self.show_vertical_scrollbar else 0
        room = self.size.width - bar - fixed if self.size.width else None
        if room is not None and room < MIN_DESCRIPTORS:  # narrow: "waits for" gives up names
            limit = max(len(self.COLUMNS[4]), widths[4] - (MIN_DESCRIPTORS - room))
            rows = [(*r[:4], bounded(n, limit), *r[5:]) for r, n in zip(rows, names, strict=True)]
            waits = max([len(self.COLUMNS[4])] + [len(str(r[4])) for r in rows])
            room += widths[4] - waits
            widths[4] = waits
        if room is not None and room < MIN_DESCRIPTORS:  # and then the state, characters
            cut = min(MIN_DESCRIPTORS - room, max(0, widths[3] - MIN_STATE))
            widths[3] -= cut
            room += cut
            rows = [(*r[:3], _cut(r[3], widths[3]), *r[4:]) for r in rows]
        room = None if room is None else max(room, MIN_DESCRIPTORS)  # never a table of no width
        # the descriptors get the rest of the width, and end in an ellipsis past it
        rows = [
            (*r[:-1], r[-1] if room is None or len(r[-1]) <= room else r[-1][: room - 1] + "…") for r in rows
        ]
        shape = (tuple(r[0] for r in rows), tuple(widths), room)
        if shape == self._shape:
            for row in rows:
                old = self._shown.get(row[0], ())
                for label, cell, was in zip(self.COLUMNS, row, old, strict=False):
                    if cell != was:
                        self.update_cell(row[0], label, cell)
            self._shown = {r[0]: r for r in rows}
            return
        selected = self.selected_pid
        self.clear(columns=True)
        for label in self.COLUMNS[:-1]:
            self.add_column(label, key=label)
        self.add_column("descriptors", key="descriptors", width=room)
        for row in rows:
            self.add_row(*row, key=row[0])
        self._shown, self._shape = {r[0]: r for r in rows}, shape
        if selected is not None and str(selected) in self.rows:
            self.move_cursor(row=self.get_row_index(str(selected)))

    def keep_in_view(self, pids: list[int]) -> None:
        """Scroll (the selection stays) so that the first of `pids` that has a row is on screen:
        at 80x24 the processes get a quarter of the rows, and the one the step is about may be
        past them."""
        row = next((self.get_row_index(str(pid)) for pid in pids if str(pid) in self.rows), None)
        shown = self.scrollable_content_region.height - self.header_height  # rows under the header
        if row is None or shown <= 0:
            return
        if row < self.scroll_y:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= self.scroll_y + shown:
            self.scroll_to(y=row - shown + 1, animate=False, immediate=True)

    def watch_show_vertical_scrollbar(self) -> None:
        """More processes than rows (or fewer again): the scrollbar's columns come off (or back
        to) the width the cells share, so they are fitted again."""
        if self._kernel is not None:
            kernel = self._kernel
            self.call_after_refresh(lambda: (self.recolour(), self.show(kernel)))

    def _row(self, p: ProcessView) -> tuple[object, ...]:
        """A process's cells, made again only when its snapshot changed (a step changes one or
        two processes of fifty)."""
        kept = self._rows.get(p.pid)
        if kept is not None and kept[0] == p:
            return kept[1]
        waits = "" if p.waits_for is None else ", ".join(p.waits_for) or "nobody"
        fds = " ".join(f"{fd}:{label}" for fd, label in p.fds)
        row = (str(p.pid), p.name, str(p.uid), state_text(p), waits, p.parent or "—", fds)
        self._rows[p.pid] = (p, row)
        return row

    @property
    def selected_pid(self) -> int | None:
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except Exception:  # no valid cursor (an empty table)
            return None
        return int(key) if key is not None else None


def _cut(cell: object, width: int) -> object:
    """A cell (text or plain) cut to `width` characters, ending in an ellipsis if it was longer."""
    if isinstance(cell, Text):
        if cell.cell_len <= width:
            return cell
        cut = cell.copy()  # the row is kept for the next step: cut a copy
        cut.truncate(width, overflow="ellipsis")
        return cut
    text = str(cell)
    return text if len(text) <= width else text[: width - 1] + "…"
