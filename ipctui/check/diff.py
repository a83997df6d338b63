"""`ipctui diff`: one script on the simulated kernel and on the real one, line by line.

Both runs ignore the script's expectations (a diff compares what happened, not what was
written down), and every line where they differ is named with its reason when it is one of the
simulation's deliberate departures (SPEC section 2), or flagged as unexplained when it is not.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from ..real.kernel import BLOCK_TIMEOUT
from ..script import Assertion, Call, ScriptError, Spawn, Statement
from ..script.runner import ExpectationFailed, run_script
from .run import run_real

# The simulation's departures from Linux, as SPEC section 2 states them. Each is named on a line
# only where its rule (below, one function each) explains that very line.
DEPARTURES: dict[str, str] = {
    "buffer": "buffer sizes: the simulation gives every socket 65536 bytes to receive into; "
    "Linux sizes and tunes its own, so a send can block, or not, at a different point",
    "clock": "no clock: where Linux finishes a call after a timeout or a retry, the simulation "
    "finishes it at the event that makes it possible",
    "realtime": "real-time signals (32 to 64) are not modelled: the simulation refuses them",
    "time_wait": "no TIME_WAIT: Linux keeps the port of a TCP connection closed here for a minute, "
    "so binding it again is EADDRINUSE; the simulation frees it when the connection closes",
    "ports": "ephemeral ports: the simulation hands them out in order from 32768; Linux picks "
    "them at random (the real run renumbers those it sees, first seen first numbered)",
}
_LINE = re.compile(r"^(?P<proc>[^:]+): (?P<resumed><\.\.\. )?(?P<call>[a-z_0-9]+)(?P<rest>[( ].*)$")
_REALTIME = re.compile(r"^[^:]+: (signal|kill|sigprocmask)\(.*\b(3[2-9]|[45][0-9]|6[0-4])\b.*= -1 EINVAL")
_EPHEMERAL = re.compile(
    r"(?<![0-9])(3276[89]|327[7-9][0-9]|32[89][0-9]{2}|3[3-9][0-9]{3}|[45][0-9]{4}|60[0-9]{3})(?![0-9])"
)
_SENDS = ("send", "sendto")
_FD_MAKERS = ("pipe", "open", "mq_open", "shm_open")  # calls whose results are other descriptors
_MAKERS = (*_FD_MAKERS, "socket", "socketpair", "accept", "dup", "dup2")  # every descriptor maker
_TIMED = ("connect", "accept")  # where Linux waits on a timer: a dropped SYN is retried later
_CONNECTED = re.compile(r"^(0|-1 (ECONNREFUSED|EISCONN|ECONNABORTED) .*)$")  # a connect that has ended
_BUFFER_RESULTS = re.compile(r"^(\d+|-1 EAGAIN .*|-1 EMSGSIZE .*|<unfinished \.\.\.>)$")


@dataclass(frozen=True)
class CallLine:
    """A call's trace line taken apart: who, which call, the text before its result, the result."""

    proc: str
    call: str
    head: str  # `A: send(3, "x")` (for a resumed line, `A: <... send resumed>`)
    result: str  # `2`, `-1 EAGAIN (...)`, `<unfinished ...>`, `?`
    resumed: bool

    @property
    def unfinished(self) -> bool:
        return self.result == "<unfinished ...>"


def call_line(text: str | None) -> CallLine | None:
    if not text:
        return None
    m = _LINE.match(text)
    if m is None:
        return None
    if text.endswith(" <unfinished ...>"):
        head, result = text.removesuffix(" <unfinished ...>"), "<unfinished ...>"
    elif " = " in text:
        head, result = text.rsplit(" = ", 1)
    else:
        return None
    return CallLine(m.group("proc"), m.group("call"), head, result, bool(m.group("resumed")))


@dataclass
class _Context:
    """What earlier lines leave for later ones: calls that a departure left waiting on one side."""

    clock: set[tuple[str, str]] = field(default_factory=set)  # (proc, call): real still waiting
    buffer: set[tuple[str, str]] = field(default_factory=set)  # (proc, call): a send one side waits in
    skipped: set[str] = field(default_factory=set)  # processes with a line that could not run here
    names: set[str] = field(default_factory=set)  # names and paths that such lines name
    sockets: dict[str, set[int]] = field(default_factory=dict)  # each process's socket descriptors
    tcp: dict[str, set[int]] = field(default_factory=dict)  # each process's TCP socket descriptors
    waiting: dict[tuple[str, str], str] = field(default_factory=dict)  # (proc, call): its first line
    time_wait: set[int] = field(default_factory=set)  # ports Linux keeps after a connection here

    def skip(self, line: str) -> None:
        """A line that could not run here: its process (and children it forks later) and the
        objects it names may then differ."""
        self.skipped.add(line.split(":", 1)[0].removeprefix("spawn "))
        self.names.update(_NAMES.findall(line.split(" -- ", 1)[0]))

    def fork(self, line: str) -> None:
        """A child forked by a process whose line could not run inherits what that left out."""
        m = _FORK.match(line)
        if m is not None and m.group(1) in self.skipped:
            self.skipped.add(m.group(2))

    def track(self, line: str) -> None:
        """Which descriptors are sockets, from the simulated trace: made by socket, socketpair or
        accept, copied by dup, dup2 and fork, gone at close or when another object takes them."""
        c = call_line(line)
        if c is None:
            return
        mine = self.sockets.setdefault(c.proc, set())
        tcp = self.tcp.setdefault(c.proc, set())
        if c.call == "fork" and c.result.isdigit():
            m = _FORK.match(line)
            if m is not None:
                self.sockets[m.group(2)] = set(mine)
                self.tcp[m.group(2)] = set(tcp)
            return
        head = c.head  # a resumed line names no arguments: its call's first line did
        if c.resumed:
            head = self.waiting.pop((c.proc, c.call), head)
        elif c.unfinished:
            self.waiting[(c.proc, c.call)] = head
        if c.call not in _MAKERS and c.call != "close":
            return
        made = [int(n) for n in _FD.findall(c.result)] if not c.result.startswith("-") else []
        args = [int(n) for n in _FIRST_FD.findall(head)]
        if c.call in ("dup", "dup2") and made and args and made[0] == args[0]:
            return  # dup2(fd, fd)
        for fd in made:
            mine.discard(fd)  # a descriptor made anew
            tcp.discard(fd)
        if c.call in ("socket", "socketpair", "accept"):
            mine.update(made)
            if made and ((c.call == "accept" and args and args[0] in tcp) or "AF_INET, SOCK_STREAM" in head):
                tcp.add(made[0])
        elif c.call in ("dup", "dup2") and made and args:
            for kind in (mine, tcp):
                if args[0] in kind:
                    kind.add(made[0])
        elif c.call == "close" and c.result == "0" and args:
            mine.discard(args[0])
            tcp.discard(args[0])

    def socket(self, c: CallLine) -> bool:
        """Whether the call's first argument is one of its process's sockets."""
        m = _FIRST_FD.search(c.head)
        return m is not None and int(m.group(1)) in self.sockets.get(c.proc, set())

    def tcp_socket(self, c: CallLine) -> bool:
        m = _FIRST_FD.search(c.head)
        return m is not None and int(m.group(1)) in self.tcp.get(c.proc, set())

    def named(self, line: str) -> str | None:
        return next((n for n in _NAMES.findall(line) if n in self.names), None)


def _port(head: str) -> int | None:
    m = re.search(r':(\d{1,5})"', head)
    return int(m.group(1)) if m else None


_FD = re.compile(r"(?<!\d)\d{1,9}(?!\d)")  # a descriptor in a result: `4`, `[3, 4]`
_FIRST_FD = re.compile(r"^[^(]*\((\d{1,9})(?!\d)")  # a call's first argument, when a descriptor
_NAMES = re.compile(r'"(/[^"]*)"')  # an IPC name or a path (data never reaches these rules alone)
_FORK = re.compile(r'^(\w+): fork\("(\w+)"\) = \d+')


def _clock(s: CallLine | None, r: CallLine | None, ctx: _Context) -> bool:
    """No clock: the real call was still unfinished when the run moved on, where the simulated
    one had finished; or this is that real call finishing later. Only a call that Linux finishes
    on a timer (a connect whose SYN was dropped, and the accept that waits for it)."""
    if s is not None and s.resumed and s.call in _TIMED and (r is None or r.head != s.head):
        ctx.clock.add((s.proc, s.call))  # finished at the event here; Linux finishes it later
        return True
    if r is None or r.call not in _TIMED:
        return False
    if s and s.head == r.head and r.result.startswith("-1 EALREADY ") and _CONNECTED.match(s.result):
        return True  # a non-blocking connect asked again: Linux's still waits for its SYN's retry
    if s and s.head == r.head and r.unfinished and not s.unfinished and not s.resumed:
        ctx.clock.add((r.proc, r.call))
        return True
    if r.resumed and (r.proc, r.call) in ctx.clock and (s is None or s.head != r.head):
        ctx.clock.discard((r.proc, r.call))
        return True
    return False


def _buffer(s: CallLine | None, r: CallLine | None, ctx: _Context) -> bool:
    """Buffer sizes: one send (or write to a socket), where one kernel took a different count
    than the other, or made it wait (EAGAIN, blocked), or found it too big; or the later end of
    such a wait."""
    if (
        s is not None
        and r is not None
        and s.head == r.head
        and (s.call in _SENDS or (s.call == "write" and ctx.socket(s)))
        and not s.resumed
        and _BUFFER_RESULTS.match(s.result)
        and _BUFFER_RESULTS.match(r.result)
    ):
        ctx.buffer.update((x.proc, x.call) for x in (s, r) if x.unfinished)
        return True
    for side, other in ((s, r), (r, s)):
        if side is None or not side.resumed or (side.proc, side.call) not in ctx.buffer:
            continue
        if other is None or other.head != side.head:
            ctx.buffer.discard((side.proc, side.call))
            return True
    return False


def _time_wait(s: CallLine | None, r: CallLine | None, ctx: _Context) -> bool:
    """No TIME_WAIT: a TCP socket's bind, which the simulation gives and Linux refuses
    (EADDRINUSE), of a port that the simulated run noted Linux still holds: a connection of
    the run that ended after its socket had sent the first FIN."""
    if s is None or r is None or s.head != r.head or s.call != "bind" or not ctx.tcp_socket(s):
        return False
    return s.result == "0" and r.result.startswith("-1 EADDRINUSE ") and _port(s.head) in ctx.time_wait


def _ports(sim: str | None, real: str | None) -> bool:
    """Ephemeral ports: the lines differ only in numbers from the ephemeral range."""
    if not sim or not real:
        return False
    return _EPHEMERAL.sub("PORT", sim) == _EPHEMERAL.sub("PORT", real)


def _realtime(sim: str | None, real: str | None) -> bool:
    """The simulation refuses a real-time signal (EINVAL) that Linux takes."""
    if not sim or not _REALTIME.match(sim):
        return False
    s, r = call_line(sim), call_line(real)
    return r is not None and s is not None and r.head == s.head and not r.result.startswith("-1 EINVAL")


@dataclass
class Side:
    """One run: its trace lines, and how it ended (0 or a script error's message)."""

    lines: list[str] = field(default_factory=list)
    error: str | None = None
    skipped: int = 0
    time_wait: dict[int, int] = field(default_factory=dict)  # simulated: port -> lines before Linux held it


@dataclass
class Difference:
    """One differing row. `reason` is the departure that explains it (None: nothing does, so one
    of the two kernels is wrong); `uncompared` marks a line after one run had stopped, which
    nothing was compared with."""

    simulated: str | None
    real: str | None
    reason: str | None
    uncompared: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "simulated": self.simulated,
            "real": self.real,
            "reason": self.reason,
            "uncompared": self.uncompared,
        }


@dataclass
class Diff:
    simulated: Side
    real: Side
    rows: list[tuple[str | None, str | None, str | None, bool]]  # sim, real, reason, differs
    differences: list[Difference]
    note: str = ""
    stopped: str | None = None  # which run stopped early, and why

    @property
    def agree(self) -> bool:
        return not self.differences and self.stopped is None

    @property
    def explained(self) -> int:
        return sum(1 for x in self.differences if x.reason)

    @property
    def unexplained(self) -> int:
        return sum(1 for x in self.differences if not x.reason and not x.uncompared)

    @property
    def uncompared(self) -> int:
        return sum(1 for x in self.differences if x.uncompared)


def _unchecked(statements: list[Statement]) -> list[Statement]:
    """The script with its expectations and assertion lines taken out."""
    out: list[Statement] = []
    for st in statements:
        if isinstance(st, Assertion):
            continue
        if isinstance(st, Call) and st.expect is not None:
            st = dataclasses.replace(st, expect=None)
        out.append(st)
    return out


def _run(
    statements: list[Statement],
    real: bool,
    block_timeout: float,
    sandboxed: bool = True,
    time_limit: float = 60.0,
) -> tuple[Side, str]:
    side = Side()
    note = ""
    try:
        if real:
            kernel = run_real(statements, side.lines.append, "text", block_timeout, sandboxed, time_limit)
            side.skipped = kernel.skipped
            note = kernel.note if kernel.used_sockets else ""  # where sockets ran, when there were any
        else:
            _simulate(statements, side)
    except ScriptError as e:
        side.error = f"line {e.lineno}: error: {e.message}"
    except ExpectationFailed as e:  # pragma: no cover - expectations were taken out
        side.error = f"line {e.lineno}: expected {e.expected}, got {e.got}"
    return side, note


def _simulate(statements: list[Statement], side: Side) -> None:
    """The simulated run, noting after each statement the ports Linux would still hold."""

    def note(kernel: Any) -> None:
        for port in getattr(kernel, "time_wait", ()):
            side.time_wait.setdefault(port, len(side.lines))

    run_script(statements, side.lines.append, "text", note)


def _explains_alone(s: str | None, r: str | None, why: str | None) -> str | None:
    """Which side a timing label explains by itself: the later end of a wait ("<... resumed>")
    that only one run has reached here, paired by position with an unrelated line of the other
    run, which must then be compared on its own."""
    if why not in (DEPARTURES["clock"], DEPARTURES["buffer"]):
        return None
    cs, cr = call_line(s), call_line(r)
    if cs is None or cr is None or cs.head == cr.head or cs.resumed == cr.resumed:
        return None
    return "simulated" if cs.resumed else "real"


def _proc(line: str) -> str:
    return line.split(":", 1)[0] if ":" in line else ""


def reason_for(sim: str | None, real: str | None, ctx: _Context | None = None) -> str | None:
    """The departure whose rule explains this very pair of lines, if one does."""
    ctx = ctx if ctx is not None else _Context()
    if real and real.startswith("# cannot run here: "):
        return "cannot run here: " + real.rsplit(" -- ", 1)[-1]
    if _realtime(sim, real):
        return DEPARTURES["realtime"]
    s, r = call_line(sim), call_line(real)
    if _clock(s, r, ctx):
        return DEPARTURES["clock"]
    if _buffer(s, r, ctx):
        return DEPARTURES["buffer"]
    if _time_wait(s, r, ctx):
        return DEPARTURES["time_wait"]
    if _ports(sim, real):
        return DEPARTURES["ports"]
    return None


def plain_script(statements: list[Statement]) -> str:
    """The script as `ipctui run --real` takes it for a diff: no expectations, no assertions."""
    return "".join(st.text + "\n" for st in _unchecked(statements) if isinstance(st, (Spawn, Call)))


def simulate(statements: list[Statement]) -> Side:
    return _run(_unchecked(statements), False, BLOCK_TIMEOUT)[0]


def diff(
    statements: list[Statement],
    block_timeout: float = BLOCK_TIMEOUT,
    sandboxed: bool = True,
    time_limit: float = 60.0,
) -> Diff:
    plain = _unchecked(statements)
    sim, _ = _run(plain, False, block_timeout)
    real, note = _run(plain, True, block_timeout, sandboxed, time_limit)
    return compare(sim, real, note)


def compare(sim: Side, real: Side, note: str = "") -> Diff:
    """Line by line, each differing line with the departure that explains it, if one does."""
    a = sim.lines + ([f"error: {sim.error}"] if sim.error else [])
    b = real.lines + ([f"error: {real.error}"] if real.error else [])
    rows: list[tuple[str | None, str | None, str | None, bool]] = []
    differences: list[Difference] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    ctx = _Context()
    stopped: str | None = None
    ended: str | None = None  # the run that has stopped on a script error, from here on
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows.extend((x, x, None, False) for x in a[i1:i2])
            for x in a[i1:i2]:
                ctx.fork(x)
                ctx.track(x)
            continue
        left, right = a[i1:i2], b[j1:j2]
        li = ri = 0
        while li < len(left) or ri < len(right):
            s = left[li] if li < len(left) else None
            r = right[ri] if ri < len(right) else None
            li, ri = li + (s is not None), ri + (r is not None)
            ctx.time_wait = {p for p, n in sim.time_wait.items() if n <= i1 + li - 1}
            stop = next(
                ((side, t) for side, t in (("simulated", s), ("real", r)) if t and t.startswith("error: ")),
                None,
            )
            if stop is not None:  # a run stopped: say why; the other side's line is not compared
                side, text = stop
                ended = ended or side
                stopped = stopped or f"the {side} run stopped early ({text.removeprefix('error: ')})"
                rows.append((s, r, None, True))
                other = r if side == "simulated" else s
                if other is not None and not other.startswith("error: "):
                    differences.append(Difference(s if side == "real" else None, r, None, True))
                continue
            if ended is not None and (s if ended == "simulated" else r) is None:
                rows.append((s, r, None, True))
                differences.append(Difference(s, r, None, uncompared=True))
                continue
            why = reason_for(s, r, ctx)
            alone = _explains_alone(s, r, why)
            if alone == "simulated":  # the label is the simulated line's: the real one waits
                r, ri = None, ri - 1  # for the next simulated line
            elif alone == "real":
                s, li = None, li - 1
            if r and r.startswith("# cannot run here: "):
                ctx.skip(r.removeprefix("# cannot run here: "))
            elif why is None and _proc(s or r or "") in ctx.skipped:
                why = f"follows from a line of {_proc(s or r or '')} that could not run here"
            elif why is None and (name := ctx.named(s or "") or ctx.named(r or "")) is not None:
                why = f'follows from a line that could not run here: it names "{name}" too'
            for x in (s, r):
                if x is not None:
                    ctx.fork(x)
            if s is not None:
                ctx.track(s)
            rows.append((s, r, why, True))
            differences.append(Difference(s, r, why))
    return Diff(sim, real, rows, differences, note, stopped)


def to_json(d: Diff, script: str) -> dict[str, Any]:
    def side(s: Side) -> dict[str, Any]:
        return {"trace": s.lines, "error": s.error, "cannot_run": s.skipped}

    return {
        "script": script,
        "agree": d.agree,
        "simulated": side(d.simulated),
        "real": side(d.real) | {"note": d.note},
        "differences": [x.as_json() for x in d.differences],
        "explained": d.explained,
        "unexplained": d.unexplained,
        "uncompared": d.uncompared,
        "stopped": d.stopped,
    }


def render(d: Diff, script: str) -> Any:
    """Side by side, as a Rich renderable: differing lines marked, each with its reason."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{script}: simulated and real", expand=True, show_lines=False)
    table.add_column("simulated kernel", ratio=1, overflow="fold")
    table.add_column("", width=1)
    table.add_column("real kernel", ratio=1, overflow="fold")
    for s, r, why, differs in d.rows:
        stop = any(t and t.startswith("error: ") for t in (s, r))
        style = "" if not differs else ("yellow" if why else "bold red")
        table.add_row(
            Text(s or "", style=style), Text("≠" if differs else "", style=style), Text(r or "", style=style)
        )
        if differs and not stop:
            if why:
                note, note_style = f"↳ {why}", "dim"
            elif d.stopped and (s is None or r is None):
                note, note_style = "↳ not compared: the other run had stopped", "dim red"
            else:
                note, note_style = "↳ not a known departure: one of the two kernels is wrong", "red"
            table.add_row("", "", Text(note, style=note_style))
    parts: list[Any] = [table]
    if d.agree:
        parts.append(Text("The two kernels agree on every line.", style="green"))
    else:
        n = d.explained + d.unexplained
        parts.append(
            Text(
                f"{n} line{'s' if n != 1 else ''} differ: {d.explained} explained by a known departure, "
                f"{d.unexplained} unexplained.",
                style="yellow" if not d.unexplained else "bold red",
            )
        )
    if d.stopped:
        parts.append(
            Text(
                f"{d.stopped[0].upper()}{d.stopped[1:]}: {d.uncompared} line(s) could not be compared.",
                style="red",
            )
        )
    if d.real.skipped:
        parts.append(Text(f"{d.real.skipped} line(s) could not run here, so they were not checked."))
    if d.note:
        parts.append(Text(f"Real run: {d.note}.", style="dim"))
    return Group(*parts)
