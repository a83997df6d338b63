"""Every golden, demo and example trace was written by the simulation; here each also runs on the
real kernel with every expectation holding, or says in a `# departure: NAME -- why` comment which
of the simulation's departures (SPEC section 2) keeps it from doing so, and then the diff must
show that departure, and only it, on every line that differs."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from ipctui.check.diff import DEPARTURES, diff
from ipctui.check.run import run_real
from ipctui.script import parse

ROOT = Path(__file__).resolve().parents[2]
TRACES = (
    sorted((ROOT / "tests" / "golden").glob("*.ipc"))
    + sorted((ROOT / "tests" / "examples").glob("*.ipc"))
    + sorted((ROOT / "ipctui" / "demos").glob("*.ipc"))
)
_DEPARTURE = re.compile(r"^# departure: (?P<name>[^-]+?) -- ", re.M)

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="uid= and the real run need root (CI runs as root)")


def departure(text: str) -> str | None:
    """The departure a trace names, as DEPARTURES has it (`no clock` -> its full text)."""
    m = _DEPARTURE.search(text)
    if m is None:
        return None
    name = m.group("name").strip()
    matches = [v for v in DEPARTURES.values() if v.startswith(name + ":")]
    assert matches, f"# departure: {name} is not one of SPEC's departures"
    return matches[0]


@pytest.mark.parametrize("path", TRACES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_the_trace_holds_on_the_real_kernel_or_names_its_departure(path: Path):
    text = path.read_text()
    statements = parse(text, str(path)).statements
    named = departure(text)
    if named is None:
        kernel = run_real(statements, lambda line: None)  # raises on any expectation that fails
        assert kernel.skipped == 0, "a line could not run here"
        return
    d = diff(statements)
    assert not d.agree, f"{path.name} names a departure but agrees on Linux: take the comment out"
    assert d.unexplained == 0, [x for x in d.differences if not x.reason and not x.uncompared]
    assert {x.reason for x in d.differences if not x.uncompared} == {named}
