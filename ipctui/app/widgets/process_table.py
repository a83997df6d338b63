"""The process table: pid, name, uid, state (what a blocked process waits in), parent, descriptors."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from ...engine import Kernel
from ...engine.views import ProcessesView, ProcessView, processes_view
from .views import VIEWS

STATE_STYLE = {"ready": "ipc.ok", "blocked": "ipc.wait", "stopped": "ipc.other", "zombie": "ipc.bad"}


def state_text(p: ProcessView) -> Text:
    """Its state; a blocked process already woken (its call not yet run again) is runnable."""
    if p.state == "blocked" and p.call:
        if p.woken:
            return Text(f"runnable: woken in {p.call}", style="ipc.ok")
        return Text(f"blocked in {p.call}", style="ipc.wait")
    return Text(p.state, style=STATE_STYLE.get(p.state, ""))


class ProcessTable(DataTable):
    """One row per live or zombie process; the cursor row is the selected process."""

    DEFAULT_CSS = "ProcessTable { height: 1fr; }"

    COLUMNS = ("pid", "name", "uid", "state", "waits for", "parent", "descriptors")

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self._shown: dict[str, tuple[object, ...]] = {}  # row key -> the cells on screen
        self._shape: tuple[object, ...] = ()
        self._rows: dict[int, tuple[ProcessView, tuple[object, ...]]] = {}  # pid -> its view, its row
        self._view: tuple[ProcessesView, int] | None = None  # the snapshot shown, at the width shown
        self.wanted = 0  # the width that shows every cell whole

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
        pad = 2 * self.cell_padding
        widths = [
            max([len(label)] + [len(str(r[i])) for r in rows]) for i, label in enumerate(self.COLUMNS[:-1])
        ]
        fixed = sum(w + pad for w in widths) + pad + 1
        self.wanted = fixed + max([len("descriptors")] + [len(r[-1]) for r in rows])  # uncut, with its gaps
        room = max(12, self.size.width - fixed) if self.size.width else None
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
