"""The real kernel behind the simulated one's interface: `spawn()` and `call()` return trace
events, so the script runner, its checks and its trace formats work unchanged.

Each process of the script is a real process (ipctui.real.worker). A line is sent to its worker,
which makes the call for real; the runner then waits until every worker is asleep again and
nothing more arrives, and turns what it saw into events in the SPEC's order: the line, then what
happened to each other process, sleepers in the order they began to wait. What it sees is real:
replies, caught signals (reported by the C-level handler), deaths and their status (waitpid, or
/proc/PID/stat while the dead process is a zombie), stops and continues (/proc/PID/stat).
Pids, System V ids, ftok's keys and kernel-chosen ports are renumbered as the simulation numbers
them (ftok from the inode numbers the simulation gives the files the script made, in order).
"""

from __future__ import annotations

import ctypes
import errno as errno_mod
import os
import select
import signal
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..vocab.calls import CallSignature, with_defaults
from ..vocab.constants import (
    F_SETPIPE_SZ,
    HARD_MAXMSG,
    HARD_MSGSIZE,
    NAME_MAX,
    O_CREAT,
    SETALL,
    SETVAL,
    SIGCHLD,
    SIGCONT,
    SIGKILL,
    SIGNAL_NAMES,
    SIGNALS,
    SIGPIPE,
    STOP_SIGNALS,
)
from ..vocab.errors import Errno, UsageError, check_runnable
from ..vocab.events import Event
from . import sandbox, wire, worker
from .places import Guard, Places, inet, make_places

BLOCK_TIMEOUT = 0.3
SETTLE_LIMIT = 3.0  # a line whose effects have not settled by then is reported as it stands
MAX_SEEN = 1000  # a line that makes more happen than this (a signal storm) is cut short
NOWHERE_PID = 0x3FFFFFFF  # above any pid_max: kill gives ESRCH, waitpid ECHILD
PAGE = worker.PAGE
MAX_PROCESSES = 64  # per run: a fork or spawn past it is a line that cannot run here
_NEW_FD_CALLS = {"open", "socket", "accept", "mq_open", "shm_open", "dup", "dup2"}
_FIXED_INODES = {"/": 1, "/tmp": 2}  # the simulation's file system: others number on from 3
_SYSV_ID_CALLS = {
    "semop": "sem",
    "semctl": "sem",
    "shmat": "shm",
    "shmdt": "shm",
    "shmctl": "shm",
}


class RunBroken(Exception):
    """The run cannot go on (a worker sent what no worker sends): it ends with this message."""


class CannotRun(Exception):
    """A line this machine cannot run for real (root needed, a size it cannot scale, ...)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


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
    blocked: tuple[str, Any, int] | None = None  # call, tag, the order it began to wait
    call_args: tuple[list[Any], dict[str, Any]] = ([], {})  # the blocked call's arguments
    exit_code: int | None = None  # what it was told to exit with
    scales: dict[int, int] = field(default_factory=dict)  # pipe fd -> script bytes per real byte
    segments: dict[int, str] = field(default_factory=dict)  # shm fd -> segment name
    redirected: set[int] = field(default_factory=set)  # 0-2 that now hold a script's open file
    handlers: dict[int, str] = field(default_factory=dict)
    wire: wire.Assembler = field(default_factory=wire.Assembler)


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
        self.block_timeout = block_timeout
        self.sandboxed = sandboxed
        self.places = places or make_places(sandboxed)
        self.root = os.geteuid() == 0
        self.sys_resource = _capable(24)  # CAP_SYS_RESOURCE: what uid 0 may do past the limits
        self.guard = Guard(self.places, want_netns=self.root, sandboxed=sandboxed)
        if not self.places.netns:
            self.places.port_shift = 10000 + int(self.places.token, 16) % 10000
        self.procs: dict[int, Proc] = {}
        self._names: dict[str, Proc] = {}
        self._by_real: dict[int, int] = {}
        self.next_pid = 1
        self._ids: dict[int, int] = {}  # real msqid -> simulated
        self._sysv: dict[str, dict[int, int]] = {"sem": {}, "shm": {}}  # real semid/shmid -> simulated
        self._nsems: dict[int, int] = {}  # real semid -> its size, for GETALL and SETALL
        self._queues: set[bytes] = set()  # queues (real names) that exist: mq_open ignores their sizes
        self._inodes: dict[str, int] = {}  # script path -> the simulation's inode number, for ftok
        self._next_inode = 3
        self._ports: dict[tuple[int, int], int] = {}  # (type, real) -> simulated ephemeral
        self._fixed: dict[int, int] = {}  # real port -> the script's
        self._next_port = {1: 32768, 2: 32768}
        self._seq = 0
        self._obs: list[tuple[Proc, str, Any]] = []
        self._cannot: dict[str, str] = {}
        self._sent: tuple[int, int] | None = None  # the current line's kill: (real pid, signal)
        self.used_sockets = False  # whether to say where the sockets ran
        self.skipped = 0

    # ------------------------------------------------------------ lifetime

    def __enter__(self) -> RealKernel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for p in self.procs.values():
            if p.sock is not None:
                p.sock.close()
                p.sock = None
        self.guard.finish()

    @property
    def note(self) -> str:
        if self.sandboxed:
            return "sockets ran in the run's own network namespace (loopback only)"
        if self.places.netns:
            return "sockets ran in a private network namespace (loopback only)"
        return f"sockets ran on this machine's loopback, fixed ports moved up by {self.places.port_shift}"

    # ------------------------------------------------------------ the API

    def cannot_run(self, ref: int | str) -> bool:
        """Whether the process named is one this machine could not start."""
        return isinstance(ref, str) and ref in self._cannot

    def process(self, ref: int | str) -> Proc | None:
        p = self.procs.get(ref) if isinstance(ref, int) else self._names.get(ref)
        return p if p is not None and not p.dead else None

    def spawn(self, name: str, uid: int = 1000, tag: Any = None) -> list[Event]:
        if name in self._names and not self._names[name].dead:
            raise UsageError(f"a process named {name} already exists")
        if uid < 0:
            raise UsageError(f"uid must be 0 or more, not {uid}")
        self._cannot.pop(name, None)
        if self._live() >= MAX_PROCESSES:
            self._cannot[name] = LIMIT_PROCESSES
            raise CannotRun(LIMIT_PROCESSES)
        p = Proc(self.next_pid, name, uid)
        self.next_pid += 1
        if not self.root and uid != 1000:
            self._cannot[name] = f"spawn {name} uid={uid} needs root (setuid)"
            raise CannotRun(self._cannot[name])
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
            raise CannotRun(f"the process for {name} did not start")
        ours.setblocking(False)
        p.real, p.host, p.sock = pid, host, ours
        self._register(p)
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
        if isinstance(ref, str) and ref in self._cannot:
            raise CannotRun(self._cannot[ref])
        p = self._runnable(ref)
        if name == "fork" and self._live() >= MAX_PROCESSES:
            raise CannotRun(LIMIT_PROCESSES)
        kwargs = dict(kwargs or {})
        args = with_defaults(self.calls[name], args)
        self._obs = []
        stopped = {q.pid for q in self.procs.values() if q.stopped}
        rargs, rkw, fds, child = self._translate(p, name, list(args), kwargs)
        self._sent = (rargs[0], rargs[1]) if name == "kill" else None  # who it may end, and how
        assert p.sock is not None
        try:  # fork: the child's channel goes with the line
            wire.send(p.sock, [name, rargs, rkw], fds)
        except OSError:
            pass  # it has gone: its death is what the line shows
        finally:
            for fd in fds:
                os.close(fd)
        if name == "exit":
            p.exit_code = args[0] & 0xFF
        self._await(p)
        self._settle()
        reply = next((v for q, kind, v in self._obs if q is p and kind == "reply"), None)
        if reply is not None and reply[0] == "cannot":
            if child is not None:
                child.close()
            raise CannotRun(reply[1])
        try:
            return self._events(p, name, list(args), kwargs, tag, child, stopped)
        except (
            TypeError,
            ValueError,
            KeyError,
            IndexError,
            AttributeError,
        ) as e:  # an answer no worker gives
            raise RunBroken(f"process {p.name} answered {name}() with what no worker sends ({e})") from None

    # ------------------------------------------------------------ state

    def _register(self, p: Proc) -> None:
        self.procs[p.pid] = p
        self._names[p.name] = p
        self._by_real[p.real] = p.pid

    def _live(self) -> int:
        """The run's processes, zombies included (they hold a slot until reaped)."""
        return sum(1 for q in self.procs.values() if not q.dead)

    def _runnable(self, ref: int | str) -> Proc:
        p = self.process(ref)
        if p is None:
            check_runnable(ref, None, False, False, None)
        assert p is not None
        check_runnable(ref, p.name, p.zombie, p.stopped, p.blocked[0] if p.blocked else None)
        return p

    def _forget(self, p: Proc) -> None:
        p.dead, p.zombie = True, False
        if self._names.get(p.name) is p:
            del self._names[p.name]

    def _real_pid(self, pid: int) -> int:
        p = self.procs.get(pid)
        return p.real if p is not None and not p.dead else NOWHERE_PID

    # ------------------------------------------------------------ arguments

    def _translate(
        self, p: Proc, name: str, args: list[Any], kw: dict[str, Any]
    ) -> tuple[list[Any], dict[str, Any], list[int], socket.socket | None]:
        """The call's arguments as the machine knows them (names, pids, ids, ports)."""
        places, fds, child = self.places, [], None
        a = list(args)
        if name in ("close", "mq_close", "fcntl", "dup") and a[0] in (0, 1, 2) and a[0] not in p.redirected:
            raise CannotRun("descriptors 0-2 are the terminal, which the simulation does not model")
        for param, value in zip(self.calls[name].params, a, strict=False):
            if param.kind == "fd" and isinstance(value, int) and not -(1 << 31) <= value < 1 << 31:
                raise CannotRun(f"descriptor {value} does not fit C's int (C would pass another number)")
        sig = a[1] if name == "kill" else a[0] if name == "signal" else None
        if isinstance(sig, int) and 32 <= sig <= 64:  # the simulation's signals are 1-31: EINVAL there
            raise CannotRun(f"signal {sig} is a real-time signal, which the simulation does not model")
        if name == "fcntl" and a[1] == F_SETPIPE_SZ:
            self._pipe_size(p, a[2], p.scales.get(a[0], 1))
        if (
            name == "mq_open"
            and a[1] & O_CREAT
            and p.uid == 0
            and not self.sys_resource
            and places.ipc_name(a[0]) not in self._queues  # an existing queue is opened, its sizes unread
        ):
            maxmsg, msgsize = kw.get("maxmsg", 10), kw.get("msgsize", 8192)
            # only what CAP_SYS_RESOURCE would let through: a bad name or size is Linux's EINVAL
            # or ENAMETOOLONG with or without it, so those lines run
            valid = (
                0 < maxmsg <= HARD_MAXMSG
                and 0 < msgsize <= HARD_MSGSIZE
                and len(str(a[0]).lstrip("/").encode()) <= NAME_MAX
            )
            big = maxmsg > _limit("mqueue/msg_max") or msgsize > _limit("mqueue/msgsize_max")
            if valid and big:
                raise CannotRun(NO_SYS_RESOURCE + " to pass the queue limits")
        if name == "fork":
            child, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            child.setblocking(False)
            fds = [os.dup(theirs.fileno())]
            theirs.close()
            a = []
        elif name in ("kill", "waitpid"):
            target = a[0]
            a[0] = self._real_pid(target) if target > 0 else NOWHERE_PID
            if name == "kill" and a[0] == p.real:
                kw["_defer"] = sorted(worker.ALL_SIGNALS)  # its own signal follows its line
        elif name == "pipe":
            page_size = kw.pop("page_size", PAGE)
            if page_size > PAGE or page_size < 1 or page_size & (page_size - 1):
                raise CannotRun(f"a pipe of {page_size}-byte pages (this machine's page is {PAGE} bytes)")
            kw["scale"] = PAGE // page_size
            capacity = kw.get("capacity", 65536)
            if capacity * kw["scale"] >= 1 << 32:
                raise CannotRun(f"a capacity of {capacity} does not fit fcntl's int")
            self._pipe_size(p, capacity, kw["scale"])
        elif name in ("read", "write", "fcntl") and p.scales.get(a[0], 1) != 1:
            kw["scale"] = p.scales[a[0]]
        elif name in ("mkfifo", "open", "unlink"):
            a[0] = places.path(a[0])
        elif name in ("mq_open", "mq_unlink", "shm_open", "shm_unlink", "sem_open", "sem_unlink"):
            a[0] = places.ipc_name(a[0])
            if name == "mq_open":
                self.guard.record("mq", a[0].decode("utf-8", "surrogateescape"))
        elif name == "msgget":
            a[0] = places.key(a[0])
            if not self.sandboxed:
                kw["report_created"] = 1  # the clean-up removes only what the run created
        elif name in ("semget", "shmget"):
            a[0] = places.key(a[0])
            if a[0]:
                self.guard.record(name[:3] + "key", a[0])
        elif name in _SYSV_ID_CALLS:
            if name == "semctl" and a[2] == SETVAL and not isinstance(a[3], int):
                raise UsageError("semctl(SETVAL) takes the value as its fourth argument")
            if name == "semctl" and a[2] == SETALL and not isinstance(a[3], list):
                raise UsageError("semctl(SETALL) takes the list of values as its fourth argument")
            real = {v: k for k, v in self._sysv[_SYSV_ID_CALLS[name]].items()}
            a[0] = real.get(a[0], -1)
            if name == "semctl" and a[0] in self._nsems:
                kw["nsems"] = self._nsems[a[0]]
        elif name == "ftok":
            a[0] = a[0].encode() if (a[0].rstrip("/") or "/") in _FIXED_INODES else places.path(a[0])
        elif name == "dup2" and a[0] in (0, 1, 2) and a[0] not in p.redirected:
            raise CannotRun("descriptors 0-2 are the terminal, which the simulation does not model")
        elif name in ("msgsnd", "msgrcv", "msgctl"):
            real = {v: k for k, v in self._ids.items()}
            a[0] = real.get(a[0], -1)
        elif name == "mmap":
            kw["name"] = p.segments.get(a[0], "")
        elif name in ("poke", "peek", "lock", "trylock", "unlock") and isinstance(a[0], int):
            a[0] = {v: k for k, v in self._sysv["shm"].items()}.get(a[0], -1)  # a System V shmid
        elif name in ("munmap", "poke", "peek", "lock", "trylock", "unlock"):
            a[0] = a[0] if a[0].startswith("/") else "/" + a[0]
        if name in ("socket", "socketpair"):
            self.used_sockets = True
        if name in ("bind", "connect", "sendto"):
            i = 2 if name == "sendto" else 1
            a[i] = self._address(a[i])
        if name in ("write", "send", "sendto"):
            kw["_defer"] = [SIGPIPE]  # SIGPIPE follows the line that raised it
        if name == "ftruncate":
            kw["_defer"] = [SIGNALS["SIGXFSZ"]]  # as SIGPIPE: strace shows -1 EFBIG, then the signal
        return a, kw, fds, child

    def _pipe_size(self, p: Proc, n: int, scale: int) -> None:
        """Sizes a scaled pipe cannot have, and sizes only CAP_SYS_RESOURCE may set."""
        limit = _limit("pipe-max-size")
        if scale > 1 and n * scale > limit:
            raise CannotRun(
                f"{n} bytes of {scale} real bytes each pass this machine's pipe-max-size ({limit})"
            )
        if p.uid == 0 and not self.sys_resource and limit < n * scale <= 1 << 31:
            raise CannotRun(NO_SYS_RESOURCE + " to pass pipe-max-size")

    def _address(self, text: str) -> dict[str, Any]:
        addr: dict[str, Any] = {
            "unix": self.places.path(text),
            "raw": text.encode("utf-8", "surrogateescape"),
        }
        parsed = inet(text)
        if parsed is not None:
            host, port = parsed
            real = next((r for (_t, r), sim in self._ports.items() if sim == port), None)
            if real is None:
                real = self.places.port(port)
                if real > 65535:
                    raise CannotRun(f"port {port} cannot be moved up by {self.places.port_shift}")
                self._fixed[real] = port
            addr["inet"] = (host, real)
        return addr

    # ------------------------------------------------------------ watching

    def _await(self, p: Proc) -> None:
        """Until p answers, dies, or the block timeout passes."""
        deadline = time.monotonic() + self.block_timeout
        while p.sock is not None and not any(q is p and kind == "reply" for q, kind, _ in self._obs):
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self._pump(min(left, 0.05))

    def _settle(self) -> None:
        """Until every worker is asleep (in a call or waiting for the next) and nothing arrives."""
        deadline = time.monotonic() + SETTLE_LIMIT
        calm = 0
        while time.monotonic() < deadline and calm < 2 and len(self._obs) < MAX_SEEN:
            if self._pump(0.002):
                calm = 0
                continue
            calm = calm + 1 if self._all_asleep() else 0

    def _all_asleep(self) -> bool:
        asleep = True
        for p in list(self.procs.values()):
            if p.sock is None:
                continue
            state, code = _stat(p.host)
            if state == "S":
                if p.stopped:
                    self._obs.append((p, "continued", None))
                    p.stopped = False
            elif state == "T":
                if not p.stopped:
                    self._obs.append((p, "stopped", code & 0x7F or signal.SIGSTOP))
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
                self._obs.append((p, *got))
        return bool(ready)

    def _died(self, p: Proc) -> None:
        assert p.sock is not None
        p.sock.close()
        p.sock = None
        status: int | None = None  # read while it is a zombie (its parent may reap it soon)
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            state, code = _stat(p.host)
            if state == "Z":
                status = code
                break
            if state == "":
                break
            time.sleep(0.0005)
        self._obs.append((p, "death", status))

    # ------------------------------------------------------------ events

    def _events(
        self,
        p: Proc,
        name: str,
        args: list[Any],
        kw: dict[str, Any],
        tag: Any,
        child: socket.socket | None,
        stopped: set[int],
    ) -> list[Event]:
        """What was seen, in the SPEC's order: the line and what its process saw; then each other
        process (the target of a kill first, then sleepers in the order they began to wait,
        parents after the children whose change they hear of); a caller that slept in its call
        while others moved shows as blocked, resuming after them."""
        groups: dict[int, list[tuple[Proc, str, Any]]] = {}
        for o in self._obs:
            groups.setdefault(o[0].pid, []).append(o)
        mine = groups.pop(p.pid, [])
        reply = next((o for o in mine if o[1] == "reply"), None)
        changed = {q.pid for q, kind, _ in self._obs if kind in ("death", "stopped", "continued")}

        def hears_of_child(pid: int) -> bool:
            return any(self.procs[c].parent == pid for c in changed)

        head: list[Event] = []
        tail: list[Event] = []
        slept = reply is not None and bool(groups) and reply[2][2]
        if reply is None and p.stopped and name == "kill" and args[0] == p.pid and args[1] in STOP_SIGNALS:
            # It stopped on the way out of its own kill: the kill had succeeded (its reply, sent
            # when it continues, is not a line of its own).
            head.append(Event("call", p.pid, p.name, name, "ok", 0, tag=tag))
        elif reply is None and p.sock is None and name == "sigprocmask" and _killed(mine):
            # It died of a signal that this call unblocked, on its way out: the call had succeeded.
            head.append(Event("call", p.pid, p.name, name, "ok", 0, tag=tag))
        elif reply is not None:
            done = self._finished(p, "call", name, args, kw, tag, reply[2], child)
            if slept:
                head.append(Event("call", p.pid, p.name, name, "blocked", tag=tag))
                done.kind = "resumed"
                tail.append(done)
            else:
                head.append(done)
        elif p.sock is None:
            head.append(Event("call", p.pid, p.name, name, "fault", tag=tag))
        else:
            self._seq += 1
            p.blocked = (name, tag, self._seq)
            p.call_args = (args, kw)
            head.append(Event("call", p.pid, p.name, name, "blocked", tag=tag))
        if child is not None and (reply is None or reply[2][0] != "ok"):
            child.close()
        for o in _in_order(mine, p):
            if o is reply:
                continue
            late = slept or (o[1] == "signal" and o[2] == SIGCHLD and hears_of_child(p.pid))
            (tail if late else head).extend(self._observed(o))

        target = args[0] if name == "kill" else None
        arrival = {pid: i for i, pid in enumerate(groups)}

        def order(pid: int) -> tuple[int, int, int, int, int]:
            q = self.procs[pid]
            return (
                1 if hears_of_child(pid) else 0,
                0 if pid == target else 1,
                0 if _waits_for_zeros(q) else 1,  # semop's rule: those waiting for 0 first
                q.blocked[2] if q.blocked else 1 << 30,
                arrival[pid],
            )

        middle: list[Event] = []
        if name == "kill" and reply is not None and reply[2][:2] == ("ok", 0) and args[1] == SIGCONT:
            cont = self._continued(target, target in stopped)
            if target == p.pid:
                head[1:1] = cont
            else:
                middle.extend(cont)
        for pid in sorted(groups, key=order):
            for o in _in_order(groups[pid], self.procs[pid]):
                middle.extend(self._observed(o))
        return head + middle + tail

    def _continued(self, target: int, was_stopped: bool) -> list[Event]:
        """SIGCONT with its default action leaves no trace in the process itself: its line is
        shown when kill succeeded on a process that was stopped (or lives) and does not block it
        (a stopped process continues even then, but the signal stays pending)."""
        q = self.procs.get(target)
        if q is None or q.handlers.get(SIGCONT, "SIG_DFL") != "SIG_DFL":
            return []
        if q.sock is None and not was_stopped:
            return []
        if q.sock is not None and SIGCONT in _blocked(q.host):
            return []
        return [Event("signal", q.pid, q.name, signal="SIGCONT")]

    def _observed(self, o: tuple[Proc, str, Any]) -> list[Event]:
        q, kind, value = o
        if kind == "signal":
            return [Event("signal", q.pid, q.name, signal=SIGNAL_NAMES.get(value, f"SIG{value}"))]
        if kind == "stopped":
            return [Event("stopped", q.pid, q.name, signal=SIGNAL_NAMES.get(value, f"SIG{value}"))]
        if kind == "continued":  # its line comes from the kill that continued it
            return []
        if kind == "reply":
            if q.blocked is None:
                return []
            call, tag, _ = q.blocked
            q.blocked = None
            args, kw = q.call_args
            return [self._finished(q, "resumed", call, args, kw, tag, value, None)]
        return self._death(q, value)

    def _death(self, q: Proc, status: int | None) -> list[Event]:
        if status is None:
            status = self._reaped_status(q)
        sent = self._sent
        if status is None and q.exit_code is None and sent is not None and sent[0] == q.real and sent[1]:
            status = sent[1]  # reaped at once (its parent ignores SIGCHLD): the kill says what ended it
        q.blocked = None
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
        parent = self.procs.get(q.parent) if q.parent is not None else None
        if parent is not None and not parent.dead and not parent.zombie and not q.spawned:
            if parent.handlers.get(SIGCHLD) == "SIG_IGN":
                self._forget(q)
            else:
                q.zombie = True
        else:
            self._forget(q)
        for c in self.procs.values():
            if c.parent == q.pid:
                c.parent = None
                if c.zombie:
                    self._forget(c)
        return events

    def _reaped_status(self, q: Proc) -> int | None:
        """The status of a process its parent has already reaped: from the parent's wait."""
        for _o, kind, value in self._obs:
            result = value[1] if kind == "reply" and value[0] == "ok" else None
            if isinstance(result, list) and len(result) == 2 and result[0] == q.real:
                return int(result[1])
        return None

    def _finished(
        self,
        p: Proc,
        kind: str,
        name: str,
        args: list[Any],
        kw: dict[str, Any],
        tag: Any,
        reply: tuple[str, Any],
        child: socket.socket | None,
    ) -> Event:
        status, value = reply[0], reply[1]
        if status == "err":
            return Event(kind, p.pid, p.name, name, "error", errno=_errno_name(value), tag=tag)  # type: ignore[arg-type]
        return Event(kind, p.pid, p.name, name, "ok", self._result(p, name, args, kw, value, child), tag=tag)  # type: ignore[arg-type]

    def _result(
        self, p: Proc, name: str, args: list[Any], kw: dict[str, Any], value: Any, child: socket.socket | None
    ) -> Any:
        """The machine's answer in the simulation's numbering, and the runner's books kept."""
        if name in _NEW_FD_CALLS:
            same = name in ("dup", "dup2")  # the new number names the same open file
            scale = p.scales.get(args[0]) if same else None
            segment = p.segments.get(args[0]) if same else None
            p.scales.pop(value, None)
            p.segments.pop(value, None)
            if value in (0, 1, 2):
                p.redirected.add(value)
            if scale is not None:
                p.scales[value] = scale
            if segment is not None:
                p.segments[value] = segment
            if name == "shm_open":
                n = args[0]
                p.segments[value] = n if n.startswith("/") else "/" + n
        if name == "fork":
            assert child is not None
            host = sandbox.host_pid(value, [p.host, self.guard.init]) if self.sandboxed else value
            c = Proc(
                self.next_pid, args[0], p.uid, real=value, host=host, sock=child, parent=p.pid, spawned=False
            )
            self.next_pid += 1
            c.scales, c.segments, c.handlers = dict(p.scales), dict(p.segments), dict(p.handlers)
            c.redirected = set(p.redirected)
            self._register(c)
            return c.pid
        if name in ("wait", "waitpid"):
            real, status = value
            pid = self._by_real.get(real, 0)
            c = self.procs.get(pid)
            if c is not None:
                self._forget(c)
            if os.WIFSIGNALED(status):
                return [pid, SIGNAL_NAMES.get(os.WTERMSIG(status), str(os.WTERMSIG(status)))]
            return [pid, os.WEXITSTATUS(status)]
        if name == "getpid":
            return self._by_real.get(value, value)
        if name in ("mq_open", "mq_unlink"):
            queue = self.places.ipc_name(args[0])
            (self._queues.add if name == "mq_open" else self._queues.discard)(queue)
        if name == "msgget":
            if isinstance(value, list):
                value, created = value
                if created:
                    self.guard.record("msqid", value)
            return self._ids.setdefault(value, len(self._ids))
        if name in ("semget", "shmget"):
            kind = name[:3]
            if value not in self._sysv[kind]:  # a new id: this run made it, so the sweep removes it
                self.guard.record(kind + "id", value)
                self._sysv[kind][value] = len(self._sysv[kind])
                if kind == "sem":
                    self._nsems[value] = ctypes.c_int(args[1]).value  # C's int, as semget took it
            return self._sysv[kind][value]
        if name == "ftok":
            path = args[0].rstrip("/") or "/"
            inode = _FIXED_INODES.get(path) or self._inodes.get(args[0])
            if inode is None:
                raise CannotRun(f"{args[0]} exists on this machine but the script did not make it")
            return _ftok_key(inode, args[1])
        if name == "mkfifo" or (name == "bind" and inet(args[1]) is None):
            self._made(args[0] if name == "mkfifo" else args[1])
        if name == "unlink":
            self._inodes.pop(args[0], None)
        if name == "sigpending":
            return [SIGNAL_NAMES.get(s, str(s)) for s in value]
        if name == "signal":
            h = args[1]
            p.handlers[args[0]] = h if h in ("SIG_DFL", "SIG_IGN") else "handler"
        if name == "pipe":
            for fd in value:
                p.scales[fd] = kw.get("scale", PAGE // kw.get("page_size", PAGE))
                p.segments.pop(fd, None)
        if name in ("close", "mq_close"):
            p.redirected.discard(args[0])
            p.scales.pop(args[0], None)
            p.segments.pop(args[0], None)
        if name == "socketpair":
            for fd in value:
                p.scales.pop(fd, None)
                p.segments.pop(fd, None)
        if name == "recvfrom":
            data, (family, host, port), socktype = value
            if family == socket.AF_INET:
                return [data, f"{host}:{self._sim_port(socktype, port)}"]
            return [data, self.places.unpath(host) if host else ""]
        return value

    def _made(self, path: str) -> None:
        """A file the script made: the simulation gives it the next inode number."""
        if path not in self._inodes:
            self._inodes[path] = self._next_inode
            self._next_inode += 1

    def _sim_port(self, socktype: int, port: int) -> int:
        if port in self._fixed:
            return self._fixed[port]
        key = (socktype, port)
        if key not in self._ports:
            self._ports[key] = self._next_port.get(socktype, 32768)
            self._next_port[socktype] = self._ports[key] + 1
        return self._ports[key]


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


def _killed(obs: list[tuple[Proc, str, Any]]) -> bool:
    status = next((v for _q, kind, v in obs if kind == "death"), None)
    return status is not None and os.WIFSIGNALED(status)


def _in_order(obs: list[tuple[Proc, str, Any]], q: Proc) -> list[tuple[Proc, str, Any]]:
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
        if a[1] == "signal" and a[2] == SIGCHLD and b[1] == "reply" and q.blocked is not None:
            woken_by_death = q.blocked[0] not in ("wait", "waitpid") and b[2][:2] != ("err", 4)
            if woken_by_death:
                out[k], out[k + 1] = b, a
    return out


LIMIT_PROCESSES = f"the run's limit of {MAX_PROCESSES} processes"
NO_SYS_RESOURCE = "this machine's root lacks CAP_SYS_RESOURCE, which uid 0 needs"


def _capable(cap: int) -> bool:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("CapEff:"):
                return bool(int(line.split()[1], 16) >> cap & 1)
    return False


def _limit(name: str) -> int:
    try:
        return int(Path("/proc/sys/fs", name).read_text())
    except (OSError, ValueError):
        return 1 << 62


def _waits_for_zeros(q: Proc) -> bool:
    """A semop blocked with only `op = 0` operations (Linux retries these before the others)."""
    ops = q.call_args[0][1] if q.blocked and q.blocked[0] == "semop" else None
    return bool(ops) and all(op[1] == 0 for op in ops)


def _ftok_key(inode: int, proj: int) -> int:
    """C's ftok on the simulation's one device (1), as a signed key_t."""
    key = (proj & 0xFF) << 24 | 1 << 16 | (inode & 0xFFFF)
    return key - (1 << 32) if key >= 1 << 31 else key


def _errno_name(n: int) -> str:
    try:
        return Errno(n).name
    except ValueError:
        return errno_mod.errorcode.get(n, f"E{n}")


def _stat(pid: int) -> tuple[str, int]:
    """(state, exit_code) from /proc/PID/stat; ("", 0) once the process is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read()
    except OSError:
        return "", 0
    rest = raw[raw.rindex(b")") + 2 :].split()
    return rest[0].decode(), int(rest[-1]) if len(rest) >= 50 else 0


def _blocked(pid: int) -> set[int]:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("SigBlk:"):
                    mask = int(line.split()[1], 16)
                    return {s for s in range(1, 32) if mask >> (s - 1) & 1}
    except OSError:
        pass
    return set()


__all__ = ["BLOCK_TIMEOUT", "CannotRun", "RealKernel", "RunBroken"]
