"""Symbolic constants (Linux x86-64 values) and signal facts: numbers, names, default actions."""

from __future__ import annotations

from typing import Literal

# open(2) / fcntl(2)
O_RDONLY = 0
O_WRONLY = 1
O_RDWR = 2
O_ACCMODE = 3
O_CREAT = 0o100
O_EXCL = 0o200
O_TRUNC = 0o1000
O_NONBLOCK = 0o4000
F_GETFL = 3
F_SETFL = 4
F_SETPIPE_SZ = 1031
F_GETPIPE_SZ = 1032

# sigprocmask(2)
SIG_BLOCK = 0
SIG_UNBLOCK = 1
SIG_SETMASK = 2

# sockets
AF_UNIX = 1
AF_INET = 2
SOCK_STREAM = 1
SOCK_DGRAM = 2
SOCK_NONBLOCK = 0o4000
SOCK_CLOEXEC = 0o2000000
SHUT_RD = 0
SHUT_WR = 1
SHUT_RDWR = 2

# System V IPC
IPC_PRIVATE = 0
IPC_RMID = 0
IPC_CREAT = 0o1000
IPC_EXCL = 0o2000
IPC_NOWAIT = 0o4000
IPC_SET = 1
IPC_STAT = 2
IPC_INFO = 3
SEM_STAT = 18
SEM_INFO = 19
SEM_STAT_ANY = 20
SEM_UNDO = 0x1000
GETPID = 11
GETVAL = 12
GETALL = 13
GETNCNT = 14
GETZCNT = 15
SETVAL = 16
SETALL = 17
SHM_RDONLY = 0o10000
SHM_LOCK = 11
SHM_UNLOCK = 12
SHM_STAT = 13
SHM_INFO = 14
SHM_STAT_ANY = 15

# Control commands Linux has that a script cannot use (both kernels refuse them as a script error,
# by these words): each takes or fills a structure the language cannot write, reports the
# machine's limits rather than an object's state, or locks the machine's memory.
_STRUCT = "takes a struct {}_ds (owner, mode), which a script cannot write"
_LIMITS = "reports the machine's limits, not one object's state"
_INDEX = "takes an index into the kernel's table, not an id"
SEMCTL_NOT_MODELLED: dict[int, str] = {
    IPC_SET: "IPC_SET " + _STRUCT.format("semid"),
    IPC_INFO: "IPC_INFO " + _LIMITS,
    SEM_INFO: "SEM_INFO " + _LIMITS,
    SEM_STAT: "SEM_STAT " + _INDEX,
    SEM_STAT_ANY: "SEM_STAT_ANY " + _INDEX,
}
SHMCTL_NOT_MODELLED: dict[int, str] = {
    IPC_SET: "IPC_SET " + _STRUCT.format("shmid"),
    IPC_INFO: "IPC_INFO " + _LIMITS,
    SHM_INFO: "SHM_INFO " + _LIMITS,
    SHM_STAT: "SHM_STAT " + _INDEX,
    SHM_STAT_ANY: "SHM_STAT_ANY " + _INDEX,
    SHM_LOCK: "SHM_LOCK pins the machine's memory, which the simulation does not model",
    SHM_UNLOCK: "SHM_UNLOCK pins the machine's memory, which the simulation does not model",
}

SIGNALS: dict[str, int] = {
    "SIGHUP": 1,
    "SIGINT": 2,
    "SIGQUIT": 3,
    "SIGILL": 4,
    "SIGTRAP": 5,
    "SIGABRT": 6,
    "SIGBUS": 7,
    "SIGFPE": 8,
    "SIGKILL": 9,
    "SIGUSR1": 10,
    "SIGSEGV": 11,
    "SIGUSR2": 12,
    "SIGPIPE": 13,
    "SIGALRM": 14,
    "SIGTERM": 15,
    "SIGSTKFLT": 16,
    "SIGCHLD": 17,
    "SIGCONT": 18,
    "SIGSTOP": 19,
    "SIGTSTP": 20,
    "SIGTTIN": 21,
    "SIGTTOU": 22,
    "SIGURG": 23,
    "SIGXCPU": 24,
    "SIGXFSZ": 25,
    "SIGVTALRM": 26,
    "SIGPROF": 27,
    "SIGWINCH": 28,
    "SIGIO": 29,
    "SIGPWR": 30,
    "SIGSYS": 31,
}
SIGNAL_NAMES: dict[int, str] = {num: name for name, num in SIGNALS.items()}
NSIG = 32  # signals are 1..31 here; real-time signals are not modelled

SIGHUP = 1
SIGINT = 2
SIGKILL = 9
SIGUSR1 = 10
SIGSEGV = 11
SIGUSR2 = 12
SIGPIPE = 13
SIGTERM = 15
SIGCHLD = 17
SIGCONT = 18
SIGSTOP = 19
SIGBUS = 7

Action = Literal["term", "ign", "stop", "cont"]

_IGNORE = {"SIGCHLD", "SIGURG", "SIGWINCH"}
_STOP = {"SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU"}
STOP_SIGNALS = frozenset(SIGNALS[name] for name in _STOP)


def default_action(sig: int) -> Action:
    """POSIX default action (core dumps are not modelled: they terminate)."""
    name = SIGNAL_NAMES[sig]
    if name in _IGNORE:
        return "ign"
    if name in _STOP:
        return "stop"
    if name == "SIGCONT":
        return "cont"
    return "term"


# Every name the script language accepts as a constant, by value.
CONSTANTS: dict[str, int] = {
    **SIGNALS,
    **{
        name: value
        for name, value in globals().items()
        if name.isupper() and isinstance(value, int) and name[:2] in ("O_", "F_", "AF", "SO", "SH", "IP")
    },
    "SIG_BLOCK": SIG_BLOCK,
    "SIG_UNBLOCK": SIG_UNBLOCK,
    "SIG_SETMASK": SIG_SETMASK,
    **{name: globals()[name] for name in ("SEM_UNDO", "GETVAL", "GETALL", "GETNCNT", "GETZCNT", "GETPID")},
    **{name: globals()[name] for name in ("SETVAL", "SETALL", "SHM_RDONLY")},
}

# Linux limits both kernels apply
NAME_MAX = 255  # the longest name of a POSIX IPC object, without its slash
HARD_MAXMSG, HARD_MSGSIZE = 65536, 16777216  # mq_open: the most uid 0 may ask for
