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
from ..script.parser import Assertion, Call, ScriptError, Spawn, Statement
from ..script.runner import ExpectationFailed, run_script
from .run import run_real

_CALL = re.compile(r"^[^:]+: (?:<\.\.\. )?(?P<call>[a-z_]+)[( ]")

# The simulation's departures from Linux, as SPEC section 2 states them, by the calls they touch.
DEPARTURES: dict[str, str] = {
    "buffer": "buffer sizes: the simulation gives every socket 65536 bytes to receive into; "
    "Linux sizes and tunes its own, so a send can block, or not, at a different point",
    "clock": "no clock: where Linux finishes a call after a timeout or a retry, the simulation "
    "finishes it at the event that makes it possible",
    "realtime": "real-time signals (32 to 64) are not modelled: the simulation refuses them",
    "ports": "ephemeral ports: the simulation hands them out in order from 32768; Linux picks "
    "them at random (the real run renumbers those it sees, first seen first numbered)",
}
_REALTIME = re.compile(r"^[^:]+: (signal|kill|sigprocmask)\(.*\b(3[2-9]|[45][0-9]|6[0-4])\b.*= -1 EINVAL")
_BY_CALL = {
    "send": "buffer",
    "sendto": "buffer",
    "recv": "buffer",
    "recvfrom": "buffer",
    "connect": "clock",
    "accept": "clock",
    "bind": "ports",
}


@dataclass
class Side:
    """One run: its trace lines, and how it ended (0 or a script error's message)."""

    lines: list[str] = field(default_factory=list)
    error: str | None = None
    skipped: int = 0


@dataclass
class Difference:
    simulated: str | None
    real: str | None
    reason: str | None  # None: not a known departure, so one of the two is wrong

    def as_json(self) -> dict[str, Any]:
        return {"simulated": self.simulated, "real": self.real, "reason": self.reason}


@dataclass
class Diff:
    simulated: Side
    real: Side
    rows: list[tuple[str | None, str | None, str | None, bool]]  # sim, real, reason, differs
    differences: list[Difference]
    note: str = ""

    @property
    def agree(self) -> bool:
        return not self.differences


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


def _run(statements: list[Statement], real: bool, block_timeout: float) -> tuple[Side, str]:
    side = Side()
    note = ""
    try:
        if real:
            kernel = run_real(statements, side.lines.append, "text", block_timeout)
            side.skipped, note = kernel.skipped, kernel.note
        else:
            run_script(statements, side.lines.append, "text")
    except ScriptError as e:
        side.error = f"line {e.lineno}: error: {e.message}"
    except ExpectationFailed as e:  # pragma: no cover - expectations were taken out
        side.error = f"line {e.lineno}: expected {e.expected}, got {e.got}"
    return side, note


def _proc(line: str) -> str:
    return line.split(":", 1)[0] if ":" in line else ""


def reason_for(sim: str | None, real: str | None) -> str | None:
    """The departure that explains a differing line, if it is one."""
    for text in (real, sim):
        if text and text.startswith("# cannot run here: "):
            return "cannot run here: " + text.rsplit(" -- ", 1)[-1]
    if sim and _REALTIME.match(sim):
        return DEPARTURES["realtime"]
    for text in (sim, real):
        m = _CALL.match(text or "")
        if m and m.group("call") in _BY_CALL:
            return DEPARTURES[_BY_CALL[m.group("call")]]
    return None


def plain_script(statements: list[Statement]) -> str:
    """The script as `ipctui run --real` takes it for a diff: no expectations, no assertions."""
    return "".join(st.text + "\n" for st in _unchecked(statements) if isinstance(st, (Spawn, Call)))


def simulate(statements: list[Statement]) -> Side:
    return _run(_unchecked(statements), False, BLOCK_TIMEOUT)[0]


def diff(statements: list[Statement], block_timeout: float = BLOCK_TIMEOUT) -> Diff:
    plain = _unchecked(statements)
    sim, _ = _run(plain, False, block_timeout)
    real, note = _run(plain, True, block_timeout)
    return compare(sim, real, note)


def compare(sim: Side, real: Side, note: str = "") -> Diff:
    """Line by line, each differing line with its reason."""
    a = sim.lines + ([f"error: {sim.error}"] if sim.error else [])
    b = real.lines + ([f"error: {real.error}"] if real.error else [])
    rows: list[tuple[str | None, str | None, str | None, bool]] = []
    differences: list[Difference] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    ended: str | None = None  # which run has stopped on a script error, from here on
    skipped: set[str] = set()  # processes with a line that could not run here
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows.extend((x, x, None, False) for x in a[i1:i2])
            continue
        left, right = a[i1:i2], b[j1:j2]
        for k in range(max(len(left), len(right))):
            s = left[k] if k < len(left) else None
            r = right[k] if k < len(right) else None
            if ended is not None and (s if ended == "simulated" else r) is None:
                why: str | None = f"the {ended} run had stopped"
            elif (
                any(t and t.startswith("error: ") for t in (s, r)) and differences and differences[-1].reason
            ):
                why = "follows from the difference above"
            else:
                why = reason_for(s, r)
            if r and r.startswith("# cannot run here: "):
                skipped.add(r.removeprefix("# cannot run here: ").split(":", 1)[0].removeprefix("spawn "))
            elif why is None and _proc(s or r or "") in skipped:
                why = f"follows from a line of {_proc(s or r or '')} that could not run here"
            for side, text in (("simulated", s), ("real", r)):
                if text is not None and text.startswith("error: "):
                    ended = side
            rows.append((s, r, why, True))
            differences.append(Difference(s, r, why))
    return Diff(sim, real, rows, differences, note)


def to_json(d: Diff, script: str) -> dict[str, Any]:
    def side(s: Side) -> dict[str, Any]:
        return {"trace": s.lines, "error": s.error, "cannot_run": s.skipped}

    return {
        "script": script,
        "agree": d.agree,
        "simulated": side(d.simulated),
        "real": side(d.real) | {"note": d.note},
        "differences": [x.as_json() for x in d.differences],
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
        style = "" if not differs else ("yellow" if why else "bold red")
        table.add_row(
            Text(s or "", style=style), Text("≠" if differs else "", style=style), Text(r or "", style=style)
        )
        if differs:
            table.add_row(
                "",
                "",
                Text(
                    f"↳ {why or 'not a known departure: one of the two kernels is wrong'}",
                    style="dim" if why else "red",
                ),
            )
    parts: list[Any] = [table]
    if d.agree:
        parts.append(Text("The two kernels agree on every line.", style="green"))
    else:
        n = len(d.differences)
        known = sum(1 for x in d.differences if x.reason)
        parts.append(
            Text(
                f"{n} line{'s' if n != 1 else ''} differ; {known} of them by a known departure.",
                style="yellow",
            )
        )
    if d.real.skipped:
        parts.append(Text(f"{d.real.skipped} line(s) could not run here, so they were not checked."))
    if d.note:
        parts.append(Text(f"Real run: {d.note}.", style="dim"))
    return Group(*parts)
