"""Supervising the workers of a real run: starting them, the channel to each, the run's limits,
and watching what they do (replies, caught signals, stops, continues, deaths) until every one of
them is asleep again. It knows nothing of any particular call: what a line means is the call's
registration (ipctui.real.calls), and in which order what was seen is shown is ipctui.real.order.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..vocab.errors import UsageError, check_runnable
from . import sandbox, wire
from .limits import LIMIT_PROCESSES, MAX_PROCESSES, CannotRun, RunBroken
from .places import Guard

if TYPE_CHECKING:
    from .calls.registry import Line

BLOCK_TIMEOUT = 0.3
SETTLE_LIMIT = 3.0  # a line whose effects have not settled by then is reported as it stands
MAX_SEEN = 1000  # a line that makes more happen than this (a signal storm) is cut short
NOWHERE_PID = 0x3FFFFFFF  # above any pid_max: kill gives ESRCH, waitpid ECHILD

Seen = tuple["Proc", str, Any]  # (process, "reply" | "signal" | "stopped" | "continued" | "death", value)


@dataclass
class Proc:
    """The runner's view of one real process."""

    pid: int  # as the simulation numbers it
    name: str
    uid: int
    real: int = 0  # as the run's processes know it (inside the sandbox's PID namespace)
    host: int = 0  # as this machine's /proc knows it
    sock: socket.socket | None = None
    parent: int | None = None
    spawned: bool = True
    zombie: bool = False
    dead: bool = False
    stopped: bool = False
    waiting: Line | None = None  # the call it sleeps in
    exit_code: int | None = None  # what it was told to exit with
    scales: dict[int, int] = field(default_factory=dict)  # pipe fd -> script bytes per real byte
    segments: dict[int, str] = field(default_factory=dict)  # shm fd -> segment name
    redirected: set[int] = field(default_factory=set)  # 0-2 that now hold a script's open file
    handlers: dict[int, str] = field(default_factory=dict)
    wire: wire.Assembler = field(default_factory=wire.Assembler)

    def opened(self, fd: int, like: int | None = None) -> None:
        """A new descriptor: a fresh open file, or (`like`) another number for that one."""
        scale = self.scales.get(like) if like is not None else None
        segment = self.segments.get(like) if like is not None else None
        self.scales.pop(fd, None)
        self.segments.pop(fd, None)
        if fd in (0, 1, 2):
            self.redirected.add(fd)
        if scale is not None:
            self.scales[fd] = scale
        if segment is not None:
            self.segments[fd] = segment

    def closed(self, fd: int) -> None:
        self.redirected.discard(fd)
        self.scales.pop(fd, None)
        self.segments.pop(fd, None)


class Supervisor:
    """The run's processes, and what was seen of them since the current line was sent."""

    def __init__(self, guard: Guard, root: bool, block_timeout: float = BLOCK_TIMEOUT) -> None:
        self.guard = guard
        self.root = root
        self.block_timeout = block_timeout
        self.procs: dict[int, Proc] = {}
        self.names: dict[str, Proc] = {}
        self.by_real: dict[int, int] = {}
        self.next_pid = 1
        self.seq = 0  # counts the calls that began to sleep, in order
        self.seen: list[Seen] = []
        self.cannot: dict[str, str] = {}  # process name -> why it could not start

    # ------------------------------------------------------------ processes

    def close(self) -> None:
        for p in self.procs.values():
            if p.sock is not None:
                p.sock.close()
                p.sock = None

    def process(self, ref: int | str) -> Proc | None:
        p = self.procs.get(ref) if isinstance(ref, int) else self.names.get(ref)
        return p if p is not None and not p.dead else None

    def runnable(self, ref: int | str) -> Proc:
        if isinstance(ref, str) and ref in self.cannot:
            raise CannotRun(self.cannot[ref])
        p = self.process(ref)
        if p is None:
            check_runnable(ref, None, False, False, None)
        assert p is not None
        check_runnable(ref, p.name, p.zombie, p.stopped, p.waiting.name if p.waiting else None)
        return p

    def live(self) -> int:
        """The run's processes, zombies included (they hold a slot until reaped)."""
        return sum(1 for q in self.procs.values() if not q.dead)

    def spawn(self, name: str, uid: int) -> Proc:
        """A new worker, started by the guard, ready for its first line."""
        if name in self.names and not self.names[name].dead:
            raise UsageError(f"a process named {name} already exists")
        if uid < 0:
            raise UsageError(f"uid must be 0 or more, not {uid}")
        self.cannot.pop(name, None)
        if self.live() >= MAX_PROCESSES:
            self.cannot[name] = LIMIT_PROCESSES
            raise CannotRun(LIMIT_PROCESSES)
        p = Proc(self.next_pid, name, uid)
        self.next_pid += 1
        if not self.root and uid != 1000:
            self.cannot[name] = f"spawn {name} uid={uid} needs root (setuid)"
            raise CannotRun(self.cannot[name])
        if self.guard.sandboxed and self.root and uid >= sandbox.UID_COUNT:
            self.cannot[name] = f"uid {uid} is past the sandbox's uids (0 to {sandbox.UID_COUNT - 1})"
            raise CannotRun(self.cannot[name])
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        pid, host = self.guard.spawn(theirs, uid if self.root and uid != 0 else None)
        theirs.close()
        ours.settimeout(30)  # until it has become what it will be (uid, signals, descriptors)
        try:
            ready, _fds = wire.receive(ours, max_fds=0)
        except (OSError, wire.WireError):
            ready = None
        if ready != ["ready"]:
            ours.close()
            self.cannot[name] = f"the process for {name} did not start"
            raise CannotRun(self.cannot[name])
        ours.setblocking(False)
        p.real, p.host, p.sock = pid, host, ours
        self.register(p)
        return p

    def adopt(self, parent: Proc, name: str, real: int, chan: socket.socket) -> Proc:
        """A child forked by `parent`, answering on `chan`; it inherits its parent's books."""
        host = sandbox.host_pid(real, [parent.host, self.guard.init]) if self.guard.sandboxed else real
        c = Proc(self.next_pid, name, parent.uid, real=real, host=host, sock=chan, parent=parent.pid)
        c.spawned = False
        self.next_pid += 1
        c.scales, c.segments, c.handlers = dict(parent.scales), dict(parent.segments), dict(parent.handlers)
        c.redirected = set(parent.redirected)
        self.register(c)
        return c

    def register(self, p: Proc) -> None:
        self.procs[p.pid] = p
        self.names[p.name] = p
        self.by_real[p.real] = p.pid

    def forget(self, p: Proc) -> None:
        p.dead, p.zombie = True, False
        if self.names.get(p.name) is p:
            del self.names[p.name]

    def real_pid(self, pid: int) -> int:
        """A script's pid as the run's processes know it (none: a pid no process has)."""
        p = self.procs.get(pid) if pid > 0 else None
        return p.real if p is not None and not p.dead else NOWHERE_PID

    def sim_pid(self, real: int, default: int) -> int:
        return self.by_real.get(real, default)

    def buried(self, q: Proc) -> None:
        """After q's death: a zombie until its parent reaps it, or gone; its zombie children go."""
        q.waiting = None
        parent = self.procs.get(q.parent) if q.parent is not None else None
        if parent is not None and not parent.dead and not parent.zombie and not q.spawned:
            if parent.handlers.get(signal.SIGCHLD) == "SIG_IGN":
                self.forget(q)
            else:
                q.zombie = True
        else:
            self.forget(q)
        for c in self.procs.values():
            if c.parent == q.pid:
                c.parent = None
                if c.zombie:
                    self.forget(c)

    # ------------------------------------------------------------ watching

    def send(self, p: Proc, message: list[Any], fds: list[int]) -> None:
        """One line to p (descriptors with it are closed here); a gone worker's death shows."""
        self.seen = []
        assert p.sock is not None
        try:
            wire.send(p.sock, message, fds)
        except OSError:
            pass  # it has gone: its death is what the line shows
        finally:
            for fd in fds:
                os.close(fd)

    def ask(self, p: Proc, message: list[Any]) -> tuple[str, Any, bool] | None:
        """A call made between lines, outside the trace: a look at the kernel's state that only a
        process of the run can take (it must change nothing), by a process whose last call has
        answered. None if p cannot answer now."""
        if p.sock is None or p.stopped:
            return None
        saved, self.seen = self.seen, []
        try:
            wire.send(p.sock, message)
            deadline = time.monotonic() + self.block_timeout
            while p.sock is not None and not self.answered(p) and time.monotonic() < deadline:
                self._pump(0.05)
            return next((v for q, kind, v in self.seen if q is p and kind == "reply"), None)
        except OSError:
            return None
        finally:  # anything else that came is the line's
            self.seen = saved + [o for o in self.seen if not (o[0] is p and o[1] == "reply")]

    def answered(self, p: Proc) -> bool:
        return any(q is p and kind == "reply" for q, kind, _ in self.seen)

    def wait_for(self, p: Proc) -> None:
        """Until p answers, dies, or the block timeout passes; then until everything settles."""
        deadline = time.monotonic() + self.block_timeout
        while p.sock is not None and not self.answered(p):
            left = deadline - time.monotonic()
            if left <= 0:
                break
            self._pump(min(left, 0.05))
        self._settle()

    def _settle(self) -> None:
        """Until every worker is asleep (in a call or waiting for the next) and nothing arrives."""
        deadline = time.monotonic() + SETTLE_LIMIT
        calm = 0
        while time.monotonic() < deadline and calm < 2 and len(self.seen) < MAX_SEEN:
            if self._pump(0.002):
                calm = 0
                continue
            calm = calm + 1 if self._all_asleep() else 0

    def _all_asleep(self) -> bool:
        asleep = True
        for p in list(self.procs.values()):
            if p.sock is None:
                continue
            state, code = stat(p.host)
            if state == "S":
                if p.stopped:
                    self.seen.append((p, "continued", None))
                    p.stopped = False
            elif state == "T":
                if not p.stopped:
                    self.seen.append((p, "stopped", code & 0x7F or signal.SIGSTOP))
                    p.stopped = True
            else:  # running, about to run, dying, or stopped by a tracer for a moment
                asleep = False
        return asleep

    def _pump(self, timeout: float) -> bool:
        """Read whatever the workers have sent; True if anything came."""
        socks = {p.sock: p for p in self.procs.values() if p.sock is not None}
        if not socks:
            time.sleep(timeout)
            return False
        ready, _, _ = select.select(list(socks), [], [], timeout)
        for s in ready:
            p = socks[s]
            try:
                data = s.recv(1 << 17)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                self._died(p)
                continue
            try:
                got = p.wire.feed(data)
                if got is not None and got[0] == "message":
                    got = ("reply", _reply(got[1]))
            except wire.WireError as e:
                raise RunBroken(f"process {p.name} sent the runner a malformed message ({e})") from None
            if got is not None:
                self.seen.append((p, *got))
        return bool(ready)

    def _died(self, p: Proc) -> None:
        assert p.sock is not None
        p.sock.close()
        p.sock = None
        status: int | None = None  # read while it is a zombie (its parent may reap it soon)
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            state, code = stat(p.host)
            if state == "Z":
                status = code
                break
            if state == "":
                break
            time.sleep(0.0005)
        self.seen.append((p, "death", status))


def _reply(msg: Any) -> tuple[str, Any, bool]:
    """A worker's reply, checked: ("ok", value, slept), ("err", errno, slept) or ("cannot",
    reason, slept); anything else is not a reply."""
    if not isinstance(msg, list) or len(msg) != 3 or not isinstance(msg[2], bool):
        raise wire.WireError("not a reply")
    status, value, slept = msg
    if status == "err" and not (isinstance(value, int) and 0 < value < 4096):
        raise wire.WireError("an error that is not an errno")
    if status == "cannot" and not isinstance(value, str):
        raise wire.WireError("a reason that is not text")
    if status not in ("ok", "err", "cannot"):
        raise wire.WireError(f"an unknown status {status!r}")
    return status, value, slept


def stat(pid: int) -> tuple[str, int]:
    """(state, exit_code) from /proc/PID/stat; ("", 0) once the process is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read()
    except OSError:
        return "", 0
    rest = raw[raw.rindex(b")") + 2 :].split()
    return rest[0].decode(), int(rest[-1]) if len(rest) >= 50 else 0


def blocked_signals(pid: int) -> set[int]:
    """The signals a process blocks, from /proc/PID/status."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("SigBlk:"):
                    mask = int(line.split()[1], 16)
                    return {s for s in range(1, 32) if mask >> (s - 1) & 1}
    except OSError:
        pass
    return set()
