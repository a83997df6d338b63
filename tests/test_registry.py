"""The registry of calls, walked call by call: everything a call needs beside its simulated
semantics is there, so adding a call cannot leave a place behind without a test failing."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from ipctui.app.app import PANES
from ipctui.engine import SYSCALLS
from ipctui.real.worker import Worker
from ipctui.vocab.calls import KINDS
from ipctui.vocab.mechanisms import BY_NAME, MECHANISMS

ROOT = Path(__file__).resolve().parent.parent
CALLS = sorted(SYSCALLS)


def _tests_text() -> str:
    here = Path(__file__).resolve()
    return "\n".join(
        p.read_text()
        for p in (ROOT / "tests").rglob("*")
        if p.suffix in (".py", ".ipc") and p.resolve() != here
    )


TESTS = _tests_text()


@pytest.mark.parametrize("name", CALLS)
def test_a_call_runs_for_real_or_says_why_not(name: str) -> None:
    spec = SYSCALLS[name]
    handler = getattr(Worker, f"c_{name}", None)
    assert handler is not None or spec.no_real, f"{name}: no real implementation and no stated reason"
    assert not (handler is not None and spec.no_real), f"{name}: a real implementation, yet a reason not to"


@pytest.mark.parametrize("name", CALLS)
def test_a_call_has_its_help_and_its_mechanism(name: str) -> None:
    spec = SYSCALLS[name]
    assert spec.summary.strip(), f"{name}: no summary for the help and the picker"
    assert spec.mechanism in BY_NAME, f"{name}: mechanism {spec.mechanism!r} is not in vocab.mechanisms"
    assert all(p.kind in KINDS for p in spec.params)


@pytest.mark.parametrize("name", CALLS)
def test_a_call_is_tested(name: str) -> None:
    assert re.search(rf"\b{name}\(", TESTS), f"{name}: no test or golden script makes this call"


def test_every_mechanism_has_calls_and_a_pane_that_exists() -> None:
    panes = {pid for pid, _, _ in PANES}
    used = {spec.mechanism for spec in SYSCALLS.values()}
    for m in MECHANISMS:
        assert m.name in used, f"mechanism {m.name} has no calls"
        assert m.pane is None or m.pane in panes, f"mechanism {m.name}: no pane {m.pane}"


def test_a_call_that_cannot_run_for_real_says_why_on_its_line() -> None:
    """A registration's stated reason is what the real run reports for that call."""
    from ipctui.real.kernel import CannotRun, RealKernel

    calls = {**SYSCALLS, "getpid": dataclasses.replace(SYSCALLS["getpid"], no_real="no pids on this machine")}
    with RealKernel(calls, block_timeout=0.05) as kernel:
        kernel.spawn("a")
        with pytest.raises(CannotRun, match="no pids on this machine"):
            kernel.call("a", "getpid")
        assert kernel.call("a", "pipe")[0].status == "ok"  # the others still run
