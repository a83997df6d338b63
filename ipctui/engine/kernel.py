"""The simulated kernel: runs calls, puts callers to sleep, wakes them and delivers signals.

Ordering (SPEC section 2) comes from one mechanism: whatever a call causes (wake-ups, signal
deliveries, deaths) is deferred with `after()` and run once the call's own line is out, depth
first, so that each woken call's lines and what they cause come before the next one's.
A call made with `hold=True` stops once its own line is out: `settle()` then runs what it
deferred one line at a time (the playground's sub-steps), in the same order, and `woken` names
the sleepers already woken that have not run yet (runnable, as on Linux until they are scheduled).

A call that may block is a generator: it yields the wait queue it sleeps on and is resumed when
woken. A caught signal is thrown into it as `Interrupted` (a write may catch it to return the
count it moved); SA_RESTART runs the call again from the start, as Linux restarts a syscall.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from types import GeneratorType
from typing import Any

from ..vocab.constants import (
    SIGCHLD,
    SIGCONT,
    SIGKILL,
    SIGNAL_NAMES,
    STOP_SIGNALS,
    default_action,
)
from ..vocab.events import Event
from .errors import Errno, Exited, Fault, Interrupted, NoReturn, SysError, UsageError, check_runnable
from .inodes import FileSystem
from .process import OpenFile, Process
from .syscalls import SYSCALLS
from .waitq import Waiter, WaitQueue

NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")


def _ended_by_signal() -> Any:
    """What a call left by a stop signal does when it runs again: report EINTR."""
    raise SysError(Errno.EINTR)
    yield  # a generator, so that the kernel resumes it as it resumes any blocked call


class _Blocked:
    def __repr__(self) -> str:
        return "<unfinished ...>"


BLOCKED: Any = _Blocked()


@dataclass(frozen=True)
class FileOps:
    """What read, write, close and fcntl do on one kind of open file."""

    release: Callable[[Kernel, OpenFile], None]
    read: Callable[..., Any] | None = None
    write: Callable[..., Any] | None = None


FILE_KINDS: dict[str, FileOps] = {}
# Called with (kernel, parent, child) on fork and (kernel, proc) on death, per mechanism.
FORK_HOOKS: list[Callable[[Kernel, Process, Process], None]] = []
EXIT_HOOKS: list[Callable[[Kernel, Process], None]] = []


class Kernel:
    """One simulated machine. `spawn()` and `call()` are the whole API; both return events."""

    def __init__(self) -> None:
        self.procs: dict[int, Process] = {}
        self._names: dict[str, Process] = {}
        self.next_pid = 1
        self.events: list[Event] = []
        self._frame: list[Callable[[], None]] = []
        self._began = 0  # counts blocked calls as they begin to wait (Waiter.seq)
        self._pending: list[deque[Callable[[], None]]] = []  # deferred actions not run yet, by depth
        self.woken: set[int] = set()  # pids woken whose blocked call has not run again yet
        self.observers: list[Callable[[Event], None]] = []
        self.fs = FileSystem()  # path -> FIFO or socket node, with inode numbers for ftok
        self._counters: dict[str, int] = {}
        self.steps = 0
        self.version = 0  # counts what may change state (calls, spawns, settled wake-ups): views.py
        # Each mechanism's objects, by id or name; the mechanism's module owns what is inside.
        self.pipes: dict[int, Any] = {}
        self.mqueues: dict[str, Any] = {}  # by name; mq_all also holds unlinked ones still open
        self.mq_all: list[Any] = []
        self.msqs: dict[int, Any] = {}
        self.shm: dict[str, Any] = {}  # by name; shm_all by id, also unlinked ones still in use
        self.shm_all: dict[int, Any] = {}
        self.sems: dict[str, Any] = {}  # by name; sem_all by id, also unlinked ones still open
        self.sem_all: dict[int, Any] = {}
        self.sem_sets: dict[int, Any] = {}  # System V semaphore sets by semid
        self.sysv_shm: dict[int, Any] = {}  # System V segments by shmid, also marked-for-removal ones
        self.sockets: dict[int, Any] = {}  # live sockets by id
        self.ports: dict[str, dict[int, dict[int, Any]]] = {"tcp": {}, "udp": {}}  # port -> users
        self.next_port: dict[str, int] = {"tcp": 32768, "udp": 32768}
        # TCP ports Linux would still hold after the connection here ended (TIME_WAIT, or an
        # orphan that sent its FIN first): the simulation models no TIME_WAIT (SPEC section 2),
        # it only notes them, for `ipctui diff` to tell that departure from a bug
        self.time_wait: list[int] = []

    # ------------------------------------------------------------------ API

    def spawn(self, name: str, uid: int = 1000, tag: Any = None) -> list[Event]:
        """Create a process with a fresh descriptor table and no parent."""
        self._check_settled()
        self.version += 1
        self.check_new_name(name)
        if uid < 0:
            raise UsageError(f"uid must be 0 or more, not {uid}")
        p = self._new_process(name, uid)
        self.events = []
        self.steps += 1
        self.emit(Event("spawn", p.pid, p.name, uid=uid, tag=tag))
        return self.events

    def call(
        self,
        ref: int | str,
        name: str,
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
        tag: Any = None,
        hold: bool = False,
    ) -> list[Event]:
        """Make call `name` as process `ref`; returns the trace lines, the call's own first.
        With `hold`, only the call's own line: settle() runs the rest, a line at a time."""
        self._check_settled()
        self.version += 1
        spec = SYSCALLS.get(name)
        if spec is None:
            raise UsageError(f"unknown call {name}()")
        p = self.runnable(ref)
        kwargs = kwargs or {}
        self.events = []
        self._frame = []
        self.steps += 1
        pid, pname = p.pid, p.name
        try:
            result = spec.fn(self, p, *args, **kwargs)
            if isinstance(result, GeneratorType):
                result = self._start(p, spec, result, args, kwargs, tag)
            if result is BLOCKED:
                self.emit(Event("call", pid, pname, name, "blocked", tag=tag))
            else:
                self.emit(Event("call", pid, pname, name, "ok", result, tag=tag))
        except SysError as e:
            self.emit(Event("call", pid, pname, name, "error", errno=e.errno.name, tag=tag))
        except Exited as e:
            self._frame.insert(0, partial(self.die, p, code=e.code & 0xFF))
            self.emit(Event("call", pid, pname, name, "fault", tag=tag))
        except Fault as f:
            self._frame.insert(0, partial(self._fault, p, f.signal))
            self.emit(Event("call", pid, pname, name, "fault", tag=tag))
        except NoReturn:
            self.emit(Event("call", pid, pname, name, "fault", tag=tag))
        if self._frame:
            self._pending = [deque(self._frame)]
            self._frame = []
            if not hold:
                while self._pending:
                    self._run_next()
        return self.events

    @property
    def settling(self) -> bool:
        """Whether the last call (made with hold) has deferred actions still to run."""
        return bool(self._pending)

    def settle(self) -> list[Event]:
        """Run the last call's deferred actions until one more line is out (a wake-up that finds
        the sleeper stopped writes none) or none are left; returns the lines, usually one."""
        start = len(self.events)
        self.version += 1
        while self._pending and len(self.events) == start:
            self._run_next()
        return self.events[start:]

    def _check_settled(self) -> None:
        if self._pending:
            raise UsageError("the previous call has wake-ups still to run: settle() them first")

    def process(self, ref: int | str) -> Process | None:
        """A live or zombie process by pid or name."""
        if isinstance(ref, int):
            return self.procs.get(ref)
        return self._names.get(ref)

    def runnable(self, ref: int | str) -> Process:
        """The process that a line names, if it may make a call now (else a usage error)."""
        p = self.process(ref)
        if p is not None and p.alive and not p.stopped and p.waiter is None:
            return p  # the usual case, on every line: no more work than this
        if p is None:
            check_runnable(ref, None, False, False, None)
        assert p is not None
        check_runnable(ref, p.name, not p.alive, p.stopped, p.waiter.call if p.waiter else None)
        return p

    def check_new_name(self, name: str) -> None:
        if not NAME_RE.match(name):
            raise UsageError(f"bad process name {name!r}: use a letter, then letters, digits, _ or -")
        if name in self._names:
            raise UsageError(f"a process named {name} already exists")

    # ------------------------------------------------------- for mechanisms

    def after(self, fn: Callable[[], None]) -> None:
        """Run `fn` once the current line is out (depth first: see the module docstring)."""
        self._frame.append(fn)

    def emit(self, event: Event) -> None:
        self.events.append(event)
        for observer in self.observers:
            observer(event)

    def new_id(self, kind: str, start: int = 1) -> int:
        n = self._counters.get(kind, start)
        self._counters[kind] = n + 1
        return n

    def made(self, kind: str) -> bool:
        """Whether an object of `kind` (a new_id kind: pipe, shm, sem, socket) was ever made."""
        return kind in self._counters

    def install(self, p: Process, f: OpenFile) -> int:
        """Give an open file the caller's lowest free descriptor (EMFILE past RLIMIT_NOFILE)."""
        if p.fds.full():
            raise SysError(Errno.EMFILE)
        return p.fds.install(f)

    def open_file(self, p: Process, fd: int, kind: str | None = None) -> OpenFile:
        """The open file behind `fd` (EBADF if none, or not of `kind`)."""
        f = p.fds.get(fd)
        if f is None or (kind is not None and f.kind != kind):
            raise SysError(Errno.EBADF)
        return f

    def close_fd(self, p: Process, fd: int) -> None:
        f = p.fds.pop(fd)
        if f is None:
            raise SysError(Errno.EBADF)
        f.refs -= 1
        if f.refs == 0:
            FILE_KINDS[f.kind].release(self, f)

    def wake_one(self, q: WaitQueue) -> None:
        """Wake the longest-waiting sleeper on `q` that is not stopped."""
        if q:
            first = next((w for w in q if not w.proc.stopped), None)
            if first is not None:
                self.woken.add(first.proc.pid)
            self.after(partial(self._wake_first, q))

    def wake_all(self, q: WaitQueue) -> None:
        """Wake every sleeper on `q`, oldest first, each in turn."""
        for w in q:
            if not w.proc.stopped:
                self.woken.add(w.proc.pid)
            self.after(partial(self._wake, w))

    def wake_waiter(self, w: Waiter) -> None:
        """Wake one given sleeper, which the mechanism has already served (a message handed to a
        waiting receiver, a sender's message moved into the queue: Linux's pipelined_send)."""
        if not w.proc.stopped:
            self.woken.add(w.proc.pid)
        self.after(partial(self._wake, w))

    def send_signal(self, t: Process, sig: int) -> None:
        """Generate `sig` for `t` (Linux's prepare_signal); delivery follows the current line."""
        if not t.alive:
            return
        if sig == SIGKILL:
            t.pending.add(SIGKILL)
            self.after(partial(self.deliver, t))
            return
        if sig == SIGCONT:
            t.pending -= STOP_SIGNALS
            if t.stopped:
                t.stopped = False
                t.continued = True
                self.after(partial(self.deliver, t))
                self.after(partial(self._notify_parent, t))  # CLD_CONTINUED
        elif sig in STOP_SIGNALS:
            t.pending.discard(SIGCONT)
        h = t.handler(sig).name
        ignored = h == "SIG_IGN" or (h == "SIG_DFL" and default_action(sig) == "ign")
        if (ignored and sig not in t.mask) or sig in t.pending:
            return
        t.pending.add(sig)
        if sig not in t.mask:
            self.after(partial(self.deliver, t))

    def deliver(self, p: Process) -> None:
        """Deliver every pending, unblocked signal of `p`, lowest number first (SIGCONT first)."""
        if not p.alive:
            return
        if SIGKILL in p.pending:
            self.die(p, signal=SIGKILL)
            return
        if p.stopped:
            return
        while True:
            ready = [s for s in p.pending if s not in p.mask]
            if not ready:
                break
            sig = SIGCONT if (p.continued and SIGCONT in ready) else min(ready)
            p.pending.discard(sig)
            h = p.handler(sig)
            if h.name == "SIG_IGN":
                continue
            if h.name != "SIG_DFL":
                self._signal_line(p, sig)
                self._interrupt(p, sig, h.restart)
                continue
            action = default_action(sig)
            if action == "ign":
                continue
            if action == "stop":
                self.emit(Event("stopped", p.pid, p.name, signal=SIGNAL_NAMES[sig]))
                p.stopped = True
                if p.waiter is not None and p.waiter.eintr_after_stop:
                    self._leave_wait(p.waiter, sig)
                self._notify_parent(p)
                return
            self._signal_line(p, sig)
            if action == "term":
                self.die(p, signal=sig)
                return
        if p.continued:
            p.continued = False
            w = p.waiter
            if w is not None and not self._step(w):
                self._requeue(w)  # the restarted call waits again, at the back

    def die(self, p: Process, code: int | None = None, signal: int | None = None) -> None:
        """End `p`: its line, then its descriptors close and its parent hears of it."""
        if not p.alive:
            return
        p.alive = False
        p.stopped = False
        p.pending.clear()
        p.status = SIGNAL_NAMES[signal] if signal is not None else code
        self.emit(
            Event(
                "exit",
                p.pid,
                p.name,
                signal=SIGNAL_NAMES[signal] if signal is not None else None,
                code=code if signal is None else None,
            )
        )
        w = p.waiter
        if w is not None:
            if w.queue is not None:
                w.queue.remove(w)
            p.waiter = None
            w.gen.close()
        mark = len(self._frame)
        for fd, _ in p.fds.items():
            self.close_fd(p, fd)
        for hook in EXIT_HOOKS:
            hook(self, p)
        self._frame[mark:] = _in_waiting_order(self._frame[mark:], p.parent)
        for cpid in p.children:
            child = self.procs[cpid]
            if child.zombie:
                self._forget(child)
            else:
                child.parent = None
        p.children = []
        parent = self.procs.get(p.parent) if p.parent is not None else None
        if parent is not None and parent.alive:
            if parent.handler(SIGCHLD).name == "SIG_IGN":
                parent.children.remove(p.pid)  # reaped at once: no zombie
                self._forget(p)
            else:
                p.zombie = True
            self.send_signal(parent, SIGCHLD)
            self.wake_all(parent.child_wait)
        else:
            self._forget(p)

    def reap(self, parent: Process, child: Process) -> list[Any]:
        """Remove a zombie child; returns wait's `[pid, status]`."""
        parent.children.remove(child.pid)
        self._forget(child)
        return [child.pid, child.status]

    def new_child(self, parent: Process, name: str) -> Process:
        self.check_new_name(name)
        child = self._new_process(name, parent.uid)
        child.parent = parent.pid
        child.forked = True
        child.fds = parent.fds.copy()
        child.handlers = dict(parent.handlers)
        child.mask = set(parent.mask)
        parent.children.append(child.pid)
        for hook in FORK_HOOKS:
            hook(self, parent, child)
        return child

    # ------------------------------------------------------------- internals

    def _new_process(self, name: str, uid: int) -> Process:
        p = Process(self.next_pid, name, uid)
        self.next_pid += 1
        self.procs[p.pid] = p
        self._names[name] = p
        return p

    def _forget(self, p: Process) -> None:
        p.zombie = False
        self.procs.pop(p.pid, None)
        if self._names.get(p.name) is p:
            del self._names[p.name]

    def _run_next(self) -> None:
        """Run the next deferred action, depth first: what it defers runs before its siblings."""
        stack = self._pending
        stack[-1].popleft()()
        if self._frame:
            stack.append(deque(self._frame))
            self._frame = []
        while stack and not stack[-1]:
            stack.pop()
        if not stack:  # all run: whoever was woken has run (or died, or was stopped, first)
            self.woken.clear()

    def _start(
        self, p: Process, spec: Any, gen: Any, args: tuple[Any, ...], kwargs: dict[str, Any], tag: Any
    ) -> Any:
        try:
            q = gen.send(None)
        except StopIteration as stop:
            return stop.value
        restart = partial(spec.fn, self, p, *args, **kwargs)  # SA_RESTART runs the call again
        w = Waiter(
            p,
            spec.name,
            gen,
            restart,
            tag,
            None,
            spec.restartable,
            spec.interruptible,
            spec.eintr_after_stop,
            spec.own_wake_order,
        )
        self._began += 1
        w.seq = self._began
        w.queue = q
        q.add(w)
        p.waiter = w
        return BLOCKED

    def _step(self, w: Waiter, throw: BaseException | None = None) -> bool:
        """Resume a blocked call; True when it finished (its resumed line is out)."""
        self.woken.discard(w.proc.pid)
        try:
            q = w.gen.throw(throw) if throw is not None else w.gen.send(None)
        except StopIteration as stop:
            self._finish(w, "ok", stop.value)
            return True
        except SysError as e:
            self._finish(w, "error", errno=e.errno.name)
            return True
        except Fault as f:
            self._finish(w, "fault")
            self.after(partial(self._fault, w.proc, f.signal))
            return True
        if q is not w.queue:
            if w.queue is not None:
                w.queue.remove(w)
            w.queue = q
            q.add(w)
        return False

    def _finish(self, w: Waiter, status: str, result: Any = None, errno: str | None = None) -> None:
        if w.queue is not None:
            w.queue.remove(w)
        w.proc.waiter = None
        self.emit(Event("resumed", w.proc.pid, w.proc.name, w.call, status, result, errno, tag=w.tag))  # type: ignore[arg-type]

    def _requeue(self, w: Waiter) -> None:
        if w.queue is not None:
            w.queue.remove(w)
            w.queue.add(w)

    def _wake_first(self, q: WaitQueue) -> None:
        for w in q:
            if not w.proc.stopped:
                self._step(w)
                return

    def _wake(self, w: Waiter) -> None:
        if w.proc.waiter is w and not w.proc.stopped:
            self._step(w)

    def _interrupt(self, p: Process, sig: int, restart: bool) -> None:
        """A caught signal reaches `p`: its blocked call ends with EINTR, restarts, or finishes."""
        w = p.waiter
        if w is None or not w.interruptible:
            return
        if self._step(w):  # the event that sent the signal also ended the wait
            return
        try:
            self._step(w, Interrupted(sig))
        except Interrupted:
            if restart and w.restartable:
                if w.queue is not None:
                    w.queue.remove(w)
                w.queue = None
                w.gen = w.restart()
                self._step(w)
            else:
                self._finish(w, "error", errno=Errno.EINTR.name)

    def _leave_wait(self, w: Waiter, sig: int) -> None:
        """A stop signal ends the wait at once (Linux's semop leaves its queue with EINTR, which
        the process sees once continued, signal(7)): the call resumes with EINTR at SIGCONT."""
        try:
            self._step(w, Interrupted(sig))
        except Interrupted:
            if w.queue is not None:
                w.queue.remove(w)
            w.queue = None
            w.gen = _ended_by_signal()

    def _signal_line(self, p: Process, sig: int) -> None:
        self.emit(Event("signal", p.pid, p.name, signal=SIGNAL_NAMES[sig]))

    def _fault(self, p: Process, sig: int) -> None:
        """A synchronous fault: forced, so a handler, mask or SIG_IGN cannot keep the process alive."""
        if p.alive:
            self._signal_line(p, sig)
            self.die(p, signal=sig)

    def _notify_parent(self, p: Process) -> None:
        parent = self.procs.get(p.parent) if p.parent is not None else None
        if parent is not None and parent.alive:
            self.send_signal(parent, SIGCHLD)


def _in_waiting_order(wakes: list[Callable[[], None]], parent: int | None) -> list[Callable[[], None]]:
    """The wake-ups of a death, in the order SPEC shows them: the sleepers in the order they
    began to wait, whichever of the dead process's descriptors or objects woke them; a call
    whose mechanism orders its own wake-ups (semop) keeps that order among the places its
    sleepers hold; the parent, which hears of the death, last. Anything else deferred there
    leaves the order as it was."""
    sleepers: list[Waiter] = []
    for fn in wakes:
        target = fn.args[0] if isinstance(fn, partial) and fn.args else None
        if isinstance(target, Waiter):
            sleepers.append(target)
        elif isinstance(target, WaitQueue):
            first = next((w for w in target if not w.proc.stopped), None)
            if first is None:
                return wakes
            sleepers.append(first)
        else:
            return wakes
    place = {id(w): w.seq for w in sleepers}
    by_call: dict[str, list[Waiter]] = {}
    for w in sleepers:
        if w.own_wake_order:
            by_call.setdefault(w.call, []).append(w)
    for own in by_call.values():
        for w, seq in zip(own, sorted(w.seq for w in own), strict=True):
            place[id(w)] = seq
    order = sorted(range(len(wakes)), key=lambda i: (sleepers[i].proc.pid == parent, place[id(sleepers[i])]))
    return [wakes[i] for i in order]
