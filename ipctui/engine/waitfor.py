"""The wait-for graph: for each blocked process, who could wake it, and the cycles among them.

A blocked call sleeps on one wait queue; the queue's owner says who could end the wait: a lock's
holder, the processes holding the other end of a pipe, FIFO or socket (for a sender, those that can
receive from the socket it waits on), those that have the semaphore or queue open, a waiting
parent's children. Where anyone at all could end it (a `pause()`, an `accept`, an open of a FIFO,
a System V queue or semaphore set, reached by id), it names every other process that can still
act, which the caller decides (`can_act`): in a session every live process, when exploring those
with lines left.

Nobody waits for a process that cannot do what the wait needs: not for itself (a blocked call
makes no other), nor for those asleep on the same queue (another receiver blocked on the same
queue cannot send to it either: it waits for the very event this one waits for). The one
exception is SPEC's self-deadlock: a process that is the only holder of what would wake it (a
reader holding the pipe's only write end) waits for itself, a cycle of one. A process already
woken whose call has not resumed yet (the playground's sub-steps) waits for nobody: it can run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

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


def _queue_owners(k: Kernel) -> dict[int, tuple[str, Any]]:
    """id(wait queue) -> (which queue, the object it belongs to), over every kernel object."""
    owners: dict[int, tuple[str, Any]] = {}

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
        owners[id(msq.senders)] = ("msgsnd", msq)
        owners[id(msq.receivers)] = ("msgrcv", msq)
    for seg in [*k.shm_all.values(), *k.sysv_shm.values()]:
        add(seg.lock, "waiters")
    for sem in k.sem_all.values():
        add(sem, "waiters")
    for sset in k.sem_sets.values():
        for op in sset.pending:  # each blocked semop sleeps on a queue of its own
            owners[id(op.queue)] = ("semop", (sset, op))
    for sock in k.sockets.values():
        add(sock, "data_wait", "room_wait", "accept_wait", "connect_wait")
    for p in k.procs.values():
        add(p, "child_wait", "pause_wait")
    return owners


def _asleep_on(q: WaitQueue, p: Process) -> bool:
    return p.waiter is not None and p.waiter.queue is q


def _helps(ops: Iterable[tuple[int, int, int]], num: int, op: int) -> bool:
    """Whether a semop's operations move semaphore `num` the way a sleeper's `op` waits for:
    up for a decrement, down towards zero for a wait-for-zero."""
    return any(n == num and (o > 0 if op < 0 else o < 0) for n, o, _ in ops)


def _wakers(
    k: Kernel, p: Process, which: str, obj: Any, anyone: list[Process]
) -> tuple[Iterable[Process], bool]:
    """Who could end `p`'s wait on queue `which` of `obj`, and whether they are the holders of
    something (so that a sole holder waiting on itself is a self-deadlock) rather than anyone."""
    if which in ("rq", "wq"):  # a pipe: the other end's holders (a FIFO's too)
        want_write = which == "rq"
        return _holders(
            k, lambda o, r, w: _pipe_of(o) is obj and (w if want_write else r) and hasattr(o, "pipe")
        ), True
    if which in ("senders", "receivers"):  # a POSIX queue: who has it open the other way
        want_read = which == "senders"
        return _holders(k, lambda o, r, w: o is obj and (r if want_read else w)), True
    if which == "msgrcv":  # System V: anyone may msgsnd by id, and a sender blocked on the full
        return [*anyone, *obj.senders.procs()], False  # queue will, once there is room
    if which == "msgsnd":  # room comes from a msgrcv: not from a receiver asleep on this queue
        return [q for q in anyone if not _asleep_on(obj.receivers, q)], False
    if which == "semop":  # anyone may semop by id; of those asleep on this set, those whose own
        sset, op = obj  # operations, once done, would move the awaited semaphore the right way
        num, want, _ = op.waits_for
        asleep = {o.pid: o for o in sset.pending if o.outcome is None and o is not op}
        helpers = [k.procs[pid] for pid, o in asleep.items() if pid in k.procs and _helps(o.ops, num, want)]
        return [*(q for q in anyone if q.pid not in asleep), *helpers], False
    if which == "waiters" and hasattr(obj, "owner_name"):  # a shared-memory mutex: its holder
        holder = k.procs.get(obj.owner) if obj.owner is not None else None
        return ([holder] if holder is not None and holder.alive else []), False
    if which == "waiters":  # a POSIX semaphore: whoever has it open
        return [k.procs[pid] for pid in sorted(obj.holders) if pid in k.procs and k.procs[pid].alive], True
    if which == "data_wait" and obj.stream and obj.peer is not None:  # whoever holds the peer
        peer = obj.peer
        return _holders(k, lambda o, r, w: o is peer), True
    if which == "room_wait":  # a sender sleeps on the receiving socket: whoever can recv from it
        return _holders(k, lambda o, r, w: o is obj), True
    if which == "connect_wait":  # room in the listener's queue: whoever can accept on it
        listener = obj.listener
        return _holders(k, lambda o, r, w: listener is not None and o is listener), True
    if which == "child_wait":
        return [k.procs[c] for c in p.children if c in k.procs and k.procs[c].alive], False
    return anyone, False  # pause, an open of a FIFO, accept, a datagram: anyone could


def wait_for(k: Kernel, can_act: Callable[[Process], bool] | None = None) -> list[Wait]:
    """Every blocked process and who could wake it, in pid order."""
    owners = _queue_owners(k)
    act = can_act or (lambda q: q.alive)
    procs = sorted(k.procs.values(), key=lambda q: q.pid)
    out = []
    for p in procs:
        w = p.waiter
        if not p.alive or w is None or p.pid in k.woken:
            continue
        same = {p.pid} | ({s.proc.pid for s in w.queue} if w.queue is not None else set())
        anyone = [q for q in procs if q.pid not in same and q.alive and act(q)]
        owner = owners.get(id(w.queue)) if w.queue is not None else None
        found, held = _wakers(k, p, *owner, anyone) if owner else (anyone, False)
        found = list(found)
        wakers = [q for q in found if q.pid not in same]
        if not wakers and held and found and all(q is p for q in found):
            wakers = [p]  # it holds the only way out itself: a self-deadlock
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
