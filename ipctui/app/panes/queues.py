"""Message queues: POSIX (by priority) and System V (by type), with fill gauges and waiters,
drawn from the engine's snapshot (engine.views.QueuesView)."""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from ...engine.sysv_msg import MSGMNB
from ...engine.views import QUEUE_SHOWN, PosixQueueView, QueuesView, Sleepers, SysvQueueView, queues_view
from ...script.values import quote
from ..widgets.boxed import Boxed
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


def waiting_line(senders: Sleepers, receivers: Sleepers) -> Text:
    """Who waits to send and to receive; a sleeper already woken (runnable, its call not yet
    resumed) is named as such."""

    def who(s: Sleepers) -> str:
        return ", ".join([*s.blocked, *(f"{n} (woken)" for n in s.woken)]) or "nobody"

    return Text(f"waiting to send: {who(senders)}   waiting to receive: {who(receivers)}", style="ipc.wait")


def handed_line(who: str, message: str, call: str) -> Text:
    """A receiver woken holding the message a send handed it: Linux gave it away at the send, so
    it is not in the queue, and the receiver is runnable, its call not yet returned."""
    return Text(f"woken: {who} holds {message} (runnable, its {call} not yet resumed)", style="ipc.ok")


def posix_panel(q: PosixQueueView) -> RenderableType:
    msgs = Table(box=None, show_header=True, header_style="ipc.muted", pad_edge=False)
    msgs.add_column("next", style="ipc.muted")
    msgs.add_column("prio", justify="right")
    msgs.add_column("data")
    for i, (data, prio) in enumerate(q.messages):
        msgs.add_row("→" if i == 0 else "", str(prio), _short(data))
    info = Text(
        f"maxmsg {q.maxmsg} · msgsize {q.msgsize} · owner {q.owner} · mode {q.mode:04o}", style="ipc.muted"
    )
    rows: list[RenderableType] = [info, gauge(q.curmsgs, q.maxmsg)]
    rows.append(msgs if q.curmsgs else Text("empty", style="ipc.muted"))
    if q.curmsgs > QUEUE_SHOWN:
        rows.append(Text(f"… and {q.curmsgs - QUEUE_SHOWN} more", style="ipc.muted"))
    rows.append(Text("open in: " + (", ".join(e.label for e in q.opened) or "nobody"), style="ipc.muted"))
    if q.senders or q.receivers:
        rows.append(waiting_line(q.senders, q.receivers))
    rows += [handed_line(who, f"{_short(data)} (prio {prio})", "mq_receive") for who, data, prio in q.handed]
    title = f"POSIX mq {q.name}" + (" (unlinked)" if q.unlinked else "")
    return Boxed(rows, title, "ipc.queue")


def sysv_panel(q: SysvQueueView) -> RenderableType:
    msgs = Table(box=None, show_header=True, header_style="ipc.muted", pad_edge=False)
    msgs.add_column("type", justify="right")
    msgs.add_column("data")
    for mtype, data in q.messages:
        msgs.add_row(str(mtype), _short(data))
    info = Text(f"key {q.key} · owner {q.owner} · mode {q.mode:04o}", style="ipc.muted")
    rows = [info, gauge(q.cbytes, MSGMNB), msgs if q.messages else Text("empty", style="ipc.muted")]
    if q.senders or q.receivers:
        rows.append(waiting_line(q.senders, q.receivers))
    rows += [handed_line(who, f"{_short(data)} (type {mtype})", "msgrcv") for who, mtype, data in q.handed]
    return Boxed(rows, f"System V msqid {q.id}", "ipc.queue")


class QueuesPane(MechanismPane):
    title = "Queues"
    hint = 'POSIX: A: mq_open("/jobs", O_CREAT|O_RDWR)  ·  System V: A: msgget(42, IPC_CREAT, mode=0600)'

    snapshot = staticmethod(queues_view)

    def items(self, view: QueuesView, width: int) -> list[Item]:
        out: list[Item] = []
        seen: dict[str, int] = {}
        for q in view.posix:  # an unlinked queue still open and a new one may share a name
            n = seen[q.name] = seen.get(q.name, 0) + 1
            out.append((f"mq{q.name}#{n}", q, lambda q=q: posix_panel(q)))
        out += [(f"msq{q.id}", q, lambda q=q: sysv_panel(q)) for q in view.sysv]
        return out
