"""The registry of calls, walked call by call: everything a call needs beside its simulated
semantics is there, so adding a call cannot leave a place behind without a test failing."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from helpers import sample_session
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipctui.app.app import PANES
from ipctui.engine import SYSCALLS
from ipctui.engine.prefill import no_prefill
from ipctui.real.worker import Worker
from ipctui.script import Call, parse_line
from ipctui.vocab.calls import KINDS
from ipctui.vocab.mechanisms import BY_NAME, MECHANISMS

try:  # per-call fuzz strategies, added on the `fidelity` branch; checked below once merged
    from ipctui.fuzz.strategies import CALL_LINES, At
except ImportError:
    CALL_LINES = None

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


@pytest.mark.parametrize("name", CALLS)
def test_a_call_has_a_form_prefill(name: str) -> None:
    """Its own, registered in its mechanism module, or the default: either way a pure function of
    (kernel, process) giving text for the call's own parameters only (the form has no others)."""
    spec = SYSCALLS[name]
    assert callable(spec.prefill), f"{name}: no prefill (the registry gives every call the default)"
    runner = sample_session()
    names = {p.name for p in spec.params} | set(spec.keywords)
    for proc in ("A", "B"):
        fill = spec.prefill(runner.kernel, runner.kernel.process(proc))
        assert set(fill) <= names, f"{name}: prefills {set(fill) - names}, not parameters of {spec.usage()}"
        assert all(isinstance(v, str) and v.strip() for v in fill.values()), f"{name}: {fill}"
    if spec.params and spec.params[0].kind == "fd" and spec.prefill is no_prefill:
        pytest.fail(f"{name}: takes a descriptor first, yet its form never offers one")


@pytest.mark.parametrize("name", CALLS)
def test_a_call_has_a_fuzz_strategy_that_draws_it(name: str) -> None:
    """ipctui.fuzz.strategies.CALL_LINES (the fuzzer's strategy per call) draws lines of this very
    call, for the process asked, that parse."""
    if CALL_LINES is None:
        pytest.skip("ipctui.fuzz.strategies.CALL_LINES (branch fidelity) is not merged yet")
    assert name in CALL_LINES, f"{name}: no strategy in ipctui.fuzz.strategies.CALL_LINES"
    where = At(
        p="A",
        fds=st.sampled_from([3, 4, 9]),
        handles=st.just(1),
        paths=st.sampled_from(["/tmp/f", "/tmp/s"]),
        segments=st.sampled_from(["/m", 0]),
    )

    @settings(max_examples=8, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def draws(data: st.DataObject) -> None:
        line = data.draw(CALL_LINES[name](where))
        st_ = parse_line(line)
        assert isinstance(st_, Call) and st_.call == name and st_.proc == "A", line

    draws()
