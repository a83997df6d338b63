"""Hypothesis strategies that build valid scripts, one family of mechanisms at a time.

Every call in the registry has a strategy of its own (`CALL_LINES`, by call name) that draws one
line of that call for a given process; a family (`FAMILIES`) is the set of calls its scripts mix,
with the names, paths and objects they share. A script is valid when every line names a process
that can make a call: not blocked, not stopped, not dead. Which processes may be blocked, stopped
or dead is tracked as the script is drawn, by running each line on the simulated kernel as it is
chosen; a line that the simulation finds a process cannot make is not kept. Hypothesis shrinks a
script by shrinking its choices, and the shrunk script is built the same way, so it is valid
too. What the real kernel then does with it is the test: where it disagrees (a process that
Linux leaves blocked, say), the diff shows it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from hypothesis import strategies as st

from ..engine import Kernel
from ..script import ScriptError, parse_line
from ..script.runner import ExpectationFailed, Runner

DATA = st.sampled_from(["a", "bc", "hello", "", "x" * 100, "a", "bc", "hello", "", "x" * 100, "y" * 70000])
SIGS = st.sampled_from(["SIGUSR1", "SIGUSR2", "SIGTERM", "SIGSTOP", "SIGCONT", "SIGKILL", "SIGCHLD", "0"])
HANDLERS = st.sampled_from(["SIG_IGN", "SIG_DFL", '"on_sig"'])
MODES = st.sampled_from(["0600", "0666", "0644"])
# System V keys: two plain ones, a private one, and what ftok("/tmp", 1) gives (device 1, inode 2)
KEYS = st.sampled_from(["0x1234", "0x5678", "IPC_PRIVATE", str(1 << 24 | 1 << 16 | 2)])


@dataclass(frozen=True)
class At:
    """Where a line is drawn: the process that makes it and what it may name."""

    p: str
    fds: st.SearchStrategy[int]  # descriptors (mostly open ones)
    handles: st.SearchStrategy[int]  # POSIX semaphore handles it has open
    paths: st.SearchStrategy[str]  # FIFO and socket paths of its family
    segments: st.SearchStrategy[str | int]  # what peek, poke and the lock calls name
    ids: st.SearchStrategy[int] = field(default_factory=lambda: st.integers(0, 2))  # System V ids
    procs: st.SearchStrategy[str] = field(default_factory=lambda: st.sampled_from(["A", "B", "C"]))


CallLine = Callable[[At], st.SearchStrategy[str]]


def _q(text: str) -> str:
    return '"' + text + '"'


def _line(fmt: str, **parts: st.SearchStrategy[object]) -> CallLine:
    """A call line from a format (`{p}` is the process) and a strategy for each other field."""

    def build(at: At) -> st.SearchStrategy[str]:
        drawn = {name: (make(at) if callable(make) else make) for name, make in parts.items()}
        return st.fixed_dictionaries(drawn).map(lambda d: fmt.format(p=at.p, **d))

    return build


def _seg(value: str | int) -> str:
    return _q(value) if isinstance(value, str) else str(value)


def _semops(ops: list[tuple[int, int, str]]) -> str:
    return "[" + ", ".join(f"[{n}, {o}, {f}]" if f else f"[{n}, {o}]" for n, o, f in ops) + "]"


_FDS = lambda at: at.fds  # noqa: E731 - read as a field name in the table below
_IDS = lambda at: at.ids  # noqa: E731
_HANDLES = lambda at: at.handles  # noqa: E731
_PATHS = lambda at: at.paths  # noqa: E731
_SEGS = lambda at: at.segments.map(_seg)  # noqa: E731
_PROCS = lambda at: at.procs  # noqa: E731
_DATA = DATA.map(_q)
_SOCK_ADDR = st.sampled_from(
    [
        "127.0.0.1:9000",
        "127.0.0.1:9001",
        "0.0.0.0:9000",
        "127.0.0.1:0",
        "10.0.0.1:9000",
        "/tmp/fk1",
        "/tmp/fk2",
        # rarer ones: the abstract name "", another loopback address, a privileged port, a
        # directory, a path through a missing directory or with a trailing slash, no address
        "",
        "127.0.0.2:9000",
        "localhost:9001",
        "127.0.0.1:80",
        "0.0.0.0:0",
        "/tmp",
        "/tmp/fk1/",
        "/tmp/nothing/fk",
    ]
)
_SOCK_TYPE = st.sampled_from(
    [
        "SOCK_STREAM",
        "SOCK_DGRAM",
        "SOCK_STREAM|SOCK_NONBLOCK",
        "SOCK_DGRAM|SOCK_NONBLOCK",
        "SOCK_STREAM|SOCK_CLOEXEC",
        "SOCK_DGRAM|SOCK_NONBLOCK|SOCK_CLOEXEC",
    ]
)
_SOCK_SIZE = st.one_of(st.integers(0, 8), st.sampled_from([0, 1, 65536, 70000, 212992]))
_SEMOPS = st.lists(
    st.tuples(
        st.integers(0, 3),
        st.sampled_from([-1, 1, 0, -2, 2]),
        st.sampled_from(["", "IPC_NOWAIT", "SEM_UNDO", "IPC_NOWAIT|SEM_UNDO"]),
    ),
    min_size=1,
    max_size=3,
).map(_semops)
_SEMCTL = st.one_of(
    st.sampled_from(["GETVAL", "GETALL", "GETNCNT", "GETZCNT", "GETPID", "IPC_STAT", "IPC_RMID"]),
    st.integers(0, 3).map(lambda v: f"SETVAL, {v}"),
    st.lists(st.integers(0, 2), min_size=1, max_size=3).map(
        lambda vs: f"SETALL, [{', '.join(map(str, vs))}]"
    ),
)

# Every call of the registry, by name: how a line of it is drawn.
CALL_LINES: dict[str, CallLine] = {
    # processes
    "fork": _line('{p}: fork("C")'),
    "exit": _line("{p}: exit({c})", c=st.integers(0, 3)),
    "getpid": _line("{p}: getpid()"),
    "wait": _line("{p}: wait()"),
    "waitpid": _line("{p}: waitpid({t})", t=_PROCS),
    # descriptors
    "close": _line("{p}: close({fd})", fd=_FDS),
    "dup": _line("{p}: dup({fd})", fd=_FDS),
    "dup2": _line(
        "{p}: dup2({fd}, {n})",
        fd=_FDS,
        n=lambda at: st.one_of(at.fds, st.sampled_from([0, 1, 2, 9, 1023, 1024])),
    ),
    "read": _line("{p}: read({fd}, {n})", fd=_FDS, n=st.integers(0, 8)),
    "write": _line("{p}: write({fd}, {d})", fd=_FDS, d=_DATA),
    "fcntl": lambda at: st.one_of(
        _line("{p}: fcntl({fd}, F_SETFL, {f})", fd=_FDS, f=st.sampled_from(["O_NONBLOCK", "0"]))(at),
        _line("{p}: fcntl({fd}, F_GETPIPE_SZ)", fd=_FDS)(at),
        _line("{p}: fcntl({fd}, F_SETPIPE_SZ, {n})", fd=_FDS, n=st.sampled_from([4096, 8192, 65536, 0]))(at),
    ),
    # pipes and FIFOs
    "pipe": lambda at: st.one_of(
        _line("{p}: pipe()")(at), _line("{p}: pipe(capacity={c})", c=st.sampled_from([4096, 8192, 65536]))(at)
    ),
    "mkfifo": _line('{p}: mkfifo("{f}", mode={m})', f=_PATHS, m=MODES),
    "open": _line(
        '{p}: open("{f}", {fl})',
        f=_PATHS,
        fl=st.sampled_from(
            [
                "O_RDONLY|O_NONBLOCK",
                "O_WRONLY|O_NONBLOCK",
                "O_RDWR",
                "O_RDWR|O_NONBLOCK",
                "O_RDONLY",
                "O_WRONLY",
            ]
        ),
    ),
    "unlink": _line('{p}: unlink("{f}")', f=_PATHS),
    # POSIX message queues
    "mq_open": _line(
        '{p}: mq_open("{n}", {f}, maxmsg={mx}, msgsize={sz}, mode={m})',
        n=st.sampled_from(["/fq1", "/fq2"]),
        f=st.sampled_from(
            [
                "O_CREAT|O_RDWR",
                "O_CREAT|O_RDWR|O_NONBLOCK",
                "O_RDONLY",
                "O_WRONLY|O_NONBLOCK",
                "O_CREAT|O_EXCL|O_RDWR",
            ]
        ),
        mx=st.sampled_from([1, 2, 3, 1, 2, 3, 0, 70000]),  # 0 and 70000: EINVAL, as root too
        sz=st.sampled_from([4, 8, 16, 4, 8, 16, 0]),
        m=MODES,
    ),
    "mq_send": _line("{p}: mq_send({fd}, {d}, {pr})", fd=_FDS, d=_DATA, pr=st.integers(0, 3)),
    "mq_receive": _line("{p}: mq_receive({fd})", fd=_FDS),
    "mq_getattr": _line("{p}: mq_getattr({fd})", fd=_FDS),
    "mq_close": _line("{p}: mq_close({fd})", fd=_FDS),
    "mq_unlink": _line('{p}: mq_unlink("{n}")', n=st.sampled_from(["/fq1", "/fq2"])),
    # POSIX semaphores (only handles the process has open: glibc follows any other as a wild pointer)
    "sem_open": _line(
        '{p}: sem_open("{n}", {f}, value={v}, mode={m})',
        n=st.sampled_from(["/fm1", "/fm2"]),
        f=st.sampled_from(["O_CREAT", "O_CREAT|O_EXCL", "0"]),
        v=st.integers(0, 2),
        m=MODES,
    ),
    "sem_wait": _line("{p}: sem_wait({h})", h=_HANDLES),
    "sem_trywait": _line("{p}: sem_trywait({h})", h=_HANDLES),
    "sem_post": _line("{p}: sem_post({h})", h=_HANDLES),
    "sem_getvalue": _line("{p}: sem_getvalue({h})", h=_HANDLES),
    "sem_close": _line("{p}: sem_close({h})", h=_HANDLES),
    "sem_unlink": _line('{p}: sem_unlink("{n}")', n=st.sampled_from(["/fm1", "/fm2"])),
    # POSIX shared memory, and memory of either kind
    "shm_open": _line(
        '{p}: shm_open("{n}", {f}, mode={m})',
        n=st.sampled_from(["/fs1", "/fs2"]),
        f=st.sampled_from(["O_CREAT|O_RDWR", "O_RDWR", "O_RDONLY", "O_CREAT|O_EXCL|O_RDWR"]),
        m=MODES,
    ),
    "ftruncate": _line("{p}: ftruncate({fd}, {n})", fd=_FDS, n=st.sampled_from([0, 100, 4096, 8192])),
    "mmap": _line("{p}: mmap({fd})", fd=_FDS),
    "munmap": _line('{p}: munmap("{n}")', n=st.sampled_from(["/fs1", "/fs2"])),
    "shm_unlink": _line('{p}: shm_unlink("{n}")', n=st.sampled_from(["/fs1", "/fs2"])),
    "poke": _line("{p}: poke({s}, {o}, {d})", s=_SEGS, o=st.sampled_from([0, 10, 4095, 4096, 8190]), d=_DATA),
    "peek": _line(
        "{p}: peek({s}, {o}, {c})", s=_SEGS, o=st.sampled_from([0, 10, 4095, 4096]), c=st.integers(0, 4)
    ),
    "lock": _line("{p}: lock({s})", s=_SEGS),
    "trylock": _line("{p}: trylock({s})", s=_SEGS),
    "unlock": _line("{p}: unlock({s})", s=_SEGS),
    # signals
    "kill": _line("{p}: kill({t}, {s})", t=_PROCS, s=SIGS),
    "signal": _line(
        "{p}: signal({s}, {h})",
        s=st.sampled_from(["SIGUSR1", "SIGUSR2", "SIGTERM", "SIGCHLD", "SIGPIPE"]),
        h=HANDLERS,
    ),
    "sigprocmask": _line(
        "{p}: sigprocmask({how}, [{sigs}])",
        how=st.sampled_from(["SIG_BLOCK", "SIG_UNBLOCK", "SIG_SETMASK"]),
        sigs=st.lists(st.sampled_from(["SIGUSR1", "SIGUSR2", "SIGTERM"]), max_size=2, unique=True).map(
            ", ".join
        ),
    ),
    "sigpending": _line("{p}: sigpending()"),
    "pause": _line("{p}: pause()"),
    # sockets
    "socket": _line("{p}: socket({d}, {t})", d=st.sampled_from(["AF_INET", "AF_UNIX"]), t=_SOCK_TYPE),
    "socketpair": _line("{p}: socketpair(AF_UNIX, {t})", t=_SOCK_TYPE),
    "bind": _line('{p}: bind({fd}, "{a}")', fd=_FDS, a=_SOCK_ADDR),
    "listen": _line("{p}: listen({fd}, {b})", fd=_FDS, b=st.sampled_from([0, 1, 2, 0, 1, 2, -1, 4097])),
    "connect": _line('{p}: connect({fd}, "{a}")', fd=_FDS, a=_SOCK_ADDR),
    "accept": _line("{p}: accept({fd})", fd=_FDS),
    "send": _line("{p}: send({fd}, {d})", fd=_FDS, d=_DATA),
    "recv": _line("{p}: recv({fd}, {n})", fd=_FDS, n=_SOCK_SIZE),
    "sendto": _line('{p}: sendto({fd}, {d}, "{a}")', fd=_FDS, d=_DATA, a=_SOCK_ADDR),
    "recvfrom": _line("{p}: recvfrom({fd}, {n})", fd=_FDS, n=_SOCK_SIZE),
    "shutdown": _line(
        "{p}: shutdown({fd}, {h})", fd=_FDS, h=st.sampled_from(["SHUT_RD", "SHUT_WR", "SHUT_RDWR"])
    ),
    # System V
    "ftok": _line(
        '{p}: ftok("{f}", {j})',
        f=st.sampled_from(["/tmp", "/", "/tmp/fz1", "/tmp/nothing"]),
        j=st.sampled_from([1, 65, 0, 255]),
    ),
    "msgget": _line(
        "{p}: msgget({key}, {f}, mode={m})",
        key=KEYS,
        f=st.sampled_from(["IPC_CREAT", "IPC_CREAT|IPC_EXCL", "0"]),
        m=st.sampled_from(["0600", "0666", "0644", "0"]),
    ),
    "msgsnd": _line(
        "{p}: msgsnd({i}, {t}, {d}, nowait={nw})", i=_IDS, t=st.integers(0, 3), d=_DATA, nw=st.integers(0, 1)
    ),
    "msgrcv": _line("{p}: msgrcv({i}, {t}, nowait={nw})", i=_IDS, t=st.integers(-3, 3), nw=st.integers(0, 1)),
    "msgctl": _line("{p}: msgctl({i}, IPC_RMID)", i=_IDS),
    "semget": _line(
        "{p}: semget({key}, {n}, {f}, mode={m})",
        key=KEYS,
        n=st.sampled_from([1, 2, 3, 0, 1, 2]),
        f=st.sampled_from(["IPC_CREAT", "IPC_CREAT|IPC_EXCL", "0"]),
        m=st.sampled_from(["0600", "0666", "0644", "0400"]),
    ),
    "semop": _line("{p}: semop({i}, {ops})", i=_IDS, ops=_SEMOPS),
    "semctl": _line("{p}: semctl({i}, {n}, {cmd})", i=_IDS, n=st.integers(0, 3), cmd=_SEMCTL),
    "shmget": _line(
        "{p}: shmget({key}, {n}, {f}, mode={m})",
        key=KEYS,
        n=st.sampled_from([1, 100, 4096, 4097, 8192, 0]),
        f=st.sampled_from(["IPC_CREAT", "IPC_CREAT|IPC_EXCL", "0"]),
        m=st.sampled_from(["0600", "0666", "0644", "0400"]),
    ),
    "shmat": _line("{p}: shmat({i}, readonly={r})", i=_IDS, r=st.sampled_from([0, 0, 1])),
    "shmdt": _line("{p}: shmdt({i})", i=_IDS),
    "shmctl": _line("{p}: shmctl({i}, {c})", i=_IDS, c=st.sampled_from(["IPC_STAT", "IPC_RMID"])),
}


@dataclass(frozen=True)
class Family:
    """The calls a family's scripts mix, what they name, and the objects they may start with."""

    calls: tuple[str, ...]
    paths: tuple[str, ...] = ("/tmp/fz1", "/tmp/fz2")
    segments: tuple[str | int, ...] = ("/fs1", "/fs2")
    forks: bool = True  # its objects are shared through fork (descriptors, handles, mappings)
    # groups of lines a script may start with (each drawn or not), so that the random lines after
    # them meet a listener, a queue or a FIFO more often than chance would make one; `{fd}` is the
    # descriptor the group's first line opens (the lowest free one)
    setups: tuple[tuple[str, ...], ...] = ()


_SOCKET_SETUPS = (
    ("B: socket(AF_INET, SOCK_STREAM)", 'B: bind({fd}, "127.0.0.1:9000")', "B: listen({fd}, 1)"),
    ("A: socket(AF_UNIX, SOCK_STREAM)", 'A: bind({fd}, "/tmp/fk1")', "A: listen({fd}, 1)"),
    ("A: socket(AF_INET, SOCK_DGRAM)", 'A: bind({fd}, "127.0.0.1:9001")'),
    ("B: socket(AF_UNIX, SOCK_DGRAM)", 'B: bind({fd}, "/tmp/fk2")'),
    ("A: socket(AF_INET, SOCK_STREAM|SOCK_NONBLOCK)",),
)
_SYSV = ("ftok", "getpid")

_MIXED_SETUPS = (
    ("A: pipe()",),
    ("A: socketpair(AF_UNIX, SOCK_STREAM)",),
    ("B: socketpair(AF_UNIX, SOCK_DGRAM|SOCK_NONBLOCK)",),
    ('A: mq_open("/fq1", O_CREAT|O_RDWR, maxmsg=2, msgsize=8, mode=0666)',),
    ('B: mkfifo("/tmp/fz1", mode=0666)', 'B: open("/tmp/fz1", O_RDWR)'),
)

FAMILIES: dict[str, Family] = {
    "pipe": Family(("pipe", "write", "read", "fcntl", "dup", "dup2", "close", "getpid")),
    "fifo": Family(
        ("mkfifo", "open", "write", "read", "unlink", "dup", "close", "getpid"),
        setups=(('A: mkfifo("/tmp/fz1", mode=0666)',),),
    ),
    "mqueue": Family(
        ("mq_open", "mq_send", "mq_receive", "mq_getattr", "mq_close", "mq_unlink", "close", "getpid"),
        setups=(('A: mq_open("/fq1", O_CREAT|O_RDWR, maxmsg=2, msgsize=8, mode=0666)',),),
    ),
    "sysv_msg": Family(
        ("msgget", "msgsnd", "msgrcv", "msgctl", *_SYSV),
        forks=False,
        setups=(("A: msgget(0x1234, IPC_CREAT, mode=0666)",),),
    ),
    "shm": Family(
        ("shm_open", "ftruncate", "mmap", "munmap", "poke", "peek", "shm_unlink", "close", "getpid"),
        setups=(
            ('A: shm_open("/fs1", O_CREAT|O_RDWR, mode=0666)', "A: ftruncate({fd}, 4096)", "A: mmap({fd})"),
        ),
    ),
    "shm_lock": Family(
        (
            "shm_open",
            "ftruncate",
            "mmap",
            "lock",
            "trylock",
            "unlock",
            "poke",
            "peek",
            "exit",
            "wait",
            "getpid",
        ),
        setups=(
            ('A: shm_open("/fs1", O_CREAT|O_RDWR, mode=0666)', "A: ftruncate({fd}, 4096)", "A: mmap({fd})"),
        ),
    ),
    "sem": Family(
        (
            "sem_open",
            "sem_wait",
            "sem_trywait",
            "sem_post",
            "sem_getvalue",
            "sem_close",
            "sem_unlink",
            "getpid",
        ),
        setups=(('A: sem_open("/fm1", O_CREAT, value=1, mode=0666)',),),
    ),
    "signals": Family(
        ("kill", "signal", "sigprocmask", "sigpending", "pause", "wait", "waitpid", "exit", "getpid")
    ),
    "socket": Family(
        (
            "socket",
            "socketpair",
            "bind",
            "listen",
            "connect",
            "accept",
            "send",
            "recv",
            "sendto",
            "recvfrom",
            "shutdown",
            "fcntl",
            "dup",
            "close",
            "getpid",
            # descriptors and paths of sockets through the file calls: read and write on a
            # socket, a socket file unlinked, opened or shadowed by a FIFO, SIGPIPE caught
            "read",
            "write",
            "unlink",
            "open",
            "mkfifo",
            "signal",
            "exit",
        ),
        paths=("/tmp/fk1", "/tmp/fk2"),
        setups=_SOCKET_SETUPS,
    ),
    "sysv_sem": Family(
        ("semget", "semop", "semctl", *_SYSV),
        setups=(("A: semget(0x1234, 2, IPC_CREAT, mode=0666)",),),
    ),
    # descriptors of every kind in one table: each call meets the others' objects (read on a
    # socket, send on a pipe, mq_send on a FIFO, dup2 of one over another), with signals
    "mixed": Family(
        (
            "pipe",
            "socketpair",
            "mq_open",
            "open",
            "read",
            "write",
            "send",
            "recv",
            "mq_send",
            "mq_receive",
            "mq_getattr",
            "fcntl",
            "shutdown",
            "dup",
            "dup2",
            "close",
            "kill",
            "signal",
            "exit",
            "wait",
        ),
        setups=_MIXED_SETUPS,
    ),
    "sysv_shm": Family(
        ("shmget", "shmat", "shmdt", "shmctl", "peek", "poke", "lock", "trylock", "unlock", *_SYSV),
        segments=(0, 1, 2),
        setups=(("A: shmget(0x1234, 4096, IPC_CREAT, mode=0666)", "A: shmat(0)"),),
    ),
}


@st.composite
def scripts(draw: st.DrawFn, family: str, max_lines: int = 20) -> str:
    """A valid script of `family`'s calls: each line is one its process can make when it comes."""
    fam = FAMILIES[family]
    kernel = Kernel()
    runner = Runner(kernel)
    lines: list[str] = []
    procs: list[str] = []

    def keep(text: str) -> bool:
        st_ = parse_line(text, len(lines) + 1)
        assert st_ is not None
        try:
            runner.step(st_)
        except ScriptError:
            return False  # a process that is blocked, stopped or dead; or a call it cannot make
        except ExpectationFailed:  # pragma: no cover - generated lines carry no expectations
            return False
        lines.append(text)
        return True

    uids = draw(st.sampled_from([(None, None), (None, 1001), (1001, 1002), (0, 1001)]))
    for name, uid in zip(("A", "B"), uids, strict=True):
        keep(f"spawn {name}" + (f" uid={uid}" if uid is not None else ""))
        procs.append(name)
    for group in fam.setups:
        if draw(st.booleans()):
            fd = lowest_free(kernel, group[0].split(":", 1)[0])
            for text in group:
                keep(text.format(fd=fd))
    for _ in range(draw(st.integers(1, max_lines))):
        ready = [p for p in procs if can_call(kernel, p)]
        if not ready:
            break
        p = draw(st.sampled_from(ready))
        if fam.forks and "C" not in procs and draw(st.integers(0, 9)) == 0:
            if keep(f'{p}: fork("C")'):
                procs.append("C")
            continue
        keep(draw(family_line(family, at(kernel, p, fam))))
    return "\n".join(lines) + "\n"


def family_line(family: str, where: At) -> st.SearchStrategy[str]:
    """One line of any of the family's calls."""
    return st.one_of(*(CALL_LINES[call](where) for call in FAMILIES[family].calls))


def at(kernel: Kernel, p: str, fam: Family) -> At:
    """What process `p` may name now, in a script of family `fam`."""
    return At(
        p,
        descriptors(kernel, p),
        handles(kernel, p),
        st.sampled_from(fam.paths),
        st.sampled_from(fam.segments),
    )


def lowest_free(kernel: Kernel, name: str) -> int:
    owner = kernel.process(name)
    taken = {fd for fd, _ in owner.fds.items()} if owner is not None else set()
    return min(set(range(3, 64)) - taken)


def descriptors(kernel: Kernel, name: str) -> st.SearchStrategy[int]:
    """Mostly a descriptor the process has open (so that lines do something), now and then one
    it has not (so that EBADF and the like are tried too)."""
    p = kernel.process(name)
    open_fds = [fd for fd, _ in p.fds.items()] if p is not None else []
    return st.sampled_from(open_fds * 4 + [3, 4, 5, 6, 7]) if open_fds else st.integers(3, 7)


def handles(kernel: Kernel, name: str) -> st.SearchStrategy[int]:
    """Only semaphore handles the process has open: any other is not a handle a C program can
    pass (the real run cannot make the call, so a script using one compares nothing)."""
    p = kernel.process(name)
    open_handles = sorted(p.ext.get("sems", {})) if p is not None else []
    return st.sampled_from(open_handles) if open_handles else st.nothing()


def can_call(kernel: Kernel, name: str) -> bool:
    p = kernel.process(name)
    return p is not None and p.alive and not p.stopped and p.waiter is None
