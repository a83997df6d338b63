"""One execution of a script's per-process programs, with what each step read and changed.

The kernel keeps blocked calls as generators, which cannot be copied, so a state is reached again
by replaying its schedule from the start (stateless model checking, as CHESS and Nidhugg do).
What a step touched is found by fingerprinting the kernel's objects ("entities": each process, pipe,
FIFO, queue, segment, semaphore, socket and namespace) before and after it: the ones whose
fingerprint changed are its writes; its reads are what its arguments name, its own process, and
everything it wrote. Two steps of different processes are independent when neither writes what the
other reads or writes.
"""

from __future__ import annotations

import dataclasses
import types
from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from ..engine import SYSCALLS, Event, Kernel
from ..engine.process import Process
from ..engine.waitfor import Wait, cycle_of, wait_for
from ..engine.waitq import WaitQueue
from ..script import Call, ProcRef, Spawn
from ..script.format import text_line
from ..script.runner import Runner, matches

Key = str | int  # a program: the process as its lines name it


@dataclass(frozen=True, slots=True)
class Footprint:
    """What one step read and wrote (entity keys), by which program."""

    key: Key
    reads: frozenset[Hashable]
    writes: frozenset[Hashable]

    def depends(self, other: Footprint) -> bool:
        """Whether the two steps may not commute (same program, or a write meets a use)."""
        if self.key == other.key:
            return True
        return bool(self.writes & (other.reads | other.writes) or other.writes & self.reads)


@dataclass
class Programs:
    """The script split up: spawn lines first, then each process's call lines in order."""

    spawns: list[Spawn]
    lines: dict[Key, list[Call]]
    check: bool = False
    plains: dict[int, Call] = field(default_factory=dict)  # each line without its result, made once


def _entities(k: Kernel) -> dict[int, Hashable]:
    """id(object) -> entity key, for every object that counts as one entity."""
    ents: dict[int, Hashable] = {}
    for pid, p in k.procs.items():
        ents[id(p)] = ("proc", pid)
    for pid, pipe in k.pipes.items():
        ents[id(pipe)] = ("pipe", pid)
    for path, node in k.fs.items():
        ents[id(node)] = ("fs", path)
    for i, mq in enumerate(k.mq_all):
        ents[id(mq)] = ("mq", i, mq.name)
    for i, q in k.msqs.items():
        ents[id(q)] = ("msq", i)
    for i, seg in k.shm_all.items():
        ents[id(seg)] = ("shm", i)
    for i, sem in k.sem_all.items():
        ents[id(sem)] = ("sem", i)
    for i, sset in k.sem_sets.items():
        ents[id(sset)] = ("semset", i)
    for i, seg in k.sysv_shm.items():
        ents[id(seg)] = ("sysv_shm", i)
    for i, s in k.sockets.items():
        ents[id(s)] = ("sock", i)
    return ents


# Kinds of kernel object (entities, id counters, attributes), some spelt like a call.
OBJECT_KINDS = frozenset({"pipe", "socket", "sem", "shm"})
# Ids that never show in a trace: which pipe got which number does not tell two states apart.
_INTERNAL_IDS = OBJECT_KINDS
_ATOM_TYPES = frozenset({type(None), bool, int, str, bytes, float})
# `seq`: when a blocked call began to wait, a count that differs between paths to one state; only
# the order of a death's wake-up lines depends on it, never what any process sees
_SKIP_FIELDS = frozenset({"tag", "version", "stores", "bytes_written", "bytes_read", "posts", "taken", "seq"})


_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _fields_of(t: type) -> tuple[str, ...] | None:
    """The fields that make up a dataclass's or slotted class's state, worked out once per type."""
    try:
        return _FIELDS[t]
    except KeyError:
        pass
    names: tuple[str, ...] | None = None
    if dataclasses.is_dataclass(t):
        names = tuple(f.name for f in dataclasses.fields(t) if f.name not in _SKIP_FIELDS)
    elif getattr(t, "__slots__", None):
        names = tuple(n for n in t.__slots__ if n not in _SKIP_FIELDS)  # type: ignore[attr-defined]
    _FIELDS[t] = names
    return names


class _Printer:
    """Canonical, hashable fingerprints of object graphs; other entities appear by key."""

    def __init__(self, k: Kernel, ents: dict[int, Hashable]) -> None:
        self.k, self.ents = k, ents
        self.busy: set[int] = set()
        self.refs: set[Hashable] = set()  # the entities the one being printed refers to

    def entity(self, obj: Any) -> Hashable:
        self.busy = {id(obj)}
        return self.fp(obj, top=True)

    def fp(self, x: Any, top: bool = False) -> Hashable:
        t = type(x)
        if t in _ATOM_TYPES:
            return x
        if t is bytearray:
            return bytes(x)
        i = id(x)
        if not top:
            ent = self.ents.get(i)
            if ent is not None:
                self.refs.add(ent)
                return ent
            if x is self.k:
                return "K"
            if i in self.busy:
                return "<cycle>"
        names = _fields_of(t)
        busy = self.busy
        busy.add(i)
        try:
            if t is WaitQueue:  # keyed by id(): only the sleepers' order counts
                return ("wq", x.label, tuple([self.fp(w) for w in x]))
            if names is not None:
                if t is Call or t is Spawn:
                    return ("line", x.lineno)
                fp = self.fp
                return (t.__name__, *[fp(getattr(x, n, None)) for n in names])
            return self._compound(x, t)
        finally:
            busy.discard(i)

    def _compound(self, x: Any, t: type) -> Hashable:
        fp = self.fp
        if t is dict:
            return tuple([(fp(a), fp(b)) for a, b in x.items()])
        if t is list or t is tuple or t is deque:
            return tuple([fp(v) for v in x])
        if t is set or t is frozenset:
            return ("set", tuple(sorted((fp(v) for v in x), key=repr)))
        if t is types.GeneratorType:
            frame = x.gi_frame
            if frame is None:
                return ("gen", x.gi_code.co_name, "done")
            return ("gen", x.gi_code.co_name, frame.f_lasti, fp(dict(frame.f_locals)))
        if t is partial:
            return ("partial", getattr(x.func, "__qualname__", ""), fp(x.args), fp(x.keywords))
        if callable(x):
            self_ = getattr(x, "__self__", None)
            return (
                "fn",
                getattr(x, "__qualname__", t.__name__),
                fp(self_) if self_ is not None else None,
            )
        if hasattr(x, "__dict__"):
            return (t.__name__, fp({a: b for a, b in vars(x).items() if a not in _SKIP_FIELDS}))
        return (t.__name__, repr(x))


def fingerprint(
    k: Kernel,
    prev: dict[Hashable, Hashable] | None = None,
    prev_refs: dict[Hashable, frozenset[Hashable]] | None = None,
    dirty: set[Hashable] | None = None,
) -> tuple[dict[Hashable, Hashable], dict[Hashable, frozenset[Hashable]]]:
    """Every entity's fingerprint (plus the namespaces and ports as entities of their own), and
    the entities each one refers to. With `prev` and `dirty`, entities not dirty and not new
    keep their previous fingerprint (a step touches few of them)."""
    ents = _entities(k)
    pr = _Printer(k, ents)
    out: dict[Hashable, Hashable] = {}
    refs: dict[Hashable, frozenset[Hashable]] = {}
    objs = [*k.procs.values(), *k.pipes.values(), *k.fs.values(), *k.mq_all, *k.msqs.values()]
    objs += [*k.shm_all.values(), *k.sem_all.values(), *k.sockets.values()]
    objs += [*k.sem_sets.values(), *k.sysv_shm.values()]
    for obj in objs:
        key = ents[id(obj)]
        if (
            dirty is not None
            and prev is not None
            and prev_refs is not None
            and key not in dirty
            and key in prev
        ):
            out[key] = prev[key]
            refs[key] = prev_refs[key]
            continue
        pr.refs = set()
        out[key] = pr.entity(obj)
        refs[key] = frozenset(pr.refs)
    out["names"] = pr.fp(
        (
            k.next_pid,
            sorted(k._names),
            sorted(k.mqueues),
            sorted(k.shm),
            sorted(k.sems),
            sorted(k.fs),
            sorted(k.msqs),
            sorted((i, o.key) for i, o in k.sem_sets.items()),
            sorted((i, o.key, o.marked) for i, o in k.sysv_shm.items()),
            {c: n for c, n in k._counters.items() if c not in _INTERNAL_IDS},
        )
    )
    out["ports"] = pr.fp((k.ports, k.next_port))
    return out, refs


@dataclass
class Outcome:
    """What one step did: its trace lines, footprint, and whether a --check expectation failed."""

    lines: list[str]
    footprint: Footprint
    failed: tuple[int, str, str] | None = None  # (line, expected, got)


@dataclass
class Machine:
    """A kernel running the programs under one schedule, stepped one line at a time."""

    progs: Programs
    kernel: Kernel = field(default_factory=Kernel)
    pcs: dict[Key, int] = field(default_factory=dict)
    trace: list[str] = field(default_factory=list)
    seen: dict[str, list[str]] = field(default_factory=dict)  # lines per process name
    fps: dict[Hashable, Hashable] = field(default_factory=dict)
    refs: dict[Hashable, frozenset[Hashable]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.runner = Runner(self.kernel)
        self.pcs = dict.fromkeys(self.progs.lines, 0)
        for st in self.progs.spawns:
            self._record(self.runner.step(st).events, st)
        self.fps, self.refs = fingerprint(self.kernel)

    def _record(self, events: list[Event], st: Any) -> list[str]:
        lines = []
        for ev in events:
            line = text_line(ev, st if ev.kind in ("call", "spawn") else ev.tag)
            lines.append(line)
            self.seen.setdefault(ev.proc, []).append(line)
        self.trace.extend(lines)
        return lines

    def process(self, key: Key) -> Process | None:
        p = self.kernel.process(key)
        return p if p is not None and p.alive else None

    def enabled(self) -> list[Key]:
        """Programs with a line left whose process exists, lives, and is neither blocked nor stopped."""
        out = []
        for key, pc in self.pcs.items():
            if pc < len(self.progs.lines[key]):
                p = self.process(key)
                if (
                    p is not None
                    and p.waiter is None
                    and not p.stopped
                    and self._ready(self.progs.lines[key][pc])
                ):
                    out.append(key)
        return out

    def _ready(self, st: Call) -> bool:
        """A line whose arguments name a process not made yet waits until it is."""
        if not st.names_proc:
            return True
        return all(
            not isinstance(v, ProcRef) or self.kernel.process(v.ref) is not None or self._ever(v.ref)
            for v in [*st.eargs, *st.ekwargs.values()]
        )

    def existing(self) -> frozenset[Key]:
        return frozenset(k for k in self.pcs if self.process(k) is not None)

    def has_lines(self, p: Process) -> bool:
        return any(k in self.pcs and self.pcs[k] < len(self.progs.lines[k]) for k in (p.name, p.pid))

    def replay(self, key: Key) -> None:
        """Run program `key`'s next line, on a path already explored: nothing to measure."""
        st = self.progs.lines[key][self.pcs[key]]
        self.pcs[key] += 1
        self._record(self.runner.step(self._plain(st)).events, st)

    def _plain(self, st: Call) -> Call:
        """The line without its written result (results are outcomes here, not checks)."""
        plains = self.progs.plains
        plain = plains.get(id(st))
        if plain is None:
            plain = plains[id(st)] = dataclasses.replace(st, expect=None)
        return plain

    def step(self, key: Key) -> Outcome:
        """Run program `key`'s next line."""
        st = self.progs.lines[key][self.pcs[key]]
        self.pcs[key] += 1
        p = self.process(key)
        assert p is not None
        reads: set[Hashable] = {("proc", p.pid)}
        reads |= self._named(st, p)
        if SYSCALLS[st.call].lookup in ("names", "ids") or any(
            isinstance(v, (str, ProcRef)) for v in st.eargs
        ):
            reads.add("names")
        events = self.runner.step(self._plain(st)).events
        lines = self._record(events, st)
        before = self.fps
        after, self.refs = fingerprint(self.kernel, before, self.refs, self._dirty(p, st, events, reads))
        writes = {e for e, v in after.items() if before.get(e) != v}
        writes |= {e for e in before if e not in after}
        # a line in a process's trace is a change to what it has seen (a caught signal may
        # leave its kernel state as it was, but not its trace)
        writes |= {("proc", ev.pid) for ev in events}
        self.fps = after
        failed = None
        if self.progs.check and st.expect is not None and not matches(st.expect, events[0]):
            got = lines[0].split(" = ", 1)[1] if " = " in lines[0] else "<unfinished ...>"
            failed = (st.lineno, str(st.expect), got)
        return Outcome(lines, Footprint(key, frozenset(reads | writes), frozenset(writes)), failed)

    def _dirty(self, p: Process, st: Call, events: list[Event], reads: set[Hashable]) -> set[Hashable] | None:
        """The entities a step may have changed, or None for all of them: the caller, what it
        names and refers to, whoever shares an open file with it, and every process the step
        resumed with what that one refers to. Deaths, signals and forks reach further: all."""
        reach = SYSCALLS[st.call].reach  # what the call's registration says a line of it may change
        if reach == "all" or any(ev.kind in ("exit", "signal", "stopped") for ev in events):
            return None
        k = self.kernel
        procs = {p.pid} | {ev.pid for ev in events if ev.kind == "resumed"}
        files = {id(f) for pid in procs if pid in k.procs for _fd, f in k.procs[pid].fds.items()}
        if reach == "named" and len(procs) == 1:
            files = set()  # these calls leave open files (offsets, flags, counts) alone
        for q in k.procs.values():
            if q.pid not in procs and any(id(f) in files for _fd, f in q.fds.items()):
                procs.add(q.pid)
        dirty: set[Hashable] = set(reads)
        for pid in procs:
            key = ("proc", pid)
            dirty.add(key)
            if pid != p.pid or reach != "named":  # these reach only what they name
                dirty |= self.refs.get(key, frozenset())
        return dirty

    def _named(self, st: Call, p: Process) -> set[Hashable]:
        """The entities the line's arguments name: descriptors, names, processes."""
        k = self.kernel
        ents = _entities(k)
        out: set[Hashable] = set()
        values = list(st.eargs) + list(st.ekwargs.values())
        for v in values:
            if isinstance(v, ProcRef):
                q = k.process(v.ref)
                out.add(("proc", q.pid) if q is not None else "names")
            elif isinstance(v, int):
                f = p.fds.get(v)
                if f is not None:
                    obj = getattr(f.obj, "pipe", f.obj)
                    if id(obj) in ents:
                        out.add(ents[id(obj)])
                    fifo = getattr(f.obj, "fifo", None)
                    if fifo is not None and id(fifo) in ents:
                        out.add(ents[id(fifo)])
                h = p.ext.get("sems", {}).get(v)
                if h is not None and id(h.sem) in ents:
                    out.add(ents[id(h.sem)])
                if ("msq", v) in ents.values():
                    out.add(("msq", v))
                if v in k.shm_all:
                    out.add(("shm", v))
                if v in k.sem_sets:  # a System V id: the set or segment it names
                    out.add(("semset", v))
                if v in k.sysv_shm:
                    out.add(("sysv_shm", v))
            elif isinstance(v, str):
                for table in (k.shm, k.sems, k.mqueues):
                    obj = table.get(v) or table.get(v.lstrip("/")) or table.get("/" + v.lstrip("/"))
                    if obj is not None and id(obj) in ents:
                        out.add(ents[id(obj)])
                if v in k.fs:
                    out.add(("fs", v))
                out.add("ports")
        if SYSCALLS[st.call].lookup == "children":
            out |= {("proc", c) for c in p.children}
        return out

    def state_key(self) -> Hashable:
        """The kernel's state, where each program is, and what each process has seen."""
        return hash(
            (
                tuple(self.fps.items()),
                tuple(self.pcs.items()),
                tuple((n, tuple(v)) for n, v in sorted(self.seen.items())),
            )
        )

    # ---------------------------------------------------------------- at the end of a schedule

    def stuck(self) -> list[tuple[Key, Call]]:
        """Programs with a line left that cannot run, their process not blocked in a call: it never
        lived, it is stopped, or the line names a process not made yet (deadlock)."""
        out = []
        for key, pc in self.pcs.items():
            lines = self.progs.lines[key]
            if pc < len(lines) and self.kernel.process(key) is None and not self._ever(key):
                out.append((key, lines[pc]))
            elif pc < len(lines):
                p = self.process(key)
                # a line waiting for a process not made yet, or a stopped process's next line
                if p is not None and p.waiter is None and (p.stopped or not self._ready(lines[pc])):
                    out.append((key, lines[pc]))
        return out

    def _ever(self, key: Key) -> bool:
        if isinstance(key, int):
            return key < self.kernel.next_pid
        return key in self.seen

    def waits(self) -> list[Wait]:
        return wait_for(self.kernel, self.has_lines)

    def deadlocked(self) -> bool:
        """No program can step, and some call is blocked or some line is left undone."""
        if self.enabled():
            return False
        if any(p.alive and p.waiter is not None for p in self.kernel.procs.values()):
            return True
        for key, pc in self.pcs.items():
            if pc < len(self.progs.lines[key]):
                p = self.kernel.process(key)
                if (p is not None and p.alive) or (p is None and not self._ever(key)):
                    return True
        return False

    def blocked_lines(self) -> dict[str, str]:
        """proc name -> its blocked call's trace line (the last `<unfinished ...>` of it)."""
        out: dict[str, str] = {}
        for p in self.kernel.procs.values():
            if p.alive and p.waiter is not None:
                for line in reversed(self.seen.get(p.name, [])):
                    if line.endswith("<unfinished ...>"):
                        out[p.name] = line
                        break
        return out

    def cycle(self) -> list[str]:
        return cycle_of(self.waits())


__all__ = ["Footprint", "Machine", "Outcome", "Programs", "fingerprint"]
