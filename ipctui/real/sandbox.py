"""The real run's sandbox: fresh Linux namespaces made with unshare(2), as container runtimes do.

The guard process (ipctui.real.places.Guard), forked from the runner, makes them in this order:
a user namespace (so nothing more needs root, and `uid=N` is uid N inside only; root inside is
nobody outside), a mount namespace (a root of the run's own, a fresh tmpfs with `/tmp`,
`/dev/shm` and a fresh mqueue file system on `/dev/mqueue`; none of the machine's files in
sight), an IPC namespace (System V objects and POSIX queues of the run's own), a network
namespace with only loopback, up, and a PID namespace whose first process, the run's init,
starts every worker. When init goes, the kernel kills every process of the run, and the
namespaces and everything in them go with it: so names, keys, paths and ports are used exactly
as the script writes them.

Where a namespace cannot be made, the run is refused with `SandboxRefused`, which says what is
missing and how to allow it. `IPCTUI_SANDBOX_FAIL=user|mount|ipc|net|pid|all` makes the named
step fail, so every refusal can be tested on a machine that allows them all.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import socket
import struct
from pathlib import Path

from .libc import libc

CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWUSER = 0x00020000, 0x08000000, 0x10000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE = 2, 4, 16384, 1 << 18
UID_BASE = 1 << 30  # uid 0 inside is this uid outside: no one's on the machine
UID_COUNT = (1 << 32) - 1 - UID_BASE  # every uid up to where uid_t ends (-1 is no uid) outside
OWNER_BASE = 1 << 29  # the user namespace's owner outside: this plus the guard's pid
TMPFS_SIZE = "64m"  # the run's whole tree: the file size limit is 64 MiB as well
ROOT_MOUNT = "/tmp"  # where the run's root is mounted before the run moves into it
STEPS = ("user", "mount", "ipc", "net", "pid")
FAIL_ENV = "IPCTUI_SANDBOX_FAIL"

_HOW = {
    "user": (
        "a user namespace",
        "allow unprivileged user namespaces (sysctl user.max_user_namespaces=15000, and on Debian "
        "or Ubuntu kernel.unprivileged_userns_clone=1 and kernel.apparmor_restrict_unprivileged_userns=0);"
        " in a container, run it with a seccomp profile that allows unshare and clone "
        "(docker run --security-opt seccomp=unconfined)",
    ),
    "mount": (
        "a mount namespace",
        "in a container, allow mount in user namespaces (--security-opt apparmor=unconfined)",
    ),
    "ipc": ("an IPC namespace", "allow CLONE_NEWIPC (--security-opt seccomp=unconfined in a container)"),
    "net": ("a network namespace", "allow CLONE_NEWNET (--security-opt seccomp=unconfined in a container)"),
    "pid": ("a PID namespace", "allow CLONE_NEWPID (--security-opt seccomp=unconfined in a container)"),
}


class SandboxRefused(Exception):
    """The machine would not make a namespace the sandbox needs: the run does not start."""

    def __init__(self, step: str, err: int) -> None:
        what, how = _HOW.get(step, (step, ""))
        self.step = step
        self.message = (
            f"the real run needs {what}, and this machine refused it ({os.strerror(err)}); "
            f"to allow it: {how}; or, for a script you trust, run it with --unsandboxed"
        )
        super().__init__(self.message)


class Failed(Exception):
    def __init__(self, step: str, err: int) -> None:
        super().__init__(step, err)
        self.step, self.err = step, err


def _forced(step: str) -> bool:
    wanted = os.environ.get(FAIL_ENV, "")
    return wanted in (step, "all")


def _unshare(step: str, flags: int) -> None:
    if _forced(step):
        raise Failed(step, errno.EPERM)
    if libc.unshare(flags) != 0:
        raise Failed(step, ctypes.get_errno())


def enter(sock: socket.socket, root: bool) -> None:
    """In the guard: make every namespace but the PID one (which only its children enter).
    With root the runner writes the uid map (only it may map a range); without, the guard maps
    uid 1000 inside to its own. Raises Failed naming the step that could not be made.

    As root, the namespace is made by a uid of the run's own (OWNER_BASE + pid), not by root:
    Linux charges every POSIX queue made inside to the namespace's owner as well, against the
    owner's RLIMIT_MSGQUEUE, so an owner shared with the machine's root would count root's
    queues (and every other run's) against this run's."""
    if root:
        owner = OWNER_BASE + os.getpid()
        os.setresgid(owner, owner, owner)
        os.setresuid(owner, owner, owner)
    _unshare("user", CLONE_NEWUSER)
    if root:
        sock.send(b"map")
        if sock.recv(16) != b"mapped":
            raise Failed("user", errno.EPERM)
        os.setresgid(0, 0, 0)
        os.setresuid(0, 0, 0)
        os.setgroups([])
    else:
        uid, gid = os.geteuid(), os.getegid()
        try:
            Path("/proc/self/setgroups").write_text("deny")
            Path("/proc/self/uid_map").write_text(f"1000 {uid} 1")
            Path("/proc/self/gid_map").write_text(f"1000 {gid} 1")
        except OSError as e:
            raise Failed("user", e.errno or errno.EPERM) from None
    _unshare("mount", CLONE_NEWNS)
    _unshare("ipc", CLONE_NEWIPC)
    _mounts()
    _unshare("net", CLONE_NEWNET)
    _loopback()
    _unshare("pid", CLONE_NEWPID)


def write_maps(pid: int) -> None:
    """In the runner (root outside): the guard's uid and gid maps, every uid inside up to
    UID_COUNT - 1 (a script's larger uids cannot run here)."""
    for name in ("uid_map", "gid_map"):
        Path(f"/proc/{pid}/{name}").write_text(f"0 {UID_BASE} {UID_COUNT}")


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None) -> int:
    return libc.mount(
        source.encode(),
        target.encode(),
        fstype.encode() if fstype else None,
        flags,
        data.encode() if data else None,
    )


def _mounts() -> None:
    """A root of the run's own: a fresh tmpfs (mode 1777, as /tmp, so any uid of the script may
    make a FIFO or a socket file anywhere, and the sticky bit gives unlink the owner rule), with
    /tmp and /dev/shm in it and a fresh mqueue file system on /dev/mqueue. Nothing of the
    machine's tree is left in sight: the run's processes have loaded all they need already."""
    if _mount("none", "/", None, MS_REC | MS_PRIVATE, None) != 0:
        raise Failed("mount", ctypes.get_errno())
    root = ROOT_MOUNT
    if _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, f"mode=1777,size={TMPFS_SIZE}") != 0:
        raise Failed("mount", ctypes.get_errno())
    for sub, mode in (("tmp", 0o1777), ("dev", 0o755), ("dev/shm", 0o1777), ("dev/mqueue", 0o1777)):
        os.mkdir(f"{root}/{sub}")
        os.chmod(f"{root}/{sub}", mode)
    if _mount("mqueue", f"{root}/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV, None) != 0:
        raise Failed("mount", ctypes.get_errno())
    try:
        os.chroot(root)
        os.chdir("/")
    except OSError as e:
        raise Failed("mount", e.errno or errno.EPERM) from None


def _loopback() -> None:
    """Loopback up: the network namespace's only interface."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            req = struct.pack("16sH14x", b"lo", 0)
            flags = struct.unpack_from("16sH", fcntl.ioctl(s, 0x8913, req))[1]  # SIOCGIFFLAGS
            fcntl.ioctl(s, 0x8914, struct.pack("16sH14x", b"lo", flags | 1))  # SIOCSIFFLAGS, IFF_UP
    except OSError as e:
        raise Failed("net", e.errno or errno.EPERM) from None


def host_pid(inner: int, parents: list[int]) -> int:
    """The pid the machine knows a process of the run by, from the pid it has inside (its
    NSpid), looked for among the children of `parents` (host pids), then everywhere; 0 if gone."""
    for parent in parents:
        with contextlib.suppress(OSError, ValueError):
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
            for c in children:
                if _inner_pid(int(c)) == inner:
                    return int(c)
    for entry in os.scandir("/proc"):
        if (
            entry.name.isdigit()
            and _inner_pid(int(entry.name)) == inner
            and _in_run(int(entry.name), parents)
        ):
            return int(entry.name)
    return 0


def _inner_pid(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"NSpid:"):
                    return int(line.split()[-1])
    except (OSError, ValueError):
        pass
    return -1


def _in_run(pid: int, parents: list[int]) -> bool:
    """Whether a process is in the same PID namespace as the run's init (parents[0])."""
    try:
        return os.readlink(f"/proc/{pid}/ns/pid") == os.readlink(f"/proc/{parents[0]}/ns/pid")
    except (OSError, IndexError):
        return False
