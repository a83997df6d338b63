"""Sockets: state in TCP's terms, addresses, receive buffers, listen queues, who talks to whom,
drawn from the engine's snapshot (engine.views.SocketsView)."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from ...engine.views import SocketsView, sockets_view
from .base import Cell, Item, MechanismPane, table_items

HEADERS = ("#", "held by", "kind", "state", "local", "remote", "rx", "peer / queue")

STATE_STYLE = {
    "LISTEN": "ipc.info",
    "ESTABLISHED": "ipc.ok",
    "CLOSE_WAIT": "ipc.wait",
    "FIN_WAIT_2": "ipc.wait",
}


class SocketsPane(MechanismPane):
    title = "Sockets"
    hint = 'A: socket(AF_INET, SOCK_STREAM), A: bind(3, "127.0.0.1:8080"), A: listen(3, 5), A: accept(3)'
    snapshot = staticmethod(sockets_view)

    def items(self, view: SocketsView, width: int) -> list[Item]:
        if not view.sockets:
            return []
        rows = []
        for s in view.sockets:
            who = ", ".join(e.label for e in s.held) or "(in accept queue)"
            if s.state == "LISTEN":
                extra = f"queue {s.accept_queue}/{s.backlog + 1}"
                if s.syn_queue:
                    extra += f" +{s.syn_queue} waiting"
            else:
                extra = f"#{s.peer}" if s.peer is not None else ""
            rx = f"{s.buffered}/{s.rcvbuf}" if s.buffered or s.stream else str(s.dgrams)
            state: Cell = (s.state, STATE_STYLE.get(s.state, ""))
            cells: tuple[Cell, ...] = (
                str(s.id),
                who,
                s.kind,
                state,
                s.local or "",
                s.remote or "",
                rx,
                extra,
            )
            rows.append((str(s.id), cells, ""))
        items = table_items("sockets", HEADERS, rows, width, flex=1)
        if view.files:
            items.append(("paths", view.files, lambda: socket_files(view.files)))
        return items


def socket_files(paths: tuple[tuple[str, bool], ...]) -> RenderableType:
    t = Text("socket files: ", style="ipc.muted")
    t.append(
        "  ".join(
            f"{path} ({'bound' if bound else 'no socket: connect is refused'})" for path, bound in paths
        )
    )
    return t
