"""A third generator, shaped like the scripts people write: it starts from the project's own
scripts (the examples, goldens, conformance scripts, demos and issue 18's reproducers) and
mutates them.

A source is read as plain lines (each call and spawn without its expectation; resumed, signal
and exit assertions, comments and narration dropped), and one to three mutations are applied:
a number argument set to a neighbour or an edge value (sizes, counts, backlogs, modes, offsets),
a data argument set to an edge length, a flag toggled (O_NONBLOCK, SOCK_NONBLOCK, SOCK_CLOEXEC,
O_CREAT, O_EXCL, IPC_CREAT, IPC_EXCL, IPC_NOWAIT, SEM_UNDO, nowait=, sa_restart=, readonly=),
two adjacent lines of different processes swapped, a line deleted or duplicated, a process's
uid changed, a kill, close, shutdown or exit inserted in the middle. A mutant is kept only when the
simulation runs every line of it (no line for a process that is blocked, stopped or dead, no
line the language refuses), checked the way the other generators check a line as they draw it,
and when every changed line is one the real run can run (`storm.runs_here`).

A source belongs to a family when every call it makes is one the family mixes, or one of the
process and signal calls the storms stir into every family, and it makes at least one of the
family's own calls; a source with a mechanism the family does not cover is skipped. Mutants are
drawn with `random.Random`, seeded from the seed and the family, so a run is reproducible.
"""

from __future__ import annotations

import ast
import random
import re
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..engine import Kernel
from ..script import ScriptError, parse_line
from ..script.runner import ExpectationFailed, Runner
from ..script.statements import Call, Spawn
from .storm import _NO_EDGE, EDGE_DATA, _fds_fit, edge_data, runs_here
from .strategies import FAMILIES, can_call, scaled_fits

ROOT = Path(__file__).resolve().parents[2]
SOURCE_GLOBS = (
    "tests/examples/*.ipc",
    "tests/golden/*.ipc",
    "tests/conform/*.ipc",
    "ipctui/demos/*.ipc",
)
KINDS_FILE = "tests/real/test_kinds.py"

# process and signal calls: the storms stir them into every family, so any family's source may
# make them (the signals family is made of them alone)
PROCESS = frozenset(
    {"fork", "exit", "wait", "waitpid", "getpid", "kill", "signal", "sigprocmask", "sigpending", "pause"}
)
SIGNALS = frozenset({"kill", "signal", "sigprocmask", "sigpending", "pause"})
# calls that say nothing of a source's mechanism: a source belongs to a family only if it makes
# one of the family's own calls (its calls less these, or those given here)
DESCRIPTOR = frozenset({"close", "dup", "dup2", "read", "write", "fcntl", "ftok", "peek", "poke"})
_OWN = {
    "signals": SIGNALS,
    "socket": frozenset(
        {"socket", "socketpair", "bind", "listen", "connect", "accept", "send", "recv", "sendto", "recvfrom"}
    ),
}

EDGES = (0, 1, 2, 4095, 4096, 4097, 65536, -1, 2**31, 2**32 + 1, 2**63)  # the last three: past C int, long
UIDS = (0, 1000, 1001, 1002, 65534)
MODES = ("0600", "0666", "0644", "0400", "0200", "0")
_NUMBER = re.compile(r'"(?:[^"\\]|\\.)*"|(?<![\w.])-?\d+\b(?!\.)')
_UID = re.compile(r"^spawn (\w[\w-]*)(?: uid=(\d+))?$")
# flags a mutation may add to or take from a constant expression, by the flag already there
_TOGGLES = (
    (re.compile(r"\bSOCK_(STREAM|DGRAM)\b"), ("SOCK_NONBLOCK", "SOCK_CLOEXEC")),
    (re.compile(r"\bO_(RDONLY|WRONLY|RDWR|CREAT)\b"), ("O_NONBLOCK", "O_CREAT", "O_EXCL")),
    (re.compile(r"\bIPC_(CREAT|EXCL)\b"), ("IPC_CREAT", "IPC_EXCL")),  # not semop's IPC_NOWAIT
)
_SEMOP_FLAGS = ("IPC_NOWAIT", "SEM_UNDO")
_SWITCH = re.compile(r"\b(nowait|sa_restart|readonly)=([01])\b")
_SEMOP_OP = re.compile(r"\[(-?\d+), (-?\d+)(?:, ([A-Z_|]+))?\]")
_SIGS = ("SIGTERM", "SIGKILL", "SIGSTOP", "SIGCONT", "SIGUSR1", "SIGCHLD", "SIGPIPE")
OPERATORS = ("number", "flag", "data", "swap", "delete", "duplicate", "uid", "insert")


@dataclass(frozen=True)
class Source:
    name: str
    lines: tuple[str, ...]  # plain lines: spawns and calls, no expectations
    calls: frozenset[str]


def plain_lines(text: str) -> list[str] | None:
    """A script's spawns and calls without what they expect (None if a line does not parse)."""
    out: list[str] = []
    for n, line in enumerate(text.splitlines(), 1):
        try:
            st = parse_line(line, n)
        except ScriptError:
            return None
        if isinstance(st, Spawn | Call):
            out.append(st.text)
    return out


def _kinds(path: Path) -> dict[str, str]:
    """Issue 18's reproducers (the KINDS table of tests/real/test_kinds.py), read without
    importing the test module; an entry built by an f-string is left out."""
    try:
        tree = ast.parse(path.read_text())
    except (OSError, SyntaxError):
        return {}
    out: dict[str, str] = {}
    for node in tree.body:
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id == "KINDS"
            and isinstance(node.value, ast.Dict)
        ):
            for key, value in zip(node.value.keys, node.value.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(value, ast.Constant):
                    out[str(key.value)] = str(value.value)
    return out


@cache
def sources(root: Path = ROOT) -> tuple[Source, ...]:
    """Every shipped script as plain lines, in a fixed order; not one whose `# departure:`
    comment says it cannot agree with Linux as it stands (its mutants would differ by it)."""
    texts: list[tuple[str, str]] = []
    for pattern in SOURCE_GLOBS:
        for path in sorted(root.glob(pattern)):
            texts.append((str(path.relative_to(root)), path.read_text()))
    for name, text in sorted(_kinds(root / KINDS_FILE).items()):
        texts.append((f"{KINDS_FILE}::{name}", text))
    out = []
    for name, text in texts:
        if re.search(r"^# departure:", text, re.M):
            continue  # a departure keeps it from agreeing with Linux as it stands
        lines = plain_lines(text)
        if lines:
            calls = frozenset(line.split(": ", 1)[1].split("(", 1)[0] for line in lines if ": " in line)
            out.append(Source(name, tuple(lines), calls))
    return tuple(out)


def family_sources(family: str, root: Path = ROOT) -> list[Source]:
    """The sources whose mechanisms `family` covers (all of them for `all`)."""
    if family == "all":
        return list(sources(root))
    fam = set(FAMILIES[family].calls)
    own = _OWN.get(family, fam - PROCESS - DESCRIPTOR)
    return [s for s in sources(root) if s.calls <= fam | PROCESS and s.calls & own]


def _family_calls(family: str) -> set[str]:
    if family == "all":
        return {c for f in FAMILIES.values() for c in f.calls} | PROCESS
    return set(FAMILIES[family].calls) | PROCESS


def _proc(line: str) -> str | None:
    if line.startswith("spawn "):
        return line.split()[1]
    return line.split(":", 1)[0] if ":" in line else None


def mutate_number(line: str, rng: random.Random) -> str | None:
    """A number argument (outside quotes) set to a neighbour or an edge value; a mode set to
    another mode."""
    if line.startswith("spawn ") or _NO_EDGE.match(line):
        return None
    head, sep, args = line.partition("(")
    spots = [m for m in _NUMBER.finditer(args) if not m.group().startswith('"')]
    if not spots:
        return None
    m = rng.choice(spots)
    old = m.group()
    if len(old) > 1 and old.startswith("0"):  # an octal mode
        new = rng.choice([x for x in MODES if x != old])
    else:
        n = int(old)
        new = str(rng.choice([v for v in (n + 1, n - 1, n * 2, n // 2, *EDGES) if v != n]))
    return head + sep + args[: m.start()] + new + args[m.end() :]


def mutate_flag(line: str, rng: random.Random) -> str | None:
    """A flag added to or taken from the line's constant expression, or a 0/1 switch flipped."""
    options: list[str] = []
    for m in _SWITCH.finditer(line):
        options.append(line[: m.start(2)] + ("1" if m.group(2) == "0" else "0") + line[m.end(2) :])
    if re.match(r"^[\w-]+: semop\(", line):
        for m in _SEMOP_OP.finditer(line):
            flags = set((m.group(3) or "").split("|")) - {""}
            flag = rng.choice(_SEMOP_FLAGS)
            flags ^= {flag}
            tail = ", " + "|".join(sorted(flags)) if flags else ""
            options.append(line[: m.start()] + f"[{m.group(1)}, {m.group(2)}{tail}]" + line[m.end() :])
    for regex, flags in _TOGGLES:
        m = regex.search(line)
        if m is None:
            continue
        # the whole `A|B|C` expression around the match
        start = m.start()
        while start > 0 and (line[start - 1].isalnum() or line[start - 1] in "_|"):
            start -= 1
        end = m.end()
        while end < len(line) and (line[end].isalnum() or line[end] in "_|"):
            end += 1
        parts = line[start:end].split("|")
        flag = rng.choice(flags)
        if flag in parts:
            parts.remove(flag)
        else:
            parts.append(flag)
        options.append(line[:start] + ("|".join(parts) or "0") + line[end:])
    return rng.choice(options) if options else None


def mutate_data(line: str, rng: random.Random) -> str | None:
    """A data argument (not a name, path or address) set to an edge length: empty, one byte,
    around a page, around 64 KiB, a socket buffer (`storm.edge_data`)."""
    if re.match(r"^[\w-]+: fork\(", line):
        return None  # a process's name, not data
    new = edge_data(line, rng.randrange(2), rng.choice(EDGE_DATA))
    return new if new != line else None


def mutate_uid(lines: list[str], rng: random.Random) -> list[str] | None:
    spawns = [i for i, line in enumerate(lines) if _UID.match(line)]
    if not spawns:
        return None
    i = rng.choice(spawns)
    m = _UID.match(lines[i])
    assert m is not None
    uid = rng.choice([u for u in UIDS if str(u) != m.group(2)])
    out = list(lines)
    out[i] = f"spawn {m.group(1)}" + ("" if uid == 1000 and rng.random() < 0.5 else f" uid={uid}")
    return out if out[i] != lines[i] else None


def _state_at(lines: list[str], i: int) -> Kernel | None:
    """The simulated kernel after the first `i` lines (None if one of them cannot run)."""
    kernel = Kernel()
    runner = Runner(kernel)
    for n, text in enumerate(lines[:i], 1):
        try:
            st = parse_line(text, n)
            if st is not None:
                runner.step(st)
        except (ScriptError, ExpectationFailed):
            return None
    return kernel


def mutate_insert(lines: list[str], family: str, rng: random.Random) -> list[str] | None:
    """A kill, close, shutdown or exit inserted in the middle, by a process that can call there."""
    if len(lines) < 3:
        return None
    i = rng.randrange(1, len(lines))
    kernel = _state_at(lines, i)
    if kernel is None:
        return None
    names = sorted({p for p in map(_proc, lines[:i]) if p is not None and kernel.process(p) is not None})
    ready = [p for p in names if can_call(kernel, p)]
    if not ready:
        return None
    p = rng.choice(ready)
    fds = sorted(fd for fd, _ in kernel.process(p).fds.items() if fd > 2)
    calls = _family_calls(family)
    choices = [f"{p}: kill({rng.choice(names)}, {rng.choice(_SIGS)})", f"{p}: exit({rng.randrange(3)})"]
    if fds and "close" in calls:
        choices.append(f"{p}: close({rng.choice(fds)})")
    if fds and "shutdown" in calls:
        choices.append(f"{p}: shutdown({rng.choice(fds)}, {rng.choice(['SHUT_RD', 'SHUT_WR', 'SHUT_RDWR'])})")
    return [*lines[:i], rng.choice(choices), *lines[i:]]


def mutate(lines: list[str], family: str, rng: random.Random) -> list[str] | None:
    """One mutation of `lines` (None when the drawn one does not apply)."""
    op = rng.choice(OPERATORS)
    n = len(lines)
    if op in ("number", "flag", "data"):  # on a line that has a number, flag or data to change
        order = list(range(n))
        rng.shuffle(order)
        for i in order:
            new = (mutate_number if op == "number" else mutate_flag if op == "flag" else mutate_data)(
                lines[i], rng
            )
            if new is not None:
                return [*lines[:i], new, *lines[i + 1 :]]
        return None
    if op == "swap":
        pairs = [i for i in range(n - 1) if _proc(lines[i]) != _proc(lines[i + 1])]
        if not pairs:
            return None
        i = rng.choice(pairs)
        return [*lines[:i], lines[i + 1], lines[i], *lines[i + 2 :]]
    if op == "delete":
        i = rng.randrange(1, n) if n > 1 else 0
        return [*lines[:i], *lines[i + 1 :]]
    if op == "duplicate":
        i = rng.randrange(n)
        return [*lines[: i + 1], lines[i], *lines[i + 1 :]]
    if op == "uid":
        return mutate_uid(lines, rng)
    return mutate_insert(lines, family, rng)


def valid(lines: list[str], known: frozenset[str] | set[str] = frozenset()) -> bool:
    """Whether the simulation runs every line (a line for a process that is blocked, stopped or
    dead, or one the language refuses, is a script error), as the other generators check each
    line they draw; and whether every line not in `known` (the source's own lines, which the
    real run is known to run) is one the real run can run at all."""
    kernel = Kernel()
    runner = Runner(kernel)
    for n, text in enumerate(lines, 1):
        if text not in known and not (runs_here(text) and _fds_fit(text) and scaled_fits(kernel, text)):
            return False
        try:
            st = parse_line(text, n)
            if st is None:
                return False
            runner.step(st)
        except ScriptError:
            return False
        except ExpectationFailed:  # pragma: no cover - plain lines carry no expectations
            return False
    return True


def draw(pool: list[Source], family: str, rng: random.Random) -> tuple[Source, str | None]:
    """One source and a valid mutant of it that differs from it (None if this draw found none)."""
    src = rng.choice(pool)
    lines = list(src.lines)
    for _ in range(rng.choice((1, 1, 2, 3))):
        lines = mutate(lines, family, rng) or lines
    if lines != list(src.lines) and valid(lines, set(src.lines)):
        return src, "\n".join(lines) + "\n"
    return src, None


def generate(family: str, count: int, seed: int = 0, root: Path = ROOT) -> list[str]:
    """`count` distinct mutants of `family`'s sources, the same for the same seed (fewer if the
    family has no source, or the draws run out)."""
    pool = family_sources(family, root)
    rng = random.Random(seed * 1_000_003 + zlib.crc32(family.encode()))
    found: list[str] = []
    seen: set[str] = set()
    for _ in range(count * 30 if pool else 0):
        _, text = draw(pool, family, rng)
        if text is not None and text not in seen:
            seen.add(text)
            found.append(text)
            if len(found) == count:
                break
    return found
