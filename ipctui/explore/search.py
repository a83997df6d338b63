"""The search: every schedule, up to the order of steps that cannot affect each other.

Depth first, stateless (each new branch replays its prefix on a fresh kernel), with Flanagan and
Godefroid's backtrack sets found from the races of each finished execution, sleep sets (a program
already tried at a state is not tried again after an independent step), and a cache of states
already explored: reaching one again stops the branch, after the steps its subtree took are
checked for races with the new prefix (so that the cut loses no order worth trying).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from ..script import Assertion, Call, Script, Spawn
from .dpor import late_races, races
from .state import Footprint, Key, Machine, Programs

KIND_ORDER = {"deadlock": 0, "failed": 1, "complete": 2}


@dataclass
class OutcomeGroup:
    """Schedules that end alike: kind, how many, and one trace that gets there."""

    kind: str
    schedules: int
    trace: list[str]
    blocked: list[dict[str, Any]] = field(default_factory=list)
    cycle: list[str] = field(default_factory=list)
    failure: dict[str, Any] | None = None
    key: Hashable = None  # what schedules that end alike share (SPEC: how outcomes are grouped)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "schedules": self.schedules, "trace": self.trace}
        if self.kind == "deadlock":
            out["blocked"] = self.blocked
            out["cycle"] = self.cycle
        if self.failure is not None:
            out["failure"] = self.failure
        return out


@dataclass
class ExploreResult:
    schedules: int
    exhaustive: bool
    states: int
    outcomes: list[OutcomeGroup]
    steps: int = 0  # lines run, replays included

    def as_json(self) -> dict[str, Any]:
        return {
            "schedules": self.schedules,
            "exhaustive": self.exhaustive,
            "states": self.states,
            "outcomes": [o.as_json() for o in self.outcomes],
        }


def programs_of(script: Script, check: bool = False) -> Programs:
    """Spawn lines, then each process's call lines in the order written. Narration, comments
    and the script's own resumed, signal and exit lines are left out: those are outcomes."""
    spawns: list[Spawn] = []
    lines: dict[Key, list[Call]] = {}
    for st in script.statements:
        if isinstance(st, Spawn):
            spawns.append(st)
        elif isinstance(st, Call):
            lines.setdefault(st.proc, []).append(st)
        elif isinstance(st, Assertion):
            continue
    return Programs(spawns, lines, check)


@dataclass
class _Node:
    """A state on the current path: what may run there and what has been tried."""

    enabled: list[Key]
    existing: frozenset[Key]
    sleep: dict[Key, Footprint]
    state: Hashable
    backtrack: set[Key] = field(default_factory=set)
    done: dict[Key, Footprint] = field(default_factory=dict)
    step: Footprint | None = None
    summary: set[Footprint] = field(default_factory=set)
    fps: dict[Hashable, Hashable] = field(default_factory=dict)  # the kernel's fingerprint here
    refs: dict[Hashable, frozenset[Hashable]] = field(default_factory=dict)
    failed: tuple[int, str, str] | None = None  # the first --check failure on the way here


class _Search:
    def __init__(
        self,
        progs: Programs,
        max_schedules: int,
        progress: Callable[[int, int], None] | None,
        reduce: bool = True,
    ) -> None:
        self.progs = progs
        self.reduce = reduce
        self.max = max_schedules
        self.progress = progress
        self.order = {k: i for i, k in enumerate(progs.lines)}
        self.groups: dict[Hashable, OutcomeGroup] = {}
        self.schedules = 0
        self.steps = 0
        self.cache: dict[Hashable, tuple[frozenset[Key], frozenset[Footprint]]] = {}
        self.stack: list[_Node] = []

    def machine(self) -> Machine:
        """A fresh run replayed to the top of the stack."""
        m = Machine(self.progs)
        for node in self.stack[:-1]:
            assert node.step is not None
            m.replay(node.step.key)
            self.steps += 1
        top = self.stack[-1]
        m.fps, m.refs = top.fps, top.refs  # the same state: no need to fingerprint it again
        return m

    def node(
        self, m: Machine, sleep: dict[Key, Footprint], failed: tuple[int, str, str] | None = None
    ) -> _Node:
        en = m.enabled()
        state = (m.state_key(), failed and failed[0])
        node = _Node(en, m.existing(), sleep, state, fps=m.fps, refs=m.refs, failed=failed)
        awake = [k for k in en if k not in sleep]
        if not self.reduce:
            node.backtrack.update(en)
        elif awake:
            node.backtrack.add(awake[0])
        return node

    def add_backtrack(self, i: int, initials: list[Key], last: Key) -> None:
        """Make sure one of `initials` is tried at the state before step i (`last`: the program
        whose step raced; a race with a step of a program not made yet is no race)."""
        node = self.stack[i]
        if last not in node.existing:
            return
        if any(k in node.backtrack for k in initials):
            return
        for k in initials:
            if k in node.enabled:
                node.backtrack.add(k)
                return
        node.backtrack.update(node.enabled)

    def run(self) -> bool:
        m = Machine(self.progs)
        root = self.node(m, {})
        if not root.enabled:
            self.finish(m, [])
            return True
        self.stack = [root]
        fresh = True
        while self.stack:
            node = self.stack[-1]
            todo = sorted(
                (k for k in node.backtrack if k not in node.done and k not in node.sleep),
                key=self.order.__getitem__,
            )
            if not todo:
                self.pop()
                fresh = False
                continue
            if self.schedules >= self.max:
                return False
            key = todo[0]
            if not fresh:
                m = self.machine()
            fresh = False
            out = m.step(key)
            self.steps += 1
            fp = out.footprint
            sleep = {
                q: f
                for q, f in list(node.sleep.items()) + list(node.done.items())
                if self.reduce and not f.depends(fp)
            }
            node.done[key] = fp
            node.step = fp
            node.summary.add(fp)
            path = [n.step for n in self.stack if n.step is not None]
            # a failed line does not end the schedule: the rest of it still runs, so that its
            # races with the steps after it are seen and the other orders explored (a schedule
            # cut at its failure hides the schedules that fail elsewhere, or not at all)
            failed = node.failed or out.failed
            if not m.enabled():
                self.finish(m, path, failed)
                continue
            state = (m.state_key(), failed and failed[0])
            cached = self.cache.get(state)
            if self.reduce and cached is not None and cached[0] <= sleep.keys():
                self.race(path)
                self.disabled(m)  # a program the prefix disabled: the cached subtree cannot say
                for i, k in late_races(path, sorted(cached[1], key=repr)):
                    self.add_late_backtrack(i, k)
                node.summary |= cached[1]
                continue
            child = self.node(m, sleep, failed)
            if not child.backtrack:  # every program that could run is asleep: a schedule seen
                self.race(path)  # its races still count (source-DPOR: sleep-set blocked runs)
                self.disabled(m)
                node.summary.update(sleep.values())
                continue
            self.stack.append(child)
            fresh = True
        return True

    def add_late_backtrack(self, i: int, key: Key) -> None:
        """A race with a step the cached subtree took: without the steps in between, which
        program could start the reversed order is not known, so when `key` itself cannot (not
        enabled there, or asleep) every program enabled there is tried (Flanagan and Godefroid's
        fallback, which stays sound with sleep sets)."""
        node = self.stack[i]
        if key not in node.existing:
            return
        if key in node.enabled and key not in node.sleep:
            node.backtrack.add(key)
        else:
            node.backtrack.update(node.enabled)

    def disabled(self, m: Machine) -> None:
        """A program left with lines it can never run (killed, or stopped, by another's step)
        took no step that could race: the step that disabled it races with its next line, so
        that line is also tried first at the state before that step (the last at which it could
        run), as Flanagan and Godefroid's DPOR treats a transition that disables another."""
        if not self.reduce:
            return
        now = set(m.enabled())
        for key, pc in m.pcs.items():
            if pc >= len(self.progs.lines[key]) or key in now:
                continue
            for i in range(len(self.stack) - 1, -1, -1):
                if key in self.stack[i].enabled:
                    self.add_late_backtrack(i, key)
                    break

    def race(self, path: list[Footprint]) -> None:
        """Add a backtrack point for every race along an execution."""
        if self.reduce:
            for i, last, initials in races(path):
                self.add_backtrack(i, initials, last)

    def pop(self) -> None:
        node = self.stack.pop()
        old = self.cache.get(node.state)
        sleep = frozenset(node.sleep)
        summary = frozenset(node.summary)
        if old is not None:
            sleep, summary = sleep & old[0], summary | old[1]
        self.cache[node.state] = (sleep, summary)
        if self.stack:
            self.stack[-1].summary |= node.summary

    def finish(self, m: Machine, path: list[Footprint], failed: tuple[int, str, str] | None = None) -> None:
        """One schedule reached its end: count it, group it, and look for races along it."""
        self.schedules += 1
        self.race(path)
        self.disabled(m)
        if failed is not None:
            line, expected, got = failed
            key: Hashable = ("failed", line)
            make = lambda: OutcomeGroup(  # noqa: E731
                "failed", 0, list(m.trace), failure={"line": line, "expected": expected, "got": got}
            )
        elif m.deadlocked():
            blocked = self.blocked(m)
            key = ("deadlock", tuple(sorted((b["proc"], b["call"]) for b in blocked)))
            make = lambda: OutcomeGroup("deadlock", 0, list(m.trace), blocked, m.cycle())  # noqa: E731
        else:
            key = ("complete", tuple((n, tuple(v)) for n, v in sorted(m.seen.items())))
            make = lambda: OutcomeGroup("complete", 0, list(m.trace))  # noqa: E731
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = make()
            group.key = key
        group.schedules += 1
        if self.progress is not None and self.schedules % 64 == 0:
            self.progress(self.schedules, len(self.cache))

    @staticmethod
    def blocked(m: Machine) -> list[dict[str, Any]]:
        lines = m.blocked_lines()
        out = [
            {
                "proc": w.proc,
                "call": lines.get(w.proc, f"{w.proc}: {w.call}(...)"),
                "waits_for": list(w.waits_for),
            }
            for w in m.waits()
        ]
        for key, st in m.stuck():
            p = m.process(key)
            who: list[str] = []
            if p is not None and p.stopped:  # anyone who can still act could send SIGCONT
                others = sorted(m.kernel.procs.values(), key=lambda q: q.pid)
                who = [q.name for q in others if q is not p and q.alive and m.has_lines(q)]
            out.append({"proc": p.name if p is not None else str(key), "call": st.text, "waits_for": who})
        return out


def explore(
    progs: Programs,
    max_schedules: int = 100_000,
    progress: Callable[[int, int], None] | None = None,
    reduce: bool = True,
) -> ExploreResult:
    """Explore every schedule of `progs` (up to `max_schedules`). Raises ScriptError for a line
    that cannot run at all (unknown process in an argument, bad arguments).

    `reduce=False` is plain enumeration: every interleaving, no reduction and no cache (the
    yardstick the tests and the benchmark hold the reduction to)."""
    s = _Search(progs, max(1, max_schedules), progress, reduce)
    exhaustive = s.run()
    groups = sorted(enumerate(s.groups.values()), key=lambda ig: (KIND_ORDER[ig[1].kind], ig[0]))
    return ExploreResult(s.schedules, exhaustive, len(s.cache), [g for _, g in groups], s.steps)


__all__ = ["ExploreResult", "OutcomeGroup", "explore", "programs_of"]
