"""The held-in conformance cases (tests/conform/*.ipc): each file is the trace Linux gives for it,
written as a script, so it must reproduce itself on the simulated kernel and on the real one.
Shared by test_conform_sysv.py and test_conform_dup.py, which take their families of files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ipctui.check.run import run_real
from ipctui.script import parse
from ipctui.script.runner import run_script

CONFORM = Path(__file__).parents[1] / "conform"
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="uid= needs root (CI runs as root)")


def cases(*prefixes: str) -> list[Path]:
    """The case files whose names start with one of `prefixes`, in name order."""
    return sorted(p for p in CONFORM.glob("*.ipc") if p.name.startswith(prefixes))


def expected(path: Path) -> list[str]:
    """The trace a case file states: its lines without comments and blanks."""
    return [ln for ln in path.read_text().splitlines() if ln.strip() and not ln.startswith("#")]


def simulated(path: Path) -> list[str]:
    out: list[str] = []
    run_script(parse(path.read_text(), str(path)).statements, out.append, "text")
    return out


def real(path: Path) -> list[str]:
    """The trace of the real run; every line must have run here (none 'cannot run here')."""
    out: list[str] = []
    kernel = run_real(parse(path.read_text(), str(path)).statements, out.append, "text")
    assert kernel.skipped == 0, [ln for ln in out if ln.startswith("# cannot run here")]
    return out
