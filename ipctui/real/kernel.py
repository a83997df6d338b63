"""The real kernel behind the simulated one's interface: `spawn()` and `call()` return trace
events, so the script runner, its checks and its trace formats work unchanged.

Each process of the script is a real process (ipctui.real.worker). A line goes through three
parts, each a module of its own:
- translating: the call's registration (ipctui.real.calls, one module per mechanism) turns the
  script's names, pids, ids and ports into the machine's, and says what cannot run here;
- supervising (ipctui.real.supervisor): the line is sent to its worker, which makes the call for
  real; the runner waits until every worker is asleep again and nothing more arrives, seeing
  replies, caught signals (reported by the C-level handler), deaths and their status, stops and
  continues (/proc/PID/stat);
- ordering (ipctui.real.order): what was seen becomes events in the SPEC's order, each result
  translated back by its registration (pids, System V ids, ftok's keys and kernel-chosen ports
  renumbered as the simulation numbers them).
This module only joins them; it names no call.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from ..vocab.calls import CallSignature, with_defaults
from ..vocab.errors import UsageError
from ..vocab.events import Event
from .calls import REAL, Books, Line
from .limits import CannotRun, RunBroken
from .limits import capable as _capable  # (a test stands in for it: root without a capability)
from .order import line_events
from .places import Guard, Places, make_places
from .supervisor import BLOCK_TIMEOUT, Proc, Supervisor


class RealKernel:
    """Runs lines on this machine's kernel; use as a context manager (cleanup is its exit)."""

    def __init__(
        self,
        calls: Mapping[str, CallSignature],
        block_timeout: float = BLOCK_TIMEOUT,
        places: Places | None = None,
        sandboxed: bool = True,
    ) -> None:
        self.calls = calls  # the script language's calls: their signatures and defaults
        self.sandboxed = sandboxed
        self.places = places or make_places(sandboxed)
        root = os.geteuid() == 0
        guard = Guard(self.places, want_netns=root, sandboxed=sandboxed)
        if not self.places.netns:
            self.places.port_shift = 10000 + int(self.places.token, 16) % 10000
        self.sup = Supervisor(guard, root, block_timeout)
        # CAP_SYS_RESOURCE counts in the machine's first user namespace: a sandbox's root lacks it
        self.books = Books(self.places, guard, sandboxed, root, sys_resource=_capable(24) and not sandboxed)
        self.skipped = 0

    # ------------------------------------------------------------ lifetime

    def __enter__(self) -> RealKernel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.sup.close()
        self.sup.guard.finish()

    @property
    def note(self) -> str:
        if self.sandboxed:
            return "sockets ran in the run's own network namespace (loopback only)"
        if self.places.netns:
            return "sockets ran in a private network namespace (loopback only)"
        return f"sockets ran on this machine's loopback, fixed ports moved up by {self.places.port_shift}"

    @property
    def used_sockets(self) -> bool:
        return self.books.used_sockets

    # ------------------------------------------------------------ the API

    def cannot_run(self, ref: int | str) -> bool:
        """Whether the process named is one this machine could not start."""
        return isinstance(ref, str) and ref in self.sup.cannot

    def process(self, ref: int | str) -> Proc | None:
        return self.sup.process(ref)

    def spawn(self, name: str, uid: int = 1000, tag: Any = None) -> list[Event]:
        p = self.sup.spawn(name, uid)
        return [Event("spawn", p.pid, p.name, uid=uid, tag=tag)]

    def call(
        self,
        ref: int | str,
        name: str,
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
        tag: Any = None,
    ) -> list[Event]:
        if name not in self.calls:
            raise UsageError(f"unknown call {name}()")
        if self.calls[name].no_real:
            raise CannotRun(self.calls[name].no_real)
        if name not in REAL:
            raise CannotRun(f"{name}() has no real implementation")
        p = self.sup.runnable(ref)
        args = with_defaults(self.calls[name], args)
        for param, value in zip(self.calls[name].params, args, strict=False):
            if param.kind == "fd" and isinstance(value, int) and not -(1 << 31) <= value < 1 << 31:
                raise CannotRun(f"descriptor {value} does not fit C's int (C would pass another number)")
        line = Line(
            name,
            p,
            list(args),
            dict(kwargs or {}),
            self.sup,
            self.books,
            tag,
        )
        REAL[name].translate(line)
        stopped = {q.pid for q in self.sup.procs.values() if q.stopped}
        self.sup.send(p, [name, line.rargs, line.rkw], line.fds)
        self.sup.wait_for(p)
        reply = next((v for q, kind, v in self.sup.seen if q is p and kind == "reply"), None)
        if reply is not None and reply[0] == "cannot":
            if line.child is not None:
                line.child.close()
            raise CannotRun(reply[1])
        try:
            return line_events(self.sup, line, stopped)
        except (
            TypeError,
            ValueError,
            KeyError,
            IndexError,
            AttributeError,
        ) as e:  # an answer no worker gives
            raise RunBroken(f"process {p.name} answered {name}() with what no worker sends ({e})") from None


__all__ = ["BLOCK_TIMEOUT", "CannotRun", "RealKernel", "RunBroken"]
