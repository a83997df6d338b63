"""Message queues: POSIX (by priority) and System V (by type), with fill gauges and waiters."""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from ...engine import Kernel
from ...engine.sysv_msg import MSGMNB
from ...script.values import quote
from ..widgets.boxed import Boxed
from ..widgets.holders import index, names, waiting
from .base import Item, MechanismPane


def gauge(used: int, total: int, width: int = 20) -> Text:
    filled = round(width * used / total) if total else 0
    t = Text("█" * filled, style="ipc.ok" if used < total else "ipc.bad")
    t.append("░" * (width - filled), style="ipc.muted")
    t.append(f" {used}/{total}")
    return t


def _short(data: bytes, n: int = 40) -> str:
    s = quote(data)
    return s if len(s) <= n else s[: n - 4] + '..."'


def posix_panel(q, opened: list) -> RenderableType:
    msgs = Table(box=None, show_header=True, header_style="ipc.muted", pad_edge=False)
    msgs.add_column("next", style="ipc.muted")
    msgs.add_column("prio", justify="right")
    msgs.add_column("data")
    for i, (data, prio) in enumerate(q.messages()[:12]):
        msgs.add_row("→" if i == 0 else "", str(prio), _short(data))
    info = Text(
        f"maxmsg {q.maxmsg} · msgsize {q.msgsize} · owner {q.owner} · mode {q.mode:04o}", style="ipc.muted"
    )
    rows: list[RenderableType] = [info, gauge(q.curmsgs, q.maxmsg)]
    rows.append(msgs if q.curmsgs else Text("empty", style="ipc.muted"))
    if q.curmsgs > 12:
        rows.append(Text(f"… and {q.curmsgs - 12} more", style="ipc.muted"))
    rows.append(
        Text("open in: " + (", ".join(f"{n} fd {fd}" for n, fd, _ in opened) or "nobody"), style="ipc.muted")
    )
    if q.senders or q.receivers:
        rows.append(
            Text(
                f"waiting to send: {names(q.senders)}   waiting to receive: {names(q.receivers)}",
                style="ipc.wait",
            )
        )
    title = f"POSIX mq {q.name}" + (" (unlinked)" if q.unlinked else "")
    return Boxed(rows, title, "ipc.queue")


def sysv_panel(q) -> RenderableType:
    msgs = Table(box=None, show_header=True, header_style="ipc.muted", pad_edge=False)
    msgs.add_column("type", justify="right")
    msgs.add_column("data")
    for mtype, data in list(q.messages)[:12]:
        msgs.add_row(str(mtype), _short(data))
    info = Text(f"key {q.key} · owner {q.owner} · mode {q.mode:04o}", style="ipc.muted")
    rows = [info, gauge(q.cbytes, MSGMNB), msgs if q.messages else Text("empty", style="ipc.muted")]
    if q.senders or q.receivers:
        rows.append(
            Text(
                f"waiting to send: {names(q.senders)}   waiting to receive: {names(q.receivers)}",
                style="ipc.wait",
            )
        )
    return Boxed(rows, f"System V msqid {q.id}", "ipc.queue")


class QueuesPane(MechanismPane):
    title = "Queues"
    hint = 'POSIX: A: mq_open("/jobs", O_CREAT|O_RDWR)  ·  System V: A: msgget(42, IPC_CREAT, mode=0600)'

    def items(self, kernel: Kernel, width: int) -> list[Item]:
        fds = index(kernel)
        out: list[Item] = []
        for q in kernel.mq_all:
            opened = fds.get(id(q), [])
            sig = (
                q.curmsgs,
                q.qsize,
                q.unlinked,
                tuple(q.messages()[:12]),
                tuple((n, fd) for n, fd, _ in opened),
                waiting(q.senders),
                waiting(q.receivers),
            )
            out.append((f"mq{id(q)}", sig, lambda q=q, o=opened: posix_panel(q, o)))
        for q in kernel.msqs.values():
            sig = (
                q.cbytes,
                len(q.messages),
                tuple(list(q.messages)[:12]),
                waiting(q.senders),
                waiting(q.receivers),
            )
            out.append((f"msq{q.id}", sig, lambda q=q: sysv_panel(q)))
        return out
