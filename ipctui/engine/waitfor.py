"""The wait-for graph: for each blocked process, who could wake it, and the cycles among them.

A blocked call sleeps on one wait queue; the queue's owner says who could end the wait: a lock's
holder, the processes holding the other end of a pipe, FIFO or socket, those that have the
semaphore or queue open, a waiting parent's children. Where anyone at all could end it (a
`pause()`, an `accept`, an open of a FIFO), it names every other process that can still act,
which the caller decides (`can_act`): in a session every live process, when exploring those with
lines left.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .kernel import Kernel
from .process import Process
from .waitq import WaitQueue


@dataclass(frozen=True)
class Wait:
    """One blocked process: the call it is blocked in, and who could wake it (by name)."""

    proc: str
    pid: int
    call: str
    waits_for: tuple[str, ...]


def _holders(k: Kernel, match: Callable[[object, bool, bool], bool]) -> list[Process]:
    """Live processes with a descriptor whose object `match`es (obj, readable, writable)."""
    out = []
    for p in k.procs.values():
        if p.alive and any(match(f.obj, f.readable, f.writable) for _fd, f in p.fds.items()):
            out.append(p)
    return out


def _pipe_of(obj: object) -> object:
    return getattr(obj, "pipe", obj)


def _queue_owners(k: Kernel) -> dict[int, tuple[str, object]]:
    """id(wait queue) -> (which queue, the object it belongs to), over every kernel object."""
    owners: dict[int, tuple[str, object]] = {}

    def add(obj: object, *names: str) -> None:
        for n in names:
            q = getattr(obj, n, None)
            if isinstance(q, WaitQueue):
                owners[id(q)] = (n, obj)

    for pipe in k.pipes.values():
        add(pipe, "rq", "wq")
    for node in k.fs.values():
        add(node, "ropen", "wopen")
    for mq in k.mq_all:
        add(mq, "senders", "receivers")
    for msq in k.msqs.values():
        add(msq, "senders", "receivers")
    for seg in [*k.shm_all.values(), *k.sysv_shm.values()]:
        add(seg.lock, "waiters")
    for sem in k.sem_all.values():
        add(sem, "waiters")
    for sock in k.sockets.values():
        add(sock, "data_wait", "room_wait", "accept_wait", "connect_wait")
    for p in k.procs.values():
        add(p, "child_wait", "pause_wait")
    return owners


def _wakers(k: Kernel, p: Process, which: str, obj: object, anyone: list[Process]) -> Iterable[Process]:
    """Who could end `p`'s wait on queue `which` of `obj`."""
    if which in ("rq", "wq"):  # a pipe: the other end's holders (a FIFO's too)
        want_write = which == "rq"
        return _holders(
            k, lambda o, r, w: _pipe_of(o) is obj and (w if want_write else r) and hasattr(o, "pipe")
        )
    if which in ("senders", "receivers") and hasattr(obj, "msgsize"):  # a POSIX queue
        want_read = which == "senders"
        return _holders(k, lambda o, r, w: o is obj and (r if want_read else w))
    if which == "waiters" and hasattr(obj, "owner_name"):  # a shared-memory mutex
        holder = k.procs.get(obj.owner) if obj.owner is not None else None  # type: ignore[attr-defined]
        return [holder] if holder is not None else []
    if which == "waiters" and hasattr(obj, "holders"):  # a POSIX semaphore
        return [k.procs[pid] for pid in sorted(obj.holders) if pid in k.procs]  # type: ignore[attr-defined]
    if which in ("data_wait", "room_wait"):  # a socket: whoever holds its peer
        peer = getattr(obj, "peer", None)
        if peer is not None:
            return _holders(k, lambda o, r, w: o is peer)
        return anyone
    if which == "connect_wait":
        return _holders(k, lambda o, r, w: o is obj)
    if which == "child_wait":
        return [k.procs[c] for c in p.children if c in k.procs and k.procs[c].alive]
    return anyone  # pause, an open of a FIFO, accept, System V queues: anyone could


def wait_for(k: Kernel, can_act: Callable[[Process], bool] | None = None) -> list[Wait]:
    """Every blocked process and who could wake it, in pid order."""
    owners = _queue_owners(k)
    act = can_act or (lambda q: q.alive)
    out = []
    for p in sorted(k.procs.values(), key=lambda q: q.pid):
        w = p.waiter
        if not p.alive or w is None:
            continue
        anyone = [q for q in k.procs.values() if q is not p and q.alive and act(q)]
        owner = owners.get(id(w.queue)) if w.queue is not None else None
        wakers = list(_wakers(k, p, *owner, anyone)) if owner else anyone
        names = tuple(dict.fromkeys(q.name for q in sorted(wakers, key=lambda q: q.pid)))
        out.append(Wait(p.name, p.pid, w.call, names))
    return out


def _cycle_from(
    n: str, edges: dict[str, tuple[str, ...]], allow_self: bool, state: dict[str, int], path: list[str]
) -> list[str]:
    """Depth-first from n: the first cycle closed on the current path (state 1 on it, 2 done)."""
    state[n] = 1
    path.append(n)
    for m in edges.get(n, ()):
        if m == n and not allow_self:
            continue
        if state.get(m) == 1:
            return path[path.index(m) :]
        if m in edges and m not in state:
            found = _cycle_from(m, edges, allow_self, state, path)
            if found:
                return found
    path.pop()
    state[n] = 2
    return []


def find_cycle(edges: dict[str, tuple[str, ...]]) -> list[str]:
    """One cycle in the graph (A waits for B: B comes next), preferring one longer than a
    self-loop; [] if there is none. Deterministic: nodes and edges in the order given."""
    for allow_self in (False, True):
        state: dict[str, int] = {}
        for n in edges:
            if n not in state:
                cycle = _cycle_from(n, edges, allow_self, state, [])
                if cycle:
                    return cycle
    return []


def cycle_of(waits: list[Wait]) -> list[str]:
    """A cycle among blocked processes, by name."""
    return find_cycle({w.proc: w.waits_for for w in waits})


__all__ = ["Wait", "cycle_of", "find_cycle", "wait_for"]
