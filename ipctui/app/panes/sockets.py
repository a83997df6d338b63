"""Sockets: state in TCP's terms, addresses, receive buffers, listen queues, who talks to whom."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from ...engine import Kernel
from ...engine.socket import RCVBUF, SocketNode
from ..widgets.holders import index
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
    made = "socket"
    hint = 'A: socket(AF_INET, SOCK_STREAM), A: bind(3, "127.0.0.1:8080"), A: listen(3, 5), A: accept(3)'

    def items(self, kernel: Kernel, width: int) -> list[Item]:
        if not kernel.sockets:
            return []
        fds = index(kernel)
        rows = []
        for s in kernel.sockets.values():
            held = fds.get(id(s), [])
            who = ", ".join(f"{n} fd {fd}" for n, fd, _ in held) or "(in accept queue)"
            if s.state == "LISTEN":
                extra = f"queue {len(s.accept_queue)}/{s.backlog + 1}"
                if s.syn_queue:
                    extra += f" +{len(s.syn_queue)} waiting"
            else:
                extra = f"#{s.peer.id}" if s.peer is not None and not s.peer.closed else ""
            rx = f"{s.buffered}/{RCVBUF}" if s.buffered or s.stream else str(len(s.dgrams))
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
        paths = tuple((n.path, n.sock is not None) for n in kernel.fs.values() if isinstance(n, SocketNode))
        if paths:
            items.append(("paths", paths, lambda: socket_files(paths)))
        return items


def socket_files(paths: tuple[tuple[str, bool], ...]) -> RenderableType:
    t = Text("socket files: ", style="ipc.muted")
    t.append(
        "  ".join(
            f"{path} ({'bound' if bound else 'no socket: connect is refused'})" for path, bound in paths
        )
    )
    return t
