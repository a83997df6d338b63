"""Hypothesis strategies that build valid scripts, one family of mechanisms at a time.

A script is valid when every line names a process that can make a call: not blocked, not
stopped, not dead. Which processes may be blocked, stopped or dead is tracked as the script is
drawn, by running each line on the simulated kernel as it is chosen; a line that the simulation
finds a process cannot make is not kept. Hypothesis shrinks a script by shrinking its choices,
and the shrunk script is built the same way, so it is valid too. What the real kernel then does
with it is the test: where it disagrees (a process that Linux leaves blocked, say), the diff
shows it.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st

from ..engine import Kernel
from ..script import ScriptError, parse_line
from ..script.runner import ExpectationFailed, Runner

Line = Callable[[str, "st.SearchStrategy[int]"], st.SearchStrategy[str]]  # process, its descriptors -> a line

DATA = st.sampled_from(["a", "bc", "hello", "", "x" * 100, "a", "bc", "hello", "", "x" * 100, "y" * 70000])
SIGS = st.sampled_from(["SIGUSR1", "SIGUSR2", "SIGTERM", "SIGSTOP", "SIGCONT", "SIGKILL", "SIGCHLD", "0"])
HANDLERS = st.sampled_from(["SIG_IGN", "SIG_DFL", '"on_sig"'])


def _q(text: str) -> str:
    return '"' + text + '"'


def _one_of(*choices: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(*choices)


def _common(p: str, fds: st.SearchStrategy[int]) -> list[st.SearchStrategy[str]]:
    return [
        st.builds(lambda fd: f"{p}: close({fd})", fds),
        st.just(f"{p}: getpid()"),
    ]


def pipe_line(p: str, fds: st.SearchStrategy[int]) -> st.SearchStrategy[str]:
    return _one_of(
        st.just(f"{p}: pipe()"),
        st.builds(lambda c: f"{p}: pipe(capacity={c})", st.sampled_from([4096, 8192, 65536])),
        st.builds(lambda fd, d: f"{p}: write({fd}, {_q(d)})", fds, DATA),
        st.builds(lambda fd, n: f"{p}: read({fd}, {n})", fds, st.integers(0, 8)),
        st.builds(lambda fd, f: f"{p}: fcntl({fd}, F_SETFL, {f})", fds, st.sampled_from(["O_NONBLOCK", "0"])),
        st.builds(lambda fd: f"{p}: fcntl({fd}, F_GETPIPE_SZ)", fds),
        *_common(p, fds),
    )


def fifo_line(p: str, fds: st.SearchStrategy[int]) -> st.SearchStrategy[str]:
    flags = st.sampled_from(
        ["O_RDONLY|O_NONBLOCK", "O_WRONLY|O_NONBLOCK", "O_RDWR", "O_RDWR|O_NONBLOCK", "O_RDONLY", "O_WRONLY"]
    )
    path = st.sampled_from(["/tmp/fz1", "/tmp/fz2"])
    return _one_of(
        st.builds(
            lambda f, m: f'{p}: mkfifo("{f}", mode={m})', path, st.sampled_from(["0600", "0666", "0644"])
        ),
        st.builds(lambda f, fl: f'{p}: open("{f}", {fl})', path, flags),
        st.builds(lambda fd, d: f"{p}: write({fd}, {_q(d)})", fds, DATA),
        st.builds(lambda fd, n: f"{p}: read({fd}, {n})", fds, st.integers(0, 8)),
        st.builds(lambda f: f'{p}: unlink("{f}")', path),
        *_common(p, fds),
    )


def mqueue_line(p: str, fds: st.SearchStrategy[int]) -> st.SearchStrategy[str]:
    name = st.sampled_from(["/fq1", "/fq2"])
    flags = st.sampled_from(
        [
            "O_CREAT|O_RDWR",
            "O_CREAT|O_RDWR|O_NONBLOCK",
            "O_RDONLY",
            "O_WRONLY|O_NONBLOCK",
            "O_CREAT|O_EXCL|O_RDWR",
        ]
    )
    return _one_of(
        st.builds(
            lambda n, f, mx, sz, m: f'{p}: mq_open("{n}", {f}, maxmsg={mx}, msgsize={sz}, mode={m})',
            name,
            flags,
            st.sampled_from([1, 2, 3, 1, 2, 3, 0, 70000]),  # 0 and 70000: EINVAL, as root too
            st.sampled_from([4, 8, 16, 4, 8, 16, 0]),
            st.sampled_from(["0600", "0666", "0644"]),
        ),
        st.builds(lambda fd, d, pr: f"{p}: mq_send({fd}, {_q(d)}, {pr})", fds, DATA, st.integers(0, 3)),
        st.builds(lambda fd: f"{p}: mq_receive({fd})", fds),
        st.builds(lambda fd: f"{p}: mq_getattr({fd})", fds),
        st.builds(lambda fd: f"{p}: mq_close({fd})", fds),
        st.builds(lambda n: f'{p}: mq_unlink("{n}")', name),
        *_common(p, fds),
    )


def sysv_msg_line(p: str, fds: st.SearchStrategy[int]) -> st.SearchStrategy[str]:
    ids = st.integers(0, 2)
    return _one_of(
        st.builds(
            lambda key, f, m: f"{p}: msgget({key}, {f}, mode={m})",
            st.sampled_from(["0x1234", "0x5678", "IPC_PRIVATE"]),
            st.sampled_from(["IPC_CREAT", "IPC_CREAT|IPC_EXCL", "0"]),
            st.sampled_from(["0600", "0666", "0644", "0"]),
        ),
        st.builds(
            lambda i, t, d, nw: f"{p}: msgsnd({i}, {t}, {_q(d)}, nowait={nw})",
            ids,
            st.integers(0, 3),
            DATA,
            st.integers(0, 1),
        ),
        st.builds(
            lambda i, t, nw: f"{p}: msgrcv({i}, {t}, nowait={nw})", ids, st.integers(-3, 3), st.integers(0, 1)
        ),
        st.builds(lambda i: f"{p}: msgctl({i}, IPC_RMID)", ids),
        st.just(f"{p}: getpid()"),
    )


def shm_line(p: str, fds: st.SearchStrategy[int]) -> st.SearchStrategy[str]:
    name = st.sampled_from(["/fs1", "/fs2"])
    return _one_of(
        st.builds(
            lambda n, f, m: f'{p}: shm_open("{n}", {f}, mode={m})',
            name,
            st.sampled_from(["O_CREAT|O_RDWR", "O_RDWR", "O_RDONLY", "O_CREAT|O_EXCL|O_RDWR"]),
            st.sampled_from(["0600", "0666", "0644"]),
        ),
        st.builds(lambda fd, n: f"{p}: ftruncate({fd}, {n})", fds, st.sampled_from([0, 100, 4096, 8192])),
        st.builds(lambda fd: f"{p}: mmap({fd})", fds),
        st.builds(lambda n: f'{p}: munmap("{n}")', name),
        st.builds(
            lambda n, o, d: f'{p}: poke("{n}", {o}, {_q(d)})',
            name,
            st.sampled_from([0, 10, 4095, 4096, 8190]),
            DATA,
        ),
        st.builds(
            lambda n, o, c: f'{p}: peek("{n}", {o}, {c})',
            name,
            st.sampled_from([0, 10, 4095, 4096]),
            st.integers(0, 4),
        ),
        st.builds(lambda n: f'{p}: shm_unlink("{n}")', name),
        *_common(p, fds),
    )


def sem_line(p: str, fds: st.SearchStrategy[int]) -> st.SearchStrategy[str]:
    name = st.sampled_from(["/fm1", "/fm2"])
    handles = fds  # the handles it has open: glibc follows any other as a wild pointer
    return _one_of(
        st.builds(
            lambda n, f, v, m: f'{p}: sem_open("{n}", {f}, value={v}, mode={m})',
            name,
            st.sampled_from(["O_CREAT", "O_CREAT|O_EXCL", "0"]),
            st.integers(0, 2),
            st.sampled_from(["0600", "0666", "0644"]),
        ),
        st.builds(lambda h: f"{p}: sem_wait({h})", handles),
        st.builds(lambda h: f"{p}: sem_trywait({h})", handles),
        st.builds(lambda h: f"{p}: sem_post({h})", handles),
        st.builds(lambda h: f"{p}: sem_getvalue({h})", handles),
        st.builds(lambda h: f"{p}: sem_close({h})", handles),
        st.builds(lambda n: f'{p}: sem_unlink("{n}")', name),
        st.just(f"{p}: getpid()"),
    )


def signals_line(p: str, fds: st.SearchStrategy[int]) -> st.SearchStrategy[str]:
    target = st.sampled_from(["A", "B", "C"])
    masked = st.lists(st.sampled_from(["SIGUSR1", "SIGUSR2", "SIGTERM"]), max_size=2, unique=True)
    return _one_of(
        st.builds(lambda t, s: f"{p}: kill({t}, {s})", target, SIGS),
        st.builds(
            lambda s, h: f"{p}: signal({s}, {h})",
            st.sampled_from(["SIGUSR1", "SIGUSR2", "SIGTERM", "SIGCHLD"]),
            HANDLERS,
        ),
        st.builds(
            lambda how, sigs: f"{p}: sigprocmask({how}, [{', '.join(sigs)}])",
            st.sampled_from(["SIG_BLOCK", "SIG_UNBLOCK", "SIG_SETMASK"]),
            masked,
        ),
        st.just(f"{p}: sigpending()"),
        st.just(f"{p}: pause()"),
        st.just(f"{p}: wait()"),
        st.builds(lambda c: f"{p}: exit({c})", st.integers(0, 3)),
        st.just(f"{p}: getpid()"),
    )


def socket_line(p: str, fds: st.SearchStrategy[int]) -> st.SearchStrategy[str]:
    inet = st.sampled_from(
        ["127.0.0.1:9000", "127.0.0.1:9001", "0.0.0.0:9000", "127.0.0.1:0", "10.0.0.1:9000"]
    )
    unix = st.sampled_from(["/tmp/fk1", "/tmp/fk2"])
    addr = inet | unix
    kind = st.sampled_from(
        ["SOCK_STREAM", "SOCK_DGRAM", "SOCK_STREAM|SOCK_NONBLOCK", "SOCK_DGRAM|SOCK_NONBLOCK"]
    )
    return _one_of(
        st.builds(lambda d, t: f"{p}: socket({d}, {t})", st.sampled_from(["AF_INET", "AF_UNIX"]), kind),
        st.builds(lambda t: f"{p}: socketpair(AF_UNIX, {t})", kind),
        st.builds(lambda fd, a: f'{p}: bind({fd}, "{a}")', fds, addr),
        st.builds(lambda fd, b: f"{p}: listen({fd}, {b})", fds, st.integers(0, 2)),
        st.builds(lambda fd, a: f'{p}: connect({fd}, "{a}")', fds, addr),
        st.builds(lambda fd: f"{p}: accept({fd})", fds),
        st.builds(lambda fd, d: f"{p}: send({fd}, {_q(d)})", fds, DATA),
        st.builds(lambda fd, n: f"{p}: recv({fd}, {n})", fds, st.integers(0, 8)),
        st.builds(lambda fd, d, a: f'{p}: sendto({fd}, {_q(d)}, "{a}")', fds, DATA, addr),
        st.builds(lambda fd, n: f"{p}: recvfrom({fd}, {n})", fds, st.integers(0, 8)),
        st.builds(
            lambda fd, h: f"{p}: shutdown({fd}, {h})",
            fds,
            st.sampled_from(["SHUT_RD", "SHUT_WR", "SHUT_RDWR"]),
        ),
        st.builds(lambda fd, f: f"{p}: fcntl({fd}, F_SETFL, {f})", fds, st.sampled_from(["O_NONBLOCK", "0"])),
        *_common(p, fds),
    )


# Objects a family's scripts may start with (each group drawn or not), so that the random lines
# after them meet a listener, a queue or a FIFO more often than chance would make one. `{fd}` is
# the descriptor the group's first line opens (the lowest free one).
SETUPS: dict[str, list[list[str]]] = {
    "socket": [
        ["B: socket(AF_INET, SOCK_STREAM)", 'B: bind({fd}, "127.0.0.1:9000")', "B: listen({fd}, 1)"],
        ["A: socket(AF_UNIX, SOCK_STREAM)", 'A: bind({fd}, "/tmp/fk1")', "A: listen({fd}, 1)"],
        ["A: socket(AF_INET, SOCK_DGRAM)", 'A: bind({fd}, "127.0.0.1:9001")'],
        ["B: socket(AF_UNIX, SOCK_DGRAM)", 'B: bind({fd}, "/tmp/fk2")'],
        ["A: socket(AF_INET, SOCK_STREAM|SOCK_NONBLOCK)"],
    ],
    "fifo": [['A: mkfifo("/tmp/fz1", mode=0666)']],
    "mqueue": [['A: mq_open("/fq1", O_CREAT|O_RDWR, maxmsg=2, msgsize=8, mode=0666)']],
    "shm": [['A: shm_open("/fs1", O_CREAT|O_RDWR, mode=0666)', "A: ftruncate({fd}, 4096)", "A: mmap({fd})"]],
    "sem": [['A: sem_open("/fm1", O_CREAT, value=1, mode=0666)']],
    "sysv_msg": [["A: msgget(0x1234, IPC_CREAT, mode=0666)"]],
}

FAMILIES: dict[str, Line] = {
    "pipe": pipe_line,
    "fifo": fifo_line,
    "mqueue": mqueue_line,
    "sysv_msg": sysv_msg_line,
    "shm": shm_line,
    "sem": sem_line,
    "signals": signals_line,
    "socket": socket_line,
}
# Families whose objects a process shares with another only through fork (descriptors, handles,
# mappings): a script forks a child now and then, so that two processes use the same object.
_FORKS = {"pipe", "socket", "signals", "shm", "sem", "mqueue", "fifo"}


@st.composite
def scripts(draw: st.DrawFn, family: str, max_lines: int = 20) -> str:
    """A valid script of `family`'s calls: each line is one its process can make when it comes."""
    line_of = FAMILIES[family]
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
    for group in SETUPS.get(family, []):
        if draw(st.booleans()):
            owner = kernel.process(group[0].split(":", 1)[0])
            taken = {fd for fd, _ in owner.fds.items()} if owner is not None else set()
            fd = min(set(range(3, 64)) - taken)
            for text in group:
                keep(text.format(fd=fd))
    for _ in range(draw(st.integers(1, max_lines))):
        ready = [p for p in procs if _can_call(kernel, p)]
        if not ready:
            break
        p = draw(st.sampled_from(ready))
        if family in _FORKS and "C" not in procs and draw(st.integers(0, 9)) == 0:
            if keep(f'{p}: fork("C")'):
                procs.append("C")
            continue
        keep(draw(line_of(p, _handles(kernel, p) if family == "sem" else _descriptors(kernel, p))))
    return "\n".join(lines) + "\n"


def _descriptors(kernel: Kernel, name: str) -> st.SearchStrategy[int]:
    """Mostly a descriptor the process has open (so that lines do something), now and then one
    it has not (so that EBADF and the like are tried too)."""
    p = kernel.process(name)
    open_fds = [fd for fd, _ in p.fds.items()] if p is not None else []
    return st.sampled_from(open_fds * 4 + [3, 4, 5, 6, 7]) if open_fds else st.integers(3, 7)


def _handles(kernel: Kernel, name: str) -> st.SearchStrategy[int]:
    """Only semaphore handles the process has open: any other is not a handle a C program can
    pass (the real run cannot make the call, so a script using one compares nothing)."""
    p = kernel.process(name)
    open_handles = sorted(p.ext.get("sems", {})) if p is not None else []
    return st.sampled_from(open_handles) if open_handles else st.nothing()


def _can_call(kernel: Kernel, name: str) -> bool:
    p = kernel.process(name)
    return p is not None and p.alive and not p.stopped and p.waiter is None
