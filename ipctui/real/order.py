"""Ordering what a line made happen: which reply, signal, stop and death lines come in what
order, as the SPEC orders them. The line and what its own process saw come first; then each other
process (the target of a kill first, then sleepers in the order they began to wait, or in the
order their call's registration says the kernel woke them; parents after the children whose change
they hear of); a caller that slept in its call while others moved shows as blocked, resuming
after them. What each call's result means is its registration's (ipctui.real.calls)."""

from __future__ import annotations

import os
from typing import Any

from ..vocab.constants import SIGCHLD, SIGCONT, SIGKILL, SIGNAL_NAMES
from ..vocab.events import Event
from .calls import REAL, Line
from .calls.registry import errno_name
from .supervisor import Proc, Seen, Supervisor, blocked_signals


def line_events(sup: Supervisor, line: Line, stopped: set[int]) -> list[Event]:
    """The events of one line, from what the supervisor saw since it was sent; `stopped`: the
    processes that were stopped before it."""
    p, name, tag = line.proc, line.name, line.tag
    groups: dict[int, list[Seen]] = {}
    for o in sup.seen:
        groups.setdefault(o[0].pid, []).append(o)
    mine = groups.pop(p.pid, [])
    reply = next((o for o in mine if o[1] == "reply"), None)
    changed = {q.pid for q, kind, _ in sup.seen if kind in ("death", "stopped", "continued")}

    def hears_of_child(pid: int) -> bool:
        return any(sup.procs[c].parent == pid for c in changed)

    head: list[Event] = []
    tail: list[Event] = []
    call = REAL[name]
    slept = reply is not None and bool(groups) and reply[2][2]
    if reply is None and call.silent is not None and call.silent(line, mine):
        head.append(Event("call", p.pid, p.name, name, "ok", 0, tag=tag))
    elif reply is not None:
        done = finished(line, "call", reply[2])
        if slept:
            head.append(Event("call", p.pid, p.name, name, "blocked", tag=tag))
            done.kind = "resumed"
            tail.append(done)
        else:
            head.append(done)
    elif p.sock is None:
        head.append(Event("call", p.pid, p.name, name, "fault", tag=tag))
    else:
        sup.seq += 1
        line.seq = sup.seq
        p.waiting = line
        head.append(Event("call", p.pid, p.name, name, "blocked", tag=tag))
    if line.child is not None and (reply is None or reply[2][0] != "ok"):
        line.child.close()
    for o in in_order(mine, p):
        if o is reply:
            continue
        late = slept or (o[1] == "signal" and o[2] == SIGCHLD and hears_of_child(p.pid))
        (tail if late else head).extend(observed(sup, line, o))

    arrival = {pid: i for i, pid in enumerate(groups)}
    slots = _woken_order(line, [sup.procs[pid] for pid in groups])

    def order(pid: int) -> tuple[int, int, int, int]:
        q = sup.procs[pid]
        return (
            1 if hears_of_child(pid) else 0,
            0 if pid == line.target else 1,
            slots.get(pid, q.waiting.seq if q.waiting else 1 << 30),
            arrival[pid],
        )

    middle: list[Event] = []
    if line.shows_cont and reply is not None and reply[2][:2] == ("ok", 0) and line.target is not None:
        cont = _continued(sup, line.target, line.target in stopped)
        if line.target == p.pid:
            head[1:1] = cont
        else:
            middle.extend(cont)
    for pid in sorted(groups, key=order):
        for o in in_order(groups[pid], sup.procs[pid]):
            middle.extend(observed(sup, line, o))
    return head + middle + tail


def _woken_order(waker: Line, procs: list[Proc]) -> dict[int, int]:
    """Sleepers in one kind of call whose registration says in which order the kernel woke
    them: pid -> the place it is shown at (their places in waiting order, handed out in the
    order the registration gives)."""
    by_call: dict[str, list[Line]] = {}
    for q in procs:
        if q.waiting is not None and REAL[q.waiting.name].order is not None:
            by_call.setdefault(q.waiting.name, []).append(q.waiting)
    slots: dict[int, int] = {}
    for call, sleepers in by_call.items():
        order = REAL[call].order
        assert order is not None
        sleepers.sort(key=lambda s: s.seq)
        ordered = order(waker, list(sleepers))
        assert sorted(map(id, ordered)) == sorted(map(id, sleepers)), f"{call}: not an order of its sleepers"
        for s, place in zip(ordered, [s.seq for s in sleepers], strict=True):
            slots[s.proc.pid] = place
    return slots


def finished(line: Line, kind: str, reply: tuple[str, Any]) -> Event:
    """A call's outcome as the script sees it: its registration translates the result back."""
    p, status, value = line.proc, reply[0], reply[1]
    if status == "err":
        return Event(kind, p.pid, p.name, line.name, "error", errno=errno_name(value), tag=line.tag)  # type: ignore[arg-type]
    result = REAL[line.name].result(line, value)
    return Event(kind, p.pid, p.name, line.name, "ok", result, tag=line.tag)  # type: ignore[arg-type]


def observed(sup: Supervisor, line: Line, o: Seen) -> list[Event]:
    q, kind, value = o
    if kind == "signal":
        return [Event("signal", q.pid, q.name, signal=SIGNAL_NAMES.get(value, f"SIG{value}"))]
    if kind == "stopped":
        return [Event("stopped", q.pid, q.name, signal=SIGNAL_NAMES.get(value, f"SIG{value}"))]
    if kind == "continued":  # its line comes from the kill that continued it
        return []
    if kind == "reply":
        sleeper = q.waiting
        if sleeper is None:
            return []
        q.waiting = None
        return [finished(sleeper, "resumed", value)]
    return _death(sup, line, q, value)


def _death(sup: Supervisor, line: Line, q: Proc, status: int | None) -> list[Event]:
    if status is None:
        status = _reaped_status(sup, line, q)
    sent = line.sent
    if status is None and q.exit_code is None and sent is not None and sent[0] == q.real and sent[1]:
        status = sent[1]  # reaped at once (its parent ignores SIGCHLD): the kill says what ended it
    events = []
    if status is not None and os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        name = SIGNAL_NAMES.get(sig, f"SIG{sig}")
        if sig != SIGKILL:
            events.append(Event("signal", q.pid, q.name, signal=name))
        events.append(Event("exit", q.pid, q.name, signal=name))
    else:
        code = os.WEXITSTATUS(status) if status is not None else (q.exit_code or 0)
        events.append(Event("exit", q.pid, q.name, code=code))
    sup.buried(q)
    return events


def _reaped_status(sup: Supervisor, line: Line, q: Proc) -> int | None:
    """The status of a process its parent has already reaped: from the parent's wait."""
    for o, kind, value in sup.seen:
        if kind != "reply" or value[0] != "ok":
            continue
        call = line if o is line.proc else o.waiting  # (None: its line was shown already)
        result = value[1]
        if call is not None and not REAL[call.name].reaps:
            continue
        if isinstance(result, list) and len(result) == 2 and result[0] == q.real:
            return int(result[1])
    return None


def _continued(sup: Supervisor, target: int, was_stopped: bool) -> list[Event]:
    """SIGCONT with its default action leaves no trace in the process itself: its line is
    shown when kill succeeded on a process that was stopped (or lives) and does not block it
    (a stopped process continues even then, but the signal stays pending)."""
    q = sup.procs.get(target)
    if q is None or q.handlers.get(SIGCONT, "SIG_DFL") != "SIG_DFL":
        return []
    if q.sock is None and not was_stopped:
        return []
    if q.sock is not None and SIGCONT in blocked_signals(q.host):
        return []
    return [Event("signal", q.pid, q.name, signal="SIGCONT")]


def in_order(obs: list[Seen], q: Proc) -> list[Seen]:
    """One process's observations in the SPEC's order. Signals that arrive together ran their
    handlers last-delivered first (each frame stacks on the one before), so they are shown in
    delivery order, lowest first; a call woken by a child's death (its pipe's end closed) comes
    before the SIGCHLD that the death sends after it."""
    out = list(obs)
    i = 0
    while i < len(out):
        j = i
        while j < len(out) and out[j][1] == "signal":
            j += 1
        out[i:j] = sorted(out[i:j], key=lambda o: o[2])
        i = j + 1
    for k in range(len(out) - 1):
        a, b = out[k], out[k + 1]
        if a[1] == "signal" and a[2] == SIGCHLD and b[1] == "reply" and q.waiting is not None:
            woken_by_death = not REAL[q.waiting.name].reaps and b[2][:2] != ("err", 4)
            if woken_by_death:
                out[k], out[k + 1] = b, a
    return out
