"""Signal calls: kill, signal, sigprocmask, sigpending, pause. Delivery itself is the kernel's."""

from __future__ import annotations

from functools import partial

from ..vocab.constants import (
    NSIG,
    SIG_BLOCK,
    SIG_SETMASK,
    SIG_UNBLOCK,
    SIGCONT,
    SIGKILL,
    SIGNAL_NAMES,
    SIGSTOP,
    default_action,
)
from .errors import Errno, NoReturn, SysError
from .kernel import Kernel
from .process import Handler, Process
from .syscalls import syscall
from .waitq import CallGen

UNBLOCKABLE = frozenset({SIGKILL, SIGSTOP})


def valid(sig: int) -> bool:
    return 1 <= sig < NSIG


@syscall(
    "kill",
    "pid:proc, sig:sig",
    mechanism="signals",
    summary="send a signal (0 only checks)",
    reach="all",
    lookup="children",
)
def sys_kill(k: Kernel, p: Process, pid: int, sig: int) -> int:
    target = k.procs.get(pid)
    if target is None:
        raise SysError(Errno.ESRCH)
    if sig != 0 and not valid(sig):
        raise SysError(Errno.EINVAL)
    if p.uid != 0 and p.uid != target.uid and sig != SIGCONT:
        raise SysError(Errno.EPERM)  # SIGCONT within a session passes whatever the uids
    if sig != 0:
        k.send_signal(target, sig)
    if target is p and sig == SIGKILL:
        raise NoReturn  # the process dies before the call can return
    return 0


@syscall(
    "signal",
    "sig:sig, handler:handler",
    keywords={"sa_restart": "int"},
    mechanism="signals",
    summary="set what a signal does: SIG_DFL, SIG_IGN or a handler",
    reach="all",
)
def sys_signal(k: Kernel, p: Process, sig: int, handler: str, sa_restart: int = 0) -> int:
    if not valid(sig) or sig in UNBLOCKABLE:
        raise SysError(Errno.EINVAL)
    p.handlers[sig] = Handler(handler, bool(sa_restart))
    ignored = handler == "SIG_IGN" or (handler == "SIG_DFL" and default_action(sig) == "ign")
    if ignored:
        p.pending.discard(sig)
    return 0


@syscall(
    "sigprocmask",
    "how:const, signals:siglist",
    mechanism="signals",
    summary="block or unblock signals; unblocking delivers what was pending",
    reach="all",
)
def sys_sigprocmask(k: Kernel, p: Process, how: int, signals: list[int]) -> int:
    if any(not valid(s) for s in signals):
        raise SysError(Errno.EINVAL)
    wanted = set(signals) - UNBLOCKABLE
    if how == SIG_BLOCK:
        p.mask |= wanted
    elif how == SIG_UNBLOCK:
        p.mask -= wanted
    elif how == SIG_SETMASK:
        p.mask = wanted
    else:
        raise SysError(Errno.EINVAL)
    for sig in [s for s in p.pending if s not in p.mask]:
        h = p.handler(sig).name
        if h == "SIG_IGN" or (h == "SIG_DFL" and default_action(sig) == "ign"):
            p.pending.discard(sig)  # an ignored signal is dropped when unblocked
    if any(s not in p.mask for s in p.pending):
        k.after(partial(k.deliver, p))
    return 0


@syscall(
    "sigpending", mechanism="signals", summary="the blocked signals waiting to be delivered", reach="named"
)
def sys_sigpending(k: Kernel, p: Process) -> list[str]:
    return [SIGNAL_NAMES[s] for s in sorted(p.pending) if s in p.mask]


@syscall(
    "pause", mechanism="signals", restartable=False, summary="sleep until a caught signal", reach="named"
)
def sys_pause(k: Kernel, p: Process) -> CallGen:
    while True:
        yield p.pause_wait
