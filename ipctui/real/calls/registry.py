"""The registry of the real side of the calls: one `RealCall` per call, registered with `@real`
in the module of the call's mechanism (ipctui/real/calls/<mechanism>.py, named as in
ipctui.vocab.mechanisms).

A registration holds
- `run`: what the worker does, for real, through libc (called in the worker's process as
  `run(worker, *args, **kw)` with the machine's arguments);
- `before`: in the runner, before the line is sent: the script's names, pids, ids and ports
  turned into the machine's, and the checks of what this machine cannot run (CannotRun);
- `after`: in the runner, the machine's answer in the script's numbering, and the books kept
  (new descriptors, ids, children); also called when a call that slept wakes up;
- `wakes`: in the runner, the order in which the sleepers this line woke are shown, when the
  kernel decides it and the order replies arrive in cannot say it (semop);
- `succeeded_silently`: in the runner, whether the call succeeded although no reply came (its
  process stopped or died on the way out of it: kill, sigprocmask);
- flags: `fd_first` (the first argument is a descriptor: the worker refuses numbers past its
  limit, and its channel's), `reaps` (the call waits for children: a child's death that ends it
  is not a wake-up that comes before the SIGCHLD, and its answer carries the child's status).

The supervisor and the ordering read these; neither names a call.
"""

from __future__ import annotations

import errno as errno_mod
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ...vocab.errors import Errno
from ..limits import NO_SYS_RESOURCE, SANDBOX_NO_SYS_RESOURCE
from ..places import Guard, Places
from ..supervisor import Proc, Supervisor

Hook = Callable[["Line"], None]
After = Callable[["Line", Any], Any]
Wakes = Callable[["Line", list["Line"]], list["Line"]]
Silent = Callable[["Line", list[Any]], bool]


FIXED_INODES = {"/": 1, "/tmp": 2}  # the simulation's two directories


def canonical_path(path: str) -> str:
    """The path as Linux walks it, from `/` (the real run's working directory too): `//tmp`,
    `tmp`, `/tmp/./f` and `/tmp/../tmp/f` name `/tmp` and `/tmp/f`, as in the simulation."""
    here: list[str] = []
    for name in path.split("/"):
        if name == "..":
            here = here[:-1]
        elif name not in ("", "."):
            here.append(name)
    return "/" + "/".join(here)


@dataclass
class Books:
    """What translating calls keeps from line to line: the machine's numbers and the script's."""

    places: Places
    guard: Guard
    sandboxed: bool
    root: bool
    sys_resource: bool  # CAP_SYS_RESOURCE: what uid 0 may do past the limits (never sandboxed)
    msqids: dict[int, int] = field(default_factory=dict)  # real msqid -> simulated
    sysv: dict[str, dict[int, int]] = field(default_factory=lambda: {"sem": {}, "shm": {}})
    nsems: dict[int, int] = field(default_factory=dict)  # real semid -> its size
    queues: set[bytes] = field(default_factory=set)  # POSIX queues (real names) that exist
    mq_makers: set[int] = field(default_factory=set)  # uids whose mq_open with O_CREAT succeeded
    inodes: dict[str, int] = field(default_factory=dict)  # script path -> the simulation's inode
    next_inode: int = 3  # the simulation's file system: / is 1, /tmp 2, others number on from 3
    ports: dict[tuple[int, int], int] = field(default_factory=dict)  # (type, real) -> simulated
    fixed: dict[int, int] = field(default_factory=dict)  # real port -> the script's
    next_port: dict[int, int] = field(default_factory=lambda: {1: 32768, 2: 32768})
    used_sockets: bool = False  # whether to say where the sockets ran

    @property
    def no_sys_resource(self) -> str:
        """Why uid 0 cannot pass a limit that CAP_SYS_RESOURCE lifts (when sys_resource is off)."""
        return SANDBOX_NO_SYS_RESOURCE if self.sandboxed else NO_SYS_RESOURCE

    def made(self, path: str) -> None:
        """A file the script made: the simulation gives it the next inode number."""
        path = canonical_path(path)
        if path not in self.inodes:
            self.inodes[path] = self.next_inode
            self.next_inode += 1

    def unmade(self, path: str) -> None:
        """A file the script removed: a file made again at that path gets a new number."""
        self.inodes.pop(canonical_path(path), None)

    def inode(self, path: str) -> int | None:
        """The simulation's inode number of a path (however written), if it is `/`, `/tmp` or
        a file the script made."""
        path = canonical_path(path)
        return FIXED_INODES.get(path) or self.inodes.get(path)

    def real_id(self, kind: str, sim: int) -> int:
        """A System V id as the machine knows it (-1: one the run never got)."""
        table = self.msqids if kind == "msg" else self.sysv[kind]
        return next((real for real, s in table.items() if s == sim), -1)


@dataclass(eq=False)
class Line:
    """One call on its way through the real kernel: the script's arguments and the machine's,
    kept while the call sleeps so its result is translated when it wakes."""

    name: str
    proc: Proc
    args: list[Any]  # as the script wrote them, left-out ones filled
    kw: dict[str, Any]
    sup: Supervisor
    books: Books
    tag: Any = None
    rargs: list[Any] = field(default_factory=list)  # as the machine takes them
    rkw: dict[str, Any] = field(default_factory=dict)
    fds: list[int] = field(default_factory=list)  # descriptors sent with the line
    child: socket.socket | None = None  # fork: the runner's end of the child's channel
    seq: int = 0  # when it began to sleep, if it did
    target: int | None = None  # the process it acts on, shown first among the others
    sent: tuple[int, int] | None = None  # a kill's (real pid, signal): says what ended a process
    shows_cont: bool = False  # a kill(SIGCONT): the continued process's line comes from it


@dataclass
class RealCall:
    """The real side of one call (see the module's docstring)."""

    name: str
    run: Callable[..., Any]
    module: str
    fd_first: bool = False
    reaps: bool = False
    prepare: Hook | None = None
    finish: After | None = None
    order: Wakes | None = None
    silent: Silent | None = None

    def before(self, fn: Hook) -> Hook:
        self.prepare = fn
        return fn

    def after(self, fn: After) -> After:
        self.finish = fn
        return fn

    def wakes(self, fn: Wakes) -> Wakes:
        self.order = fn
        return fn

    def succeeded_silently(self, fn: Silent) -> Silent:
        self.silent = fn
        return fn

    def translate(self, line: Line) -> None:
        line.rargs, line.rkw = list(line.args), dict(line.kw)
        if self.prepare is not None:
            self.prepare(line)

    def result(self, line: Line, value: Any) -> Any:
        return self.finish(line, value) if self.finish is not None else value


REAL: dict[str, RealCall] = {}
FORKED: Any = object()  # what fork's `run` returns in the child, which then answers nothing


def real(
    name: str,
    *,
    fd_first: bool = False,
    reaps: bool = False,
    before: Hook | None = None,
    after: After | None = None,
) -> Callable[[Callable[..., Any]], RealCall]:
    """Register the worker's implementation of `name`; shared hooks can be given here, a call's
    own with `@<call>.before` / `@<call>.after` / `@<call>.wakes` on the returned object."""

    def register(fn: Callable[..., Any]) -> RealCall:
        if name in REAL:
            raise ValueError(f"{name}() is registered twice ({REAL[name].module}, {fn.__module__})")
        REAL[name] = RealCall(name, fn, fn.__module__, fd_first, reaps, before, after)
        return REAL[name]

    return register


def ipc_name(line: Line) -> None:
    """A POSIX IPC name as its first argument (mq_*, shm_*, sem_*): prefixed, unsandboxed."""
    line.rargs[0] = line.books.places.ipc_name(line.args[0])


def errno_name(n: int) -> str:
    try:
        return Errno(n).name
    except ValueError:
        return errno_mod.errorcode.get(n, f"E{n}")


__all__ = [
    "FIXED_INODES",
    "FORKED",
    "REAL",
    "Books",
    "Line",
    "RealCall",
    "canonical_path",
    "errno_name",
    "ipc_name",
    "real",
]
