"""Sockets: state in TCP's terms, addresses, receive buffers, listen queues, who talks to whom."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ...engine import Kernel
from ...engine.socket import RCVBUF, SocketNode
from ..widgets.holders import index
from .base import Item, MechanismPane

STATE_STYLE = {"LISTEN": "cyan", "ESTABLISHED": "green", "CLOSE_WAIT": "yellow", "FIN_WAIT_2": "yellow"}


class SocketsPane(MechanismPane):
    title = "Sockets"
    mechanisms = frozenset({"socket"})
    hint = 'A: socket(AF_INET, SOCK_STREAM), A: bind(3, "127.0.0.1:8080"), A: listen(3, 5), A: accept(3)'

    def items(self, kernel: Kernel, width: int) -> list[Item]:
        if not kernel.sockets:
            return []
        fds = index(kernel)
        sig = tuple(
            (
                s.id,
                s.state,
                s.local,
                s.remote,
                s.buffered,
                len(s.dgrams),
                len(s.accept_queue),
                len(s.syn_queue),
                s.peer.id if s.peer is not None and not s.peer.closed else None,
                tuple((n, fd) for n, fd, _ in fds.get(id(s), [])),
            )
            for s in kernel.sockets.values()
        )
        paths = tuple((n.path, n.sock is not None) for n in kernel.fs.values() if isinstance(n, SocketNode))
        return [("sockets", (sig, paths), lambda: self.table(kernel, fds))]

    def table(self, kernel: Kernel, fds: dict) -> RenderableType:
        table = Table(expand=True, header_style="bold", pad_edge=False, box=box.SIMPLE_HEAD)
        table.add_column("#", no_wrap=True)
        table.add_column("held by", overflow="fold")
        for col in ("kind", "state", "local", "remote", "rx", "peer / queue"):
            table.add_column(col, no_wrap=True)
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
            state = Text(s.state, style=STATE_STYLE.get(s.state, ""))
            table.add_row(str(s.id), who, s.kind, state, s.local or "", s.remote or "", rx, extra)
        paths = [n for n in kernel.fs.values() if isinstance(n, SocketNode)]
        if not paths:
            return table
        t = Text("socket files: ", style="dim")
        t.append(
            "  ".join(f"{n.path} ({'bound' if n.sock else 'no socket: connect is refused'})" for n in paths)
        )
        return Group(table, t)
