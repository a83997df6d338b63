"""A second generator, shaped unlike `strategies.scripts`, so that the fuzzer does not only find
what one generator tends to draw.

A storm is long (up to 60 lines), has up to four processes of mixed uids, makes every object of
its family first and then forks (children inherit what exists), and mixes signals, stops and
continues, handlers with and without SA_RESTART, exits and waits into every family. Any number
in a line may be swapped for an edge value (0, -1, page boundaries, sizes around 64 KiB, the
limits of an int), and data may be as long as a page, a pipe or a socket buffer. Each line is
still run on the simulation as it is drawn, so a storm stays a valid script.
"""

from __future__ import annotations

import dataclasses
import re

from hypothesis import strategies as st

from ..engine import SYSCALLS, Kernel
from ..script import ScriptError, parse_line
from ..script.runner import ExpectationFailed, Runner
from .strategies import CALL_LINES, FAMILIES, at, can_call, family_line, lowest_free, scaled_fits

EDGES = (0, -1, 1, 2, 4095, 4096, 4097, 8191, 8192, 65535, 65536, 65537, 2**31 - 1, 2**31, 2**32 + 1)
EDGE_DATA = ("", "e", "p" * 4095, "p" * 4096, "p" * 4097, "b" * 65536, "b" * 65537, "s" * 212961)
_NUMBER = re.compile(r'"[^"]*"|(?<![\w.])-?\d+\b(?!\.)')
_QUOTED = re.compile(r'"[^"]*"')
_STIR = ("kill", "kill", "kill", "signal", "sigprocmask", "sigpending", "getpid", "wait", "exit")
PROCS = ("A", "B", "C", "D")


def edge_numbers(line: str, which: int, value: int) -> str:
    """`line` with its `which`-th number (outside quotes, after the call's name) set to `value`."""
    head, sep, args = line.partition("(")
    spots = [m for m in _NUMBER.finditer(args) if not m.group().startswith('"')]
    if not spots:
        return line
    m = spots[which % len(spots)]
    return head + sep + args[: m.start()] + str(value) + args[m.end() :]


def edge_data(line: str, which: int, data: str) -> str:
    """`line` with its `which`-th quoted data argument (not a name or path) set to `data`."""
    head, sep, args = line.partition("(")
    spots = [m for m in _QUOTED.finditer(args) if m.group()[1:2] not in ("/", "")]
    spots = [m for m in spots if not re.fullmatch(r'"[\d.:]+"|"[A-Z]"|"on_sig"', m.group())]
    if not spots:
        return line
    m = spots[which % len(spots)]
    return head + sep + args[: m.start()] + '"' + data + '"' + args[m.end() :]


_TERMINAL = re.compile(r"^\w+: (close|mq_close|fcntl|dup|dup2)\([012]\b")
_PIPE_SIZE = re.compile(r"^\w+: (pipe\(capacity=|fcntl\(\d+, F_SETPIPE_SZ, )(\d+)")


# a handle not open, or a semaphore number C's unsigned short cannot hold, cannot run here
_NO_EDGE = re.compile(r"^\w+: (sem_(wait|trywait|post|getvalue|close)|semop)\(")
_SIZE_T = re.compile(r"^\w+: shmget\([^,]+, -")
_SETALL = re.compile(r"SETALL, \[([^\]]*)\]")
_BUFFER = re.compile(r"^\w+: (read|recv|recvfrom|peek)\(.*, (-?\d+)\)$")
_PAGES = tuple(1 << i for i in range(13))  # the page sizes a pipe may have here: 1 to 4096
_PAGE_SIZE = re.compile(r"\bpage_size=(-?\d+)")


def runs_here(line: str) -> bool:
    """Whether the real run can run the line at all: descriptors 0-2 are the terminal there
    (until a dup2 puts something on them), a pipe past pipe-max-size needs a capability this
    machine's root may lack, and a buffer, a size or a SETALL value must be one C can pass and
    the run's memory holds. A line that cannot run compares nothing, and the rest of its process
    is then compared only loosely, so a storm does not draw one."""
    size, buffer, values = _PIPE_SIZE.match(line), _BUFFER.match(line), _SETALL.search(line)
    page = _PAGE_SIZE.search(line)
    scale = 4096 // int(page.group(1)) if page and int(page.group(1)) in _PAGES else 1
    return not (
        _TERMINAL.match(line)
        or (page and int(page.group(1)) not in _PAGES)
        or _SIZE_T.match(line)
        or (size and int(size.group(2)) * scale > 1 << 20)
        or (buffer and not 0 <= int(buffer.group(2)) <= 1 << 20)
        or (values and any(not 0 <= int(v) <= 0xFFFF for v in re.findall(r"-?\d+", values.group(1))))
    )


def _fds_fit(line: str) -> bool:
    """Whether every descriptor argument fits C's int (one that does not cannot run here)."""
    try:
        call = parse_line(line, 1)
    except ScriptError:
        return True  # the line is refused on both kernels alike
    if call is None or not hasattr(call, "eargs"):
        return True
    params = SYSCALLS[call.call].params
    return all(
        -(1 << 31) <= v < 1 << 31
        for prm, v in zip(params, call.eargs, strict=False)
        if prm.kind == "fd" and isinstance(v, int)
    )


@st.composite
def storms(draw: st.DrawFn, family: str, max_lines: int = 60) -> str:
    """A long, many-process, signal-stirred script of `family`, valid line by line."""
    fam = FAMILIES[family]
    kernel = Kernel()
    runner = Runner(kernel)
    lines: list[str] = []
    procs: list[str] = []

    def keep(text: str) -> bool:
        try:
            st_ = parse_line(text, len(lines) + 1)
            if st_ is None:
                return False
            runner.step(st_)
        except ScriptError:
            return False  # an edge value the language refuses, or a process that cannot call
        except ExpectationFailed:  # pragma: no cover - generated lines carry no expectations
            return False
        lines.append(text)
        return True

    uids = draw(st.sampled_from([(0, 1001), (1001, 1001), (None, 0), (1001, 1002), (0, 0)]))
    for name, uid in zip(("A", "B"), uids, strict=True):
        keep(f"spawn {name}" + (f" uid={uid}" if uid is not None else ""))
        procs.append(name)
    for group in fam.setups:  # every object of the family, before any fork
        fd = lowest_free(kernel, group[0].split(":", 1)[0])
        for text in group:
            keep(text.format(fd=fd))
    for child in ("C", "D")[: draw(st.integers(0, 2))]:  # children inherit what exists
        parent = draw(st.sampled_from(procs))
        if keep(f'{parent}: fork("{child}")'):
            procs.append(child)
    if draw(st.booleans()):
        p = draw(st.sampled_from(procs))
        keep(f'{p}: signal(SIGUSR1, "on_sig", sa_restart={draw(st.integers(0, 1))})')
    for _ in range(draw(st.integers(10, max_lines))):
        ready = [p for p in procs if can_call(kernel, p)]
        if not ready:
            break
        p = draw(st.sampled_from(ready))
        where = dataclasses.replace(at(kernel, p, fam), procs=st.sampled_from(procs))
        roll = draw(st.integers(0, 9))
        if roll >= 8:
            call = draw(st.sampled_from(_STIR))
            line = draw(CALL_LINES[call](where))
            if call == "kill":  # stops and continues above all: a stopped process tests every wait
                line = re.sub(
                    r", \w+\)$", f", {draw(st.sampled_from(['SIGSTOP', 'SIGCONT', 'SIGUSR1']))})", line
                )
        elif roll == 7 and fam.forks and len(procs) < 4:
            child = next(c for c in PROCS if c not in procs)
            if keep(f'{p}: fork("{child}")'):
                procs.append(child)
            continue
        else:
            line = draw(family_line(family, where))
        edge = draw(st.integers(0, 5))
        if edge == 5 and not _NO_EDGE.match(line):
            line = edge_numbers(line, draw(st.integers(0, 3)), draw(st.sampled_from(EDGES)))
        elif edge == 4:
            line = edge_data(line, draw(st.integers(0, 1)), draw(st.sampled_from(EDGE_DATA)))
        if runs_here(line) and _fds_fit(line) and scaled_fits(kernel, line):
            keep(line)
    return "\n".join(lines) + "\n"
