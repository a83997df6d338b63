"""One real process of a real run: it waits for the runner's next call, makes it for real through
libc, and reports the result. The runner has already turned the script's names, pids and ids into
the machine's; this module only calls, through each call's registration (ipctui.real.calls).

It talks to the runner over one SOCK_SEQPACKET socket (ipctui.real.wire: data only, framed by
length) held at a descriptor a script cannot name: every descriptor argument at or above the
open-file limit, or the channel's own, is EBADF here before anything reaches the kernel. A caught
signal writes its number there as a one-byte record from the C-level handler (the interpreter's
wakeup fd), so the runner sees the signal when it happens and in order with the replies, even
when the call it interrupts is restarted.
"""

from __future__ import annotations

import array
import ctypes
import os
import resource
import select
import signal
import socket
import traceback
from typing import Any, TypeVar

from . import libc as L
from . import wire
from .calls import REAL
from .calls.memory import map_anonymous
from .calls.registry import FORKED
from .calls.signals import ALL_SIGNALS
from .libc import CallFailed, libc
from .limits import CHANNEL_FD, FD_LIMIT, FILE_LIMIT, MEMORY_LIMIT, PAGE, CannotCall

T = TypeVar("T")


class Worker:
    """What one real process keeps for the calls the runner sends it: each mechanism's own
    state (`kept`), and the descriptors that came with the current line (fork's channel)."""

    def __init__(self, chan: socket.socket, prefix: str) -> None:
        self.chan = chan
        self.prefix = prefix
        self.received: list[int] = []
        self._kept: dict[type, Any] = {}
        self.nowhere = map_anonymous(PAGE, L.PROT_NONE)  # what an access to nothing touches

    def kept(self, kind: type[T]) -> T:
        """A mechanism's state in this process (made on first use; a fork's child has a copy)."""
        if kind not in self._kept:
            self._kept[kind] = kind()
        return self._kept[kind]

    # ----------------------------------------------------------- the loop

    def serve(self) -> None:
        poller = select.poll()
        poller.register(CHANNEL_FD, select.POLLIN)
        asm = wire.Assembler()
        fds: list[int] = []
        while True:
            poller.poll()
            try:
                data, more = recv_fds(self.chan)
            except BlockingIOError:
                continue
            if not data:
                os._exit(0)  # the runner is gone
            fds += more
            got = asm.feed(data)
            if got is None or got[0] != "message":
                continue
            name, args, kw = got[1]
            received, fds = fds, []
            defer = kw.pop("_defer", None)
            # signals this call raises for its own process wait until its result is out
            old = signal.pthread_sigmask(signal.SIG_BLOCK, defer) if defer else None
            sleeps = resource.getrusage(resource.RUSAGE_SELF).ru_nvcsw
            try:
                result = self.call(name, args, kw, received)
                reply: tuple[Any, ...] = ("ok", result)
            except CallFailed as e:
                reply = ("err", e.errno)
            except CannotCall as e:
                reply = ("cannot", e.reason)
            except MemoryError:
                reply = ("cannot", f"the run's limit of {MEMORY_LIMIT >> 20} MiB memory per process")
            except (ValueError, OverflowError, TypeError, ctypes.ArgumentError) as e:
                reply = ("cannot", f"a value C cannot pass to {name}() ({e})")
            if reply[1] is not FORKED:  # and whether the call slept (it had to wait)
                slept = resource.getrusage(resource.RUSAGE_SELF).ru_nvcsw > sleeps and not _traced()
                self.send((*reply, slept))
            if old is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, old)

    def send(self, reply: Any) -> None:
        wire.send(self.chan, reply)

    def call(self, name: str, args: list[Any], kw: dict[str, Any], fds: list[int]) -> Any:
        """The call's registered implementation (ipctui.real.calls), made here."""
        spec = REAL.get(name)
        self.received = fds
        try:
            if spec is None:
                raise CannotCall(f"{name}() is not a call of the SPEC")
            fd = args[0] if spec.fd_first and args and isinstance(args[0], int) else -1
            if fd >= FD_LIMIT or fd == CHANNEL_FD:
                raise CallFailed(9)  # EBADF: not a descriptor the process opened, as simulated
            return spec.run(self, *args, **kw)
        finally:
            for extra in self.received:  # descriptors only come with fork
                os.close(extra)
            self.received = []


def _traced() -> bool:
    """Under strace every system call stops the process, so a sleep says nothing then."""
    try:
        with open("/proc/self/status", "rb") as f:
            return any(line.startswith(b"TracerPid:") and line.split()[1] != b"0" for line in f)
    except OSError:  # the sandbox has no /proc: as the guard was when it made it (strace -f)
        return TRACED_AT_START


TRACED_AT_START = False  # set by the guard before it enters the sandbox; forks inherit it
INHERITED = 0  # bytes of address space a worker starts with (the runner's image, forked)


def note_start() -> None:
    """Read in the guard while /proc is in sight: whether it is traced, and how big the image
    every worker inherits is (the memory limit is on top of it: a runner inside a big program
    must not leave its workers no room at all)."""
    global TRACED_AT_START, INHERITED
    TRACED_AT_START = _traced()
    try:
        with open("/proc/self/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmSize:"):
                    INHERITED = int(line.split()[1]) * 1024
    except (OSError, ValueError):
        INHERITED = 0


def recv_fds(sock: socket.socket) -> tuple[bytes, list[int]]:
    """One record and the descriptors that came with it."""
    fds = array.array("i")
    data, anc, _flags, _addr = sock.recvmsg(wire.CHUNK + 16, socket.CMSG_SPACE(4 * fds.itemsize))
    for level, kind, payload in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
    return data, list(fds)


def start(chan_fd: int, prefix: str, comm: bytes, uid: int | None) -> None:
    """Become a worker, in a child the guard has just forked; never returns."""
    code = 70
    try:
        os.setpgid(0, 0)  # out of the terminal's group (its ctrl+c is the runner's to handle)
        name = ctypes.create_string_buffer(comm[:15])  # how the sweep finds every worker, forks too
        libc.prctl(15, ctypes.addressof(name), 0, 0, 0)  # PR_SET_NAME (/proc may be read-only)
        _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard != resource.RLIM_INFINITY and hard <= CHANNEL_FD:
            resource.setrlimit(resource.RLIMIT_NOFILE, (CHANNEL_FD + 1, CHANNEL_FD + 1))  # root only
        else:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        os.dup2(chan_fd, CHANNEL_FD)  # then the soft limit comes down under it
        nowhere = os.open("/", os.O_PATH)  # 0-2 are not modelled: using them gives EBADF
        for fd in (0, 1, 2):
            os.dup2(nowhere, fd)
        os.closerange(3, CHANNEL_FD)
        os.closerange(CHANNEL_FD + 1, 1 << 16)
        _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (FD_LIMIT, hard))
        room = MEMORY_LIMIT + INHERITED
        resource.setrlimit(resource.RLIMIT_AS, (room, room))
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        os.umask(0)
        if uid is not None:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
        for sig in ALL_SIGNALS:
            signal.signal(sig, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        chan = socket.socket(fileno=CHANNEL_FD)
        chan.setblocking(False)
        signal.set_wakeup_fd(CHANNEL_FD, warn_on_full_buffer=False)
        worker = Worker(chan, prefix)
        worker.send(("ready",))  # the runner's next line must find this process as it will stay
        worker.serve()
    except BaseException:
        code = 71
        if os.environ.get("IPCTUI_REAL_DEBUG"):  # a worker has no terminal: say why it ended
            with open(os.environ["IPCTUI_REAL_DEBUG"], "a") as f:
                traceback.print_exc(file=f)
    finally:
        os._exit(code)
