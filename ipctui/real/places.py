"""Where a real run puts things, and how it takes them all away again.

Sandboxed (the default), the run has namespaces of its own (ipctui.real.sandbox) and every name,
key, path and port is used exactly as the script writes it. Only an unsandboxed run (trusted
scripts, `--unsandboxed`) moves names somewhere private to the run: POSIX names get a prefix, paths
go into a private directory, System V keys are shifted, and sockets live in a network namespace
of their own (or, without root, on shifted ports); its clean-up removes only what the run created.
A guard process, forked at the start and detached from the terminal, holds the other end of a
pipe: when the runner finishes, or dies in any way at all, the pipe closes and the run ends (see
`Guard`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import secrets
import shutil
import signal
import socket
import struct
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote_to_bytes

from . import libc as L
from . import sandbox, wire
from .libc import libc

SHM_DIR = Path("/dev/shm")
_ADDR = re.compile(r"(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})\Z")


@dataclass
class Places:
    """The run's private names. `netns`: sockets are in a namespace of their own; otherwise fixed
    ports are moved up by `port_shift`."""

    token: str = field(default_factory=lambda: secrets.token_hex(4))
    tmpdir: Path = field(default_factory=Path)
    netns: bool = False
    port_shift: int = 0
    mapped: bool = True  # False in the sandbox: names are the script's own

    @property
    def prefix(self) -> str:
        return f"ipctui-{self.token}-"

    @property
    def comm(self) -> bytes:
        """The name every worker gives itself (/proc/PID/comm), so none escapes the sweep."""
        return f"ipw{self.token}".encode()

    def ipc_name(self, name: str) -> bytes:
        """A POSIX IPC name, prefixed after its leading `/` (so glibc's and the kernel's checks
        on the name, a missing `/` or a further one, see what the script wrote)."""
        if not self.mapped:
            return name.encode("utf-8", "surrogateescape")
        if name.startswith("/"):
            return ("/" + self.prefix + name[1:]).encode("utf-8", "surrogateescape")
        if not name:
            return b""
        return (self.prefix + name).encode("utf-8", "surrogateescape")

    def path(self, path: str) -> bytes:
        """A FIFO or socket path, as one file in the private directory."""
        if not path:
            return b""  # no name at all: the kernel says ENOENT
        if not self.mapped:
            return path.encode("utf-8", "surrogateescape")
        raw = path.encode("utf-8", "surrogateescape")  # any bytes: quoted as bytes
        return str(self.tmpdir).encode() + b"/" + quote(raw, safe="").encode()

    def unpath(self, raw: bytes) -> str:
        text = raw.decode("utf-8", "surrogateescape")
        if not self.mapped:
            return text
        base = str(self.tmpdir) + "/"
        if not text.startswith(base):
            return text
        return unquote_to_bytes(text[len(base) :]).decode("utf-8", "surrogateescape")

    def key(self, key: int) -> int:
        key = (key + (1 << 31)) % (1 << 32) - (1 << 31)  # C's key_t: 2**32 is IPC_PRIVATE too
        if key == 0 or not self.mapped:  # IPC_PRIVATE stays private
            return key
        return ((int(self.token, 16) & 0x3FFF) << 17 ^ key) & 0x7FFFFFFF or 1

    def port(self, port: int) -> int:
        return port + self.port_shift if port else 0


def inet(addr: str) -> tuple[str, int] | None:
    """An AF_INET address as the script language reads it (`localhost` is 127.0.0.1)."""
    if addr.startswith("localhost:"):
        addr = "127.0.0.1:" + addr[len("localhost:") :]
    m = _ADDR.match(addr)
    if m is None or int(m.group(2)) > 65535:
        return None
    return m.group(1), int(m.group(2))


# ------------------------------------------------------------------ the guard


class Guard:
    """The process that starts the workers and cleans up after the run, however the run ends.

    Sandboxed (ipctui.real.sandbox), it makes the run's namespaces and forks the run's init, the
    first process of its PID namespace, which starts every worker; when the runner goes, init
    goes, and with it every process and object of the run. Unsandboxed, it is itself the parent of
    every spawned worker and the subreaper of every fork, so no process of the run outlives it,
    and it removes what the run created.
    """

    def __init__(self, places: Places, want_netns: bool, sandboxed: bool = False) -> None:
        self.places = places
        self.sandboxed = sandboxed
        self.init = 0  # the host pid of the run's init, when sandboxed
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        root = os.geteuid() == 0
        pid = os.fork()
        if pid == 0:
            ours.close()
            _guard_main(places, theirs, want_netns, sandboxed, root)
        theirs.close()
        self.pid = pid
        self.sock: socket.socket | None = ours
        msg = ours.recv(256)
        if msg == b"map":  # only the runner, root outside, may map a range of uids
            try:
                sandbox.write_maps(pid)
                ours.send(b"mapped")
            except OSError:
                ours.send(b"no")
            msg = ours.recv(256)
        parts = msg.split()
        if parts[:1] == [b"refused"] and len(parts) == 3:
            self.finish()
            raise sandbox.SandboxRefused(parts[1].decode(), int(parts[2]))
        if parts[:1] != [b"ok"] or len(parts) != 3:
            self.finish()
            raise OSError("the run's guard process did not start")
        places.netns = parts[1] == b"1"
        self.init = int(parts[2])

    def record(self, kind: str, value: str | int) -> None:
        """Tell the guard of an object the run created, to be removed at the end (unsandboxed:
        sandboxed, the namespaces take everything with them)."""
        if self.sock is not None and not self.sandboxed:
            wire.send(self.sock, ["record", f"{kind} {value}"])

    def spawn(self, chan: socket.socket, uid: int | None) -> tuple[int, int]:
        """A new worker, serving `chan`: (its pid inside the run, its pid on the machine)."""
        assert self.sock is not None
        wire.send(self.sock, ["spawn", uid], [chan.fileno()])
        pid = int(self.sock.recv(64) or b"0")
        if not self.sandboxed:
            return pid, pid
        return pid, sandbox.host_pid(pid, [self.init])

    def finish(self) -> None:
        """Let the guard sweep, and wait until it has."""
        if self.sock is None:
            return
        self.sock.close()
        self.sock = None
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def _guard_main(places: Places, sock: socket.socket, want_netns: bool, sandboxed: bool, root: bool) -> None:
    from . import worker  # inside the sandbox, Python's own files are out of reach

    try:
        os.setsid()
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGTSTP):
            signal.signal(sig, signal.SIG_IGN)
        os.closerange(3, sock.fileno())
        os.closerange(sock.fileno() + 1, 1 << 16)
        worker.note_start()
        if sandboxed:
            try:
                sandbox.enter(sock, root)
            except sandbox.Failed as e:
                sock.send(f"refused {e.step} {e.err}".encode())
                return
            init = os.fork()
            if init == 0:  # pid 1 of the run's namespace
                _serve(places, sock, sandboxed=True)
            sock.send(f"ok 1 {init}".encode())
            sock.close()
            os.waitpid(init, 0)
            return
        libc.prctl(L.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
        ok = want_netns and _private_network()
        sock.send(b"ok 1 0" if ok else b"ok 0 0")
        _serve(places, sock, sandboxed=False)
    except ChildProcessError:
        pass
    finally:
        os._exit(0)


def _serve(places: Places, sock: socket.socket, sandboxed: bool) -> None:
    """Start workers as the runner asks, until it goes; then end the run. Never returns."""
    from . import worker  # loaded by the guard already, before the sandbox hid where it lives

    try:
        records: list[str] = []
        while True:
            msg, fds = wire.receive(sock)
            if msg is None:
                break
            if msg[0] == "record":
                records.append(msg[1])
            elif msg[0] == "spawn" and len(fds) == 1:
                pid = os.fork()
                if pid == 0:
                    sock.close()
                    worker.start(fds[0], places.prefix, places.comm, msg[1])
                os.close(fds[0])
                sock.send(str(pid).encode())
        if sandboxed:  # init: every process of the run, then (as init goes) the namespaces
            with contextlib.suppress(OSError):
                os.kill(-1, signal.SIGKILL)
        else:
            sweep(places, records)
        while True:  # every process of the run is a child of this one by now
            os.waitpid(-1, 0)
    except ChildProcessError:
        pass
    finally:
        os._exit(0)


def _private_network() -> bool:
    """A network namespace with only loopback, up (needs CAP_SYS_ADMIN)."""
    if libc.unshare(L.CLONE_NEWNET) != 0:
        return False
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            req = struct.pack("16sH14x", b"lo", 0)
            flags = struct.unpack_from("16sH", fcntl.ioctl(s, 0x8913, req))[1]  # SIOCGIFFLAGS
            fcntl.ioctl(s, 0x8914, struct.pack("16sH14x", b"lo", flags | 1))  # SIOCSIFFLAGS, IFF_UP
        return True
    except OSError:
        return False


def workers(comm: bytes) -> list[int]:
    """Live (not zombie) processes that carry this run's worker name."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        name = stat[stat.index(b"(") + 1 : stat.rindex(b")")]
        if name == comm and stat[stat.rindex(b")") + 2 : stat.rindex(b")") + 3] not in (b"Z", b"X"):
            found.append(int(entry.name))
    return found


def sweep(places: Places, records: list[str]) -> None:
    """Kill every worker, then remove every object the run made. Safe to run twice."""
    deadline = time.monotonic() + 5
    while (pids := workers(places.comm)) and time.monotonic() < deadline:
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.005)
    for line in records:
        kind, _, value = line.partition(" ")
        if kind == "mq":
            libc.mq_unlink(value.encode("utf-8", "surrogateescape"))
        elif kind == "msqid":  # recorded only when the run's own msgget created it
            libc.msgctl(int(value), 0, None)
        elif kind == "semkey":
            semid = libc.semget(int(value), 0, 0)
            if semid >= 0:
                libc.semctl(semid, 0, L.IPC_RMID, 0)
        elif kind == "semid":
            libc.semctl(int(value), 0, L.IPC_RMID, 0)
        elif kind == "shmkey":
            shmid = libc.shmget(int(value), 0, 0)
            if shmid >= 0:
                libc.shmctl(shmid, L.IPC_RMID, None)
        elif kind == "shmid":
            libc.shmctl(int(value), L.IPC_RMID, None)
    if SHM_DIR.is_dir():
        for name in (places.prefix, "sem." + places.prefix):
            for path in SHM_DIR.glob(name + "*"):
                with contextlib.suppress(OSError):
                    path.unlink()
    if places.tmpdir != Path() and places.tmpdir.name.startswith(places.prefix):
        shutil.rmtree(places.tmpdir, ignore_errors=True)


def make_places(sandboxed: bool = False) -> Places:
    if sandboxed:
        return Places(mapped=False)
    places = Places()
    places.tmpdir = Path(tempfile.mkdtemp(prefix=places.prefix, dir="/tmp"))
    places.tmpdir.chmod(0o1777)  # every uid of the script may make FIFOs here; the sticky bit
    return places  # gives unlink the owner rule the simulation follows
