"""The registry of calls, walked call by call: everything a call needs beside its simulated
semantics is there, so adding a call cannot leave a place behind without a test failing."""

from __future__ import annotations

import ast
import dataclasses
import re
import typing
from pathlib import Path

import pytest
from helpers import sample_session
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipctui.app.app import PANES
from ipctui.engine import SYSCALLS
from ipctui.engine.prefill import no_prefill
from ipctui.explore.state import OBJECT_KINDS
from ipctui.fuzz.strategies import CALL_LINES, At
from ipctui.real.calls import REAL
from ipctui.script import Call, parse_line
from ipctui.vocab.calls import KINDS
from ipctui.vocab.events import Kind
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
    handler = REAL.get(name)
    assert handler is not None or spec.no_real, f"{name}: no real implementation and no stated reason"
    assert not (handler is not None and spec.no_real), f"{name}: a real implementation, yet a reason not to"


@pytest.mark.parametrize("name", CALLS)
def test_a_calls_real_side_sits_with_its_mechanism(name: str) -> None:
    """One place per call: its real side is registered in ipctui/real/calls/<its mechanism>.py."""
    if name in REAL:
        assert REAL[name].module == f"ipctui.real.calls.{SYSCALLS[name].mechanism}", REAL[name].module


@pytest.mark.parametrize("name", sorted(REAL))
def test_a_call_that_takes_a_descriptor_first_is_checked_for_one(name: str) -> None:
    """The worker refuses a descriptor past the process's limit (or its channel) before the
    kernel sees it, for exactly the calls whose first parameter is a descriptor."""
    params = SYSCALLS[name].params
    assert REAL[name].fd_first == bool(params and params[0].kind == "fd")


def test_every_real_registration_is_a_call_of_the_language() -> None:
    assert set(REAL) <= set(SYSCALLS), set(REAL) - set(SYSCALLS)


# The real kernel's own modules: they look a call up in the registry and never branch on its name.
# A string that names a call may appear there only as an event kind ("signal", "exit"). (libc.py
# is the C library's table of prototypes: its strings name C functions.)
REAL_CORE = ("kernel", "supervisor", "order", "worker", "limits", "places", "sandbox", "wire")
EVENT_KINDS = set(typing.get_args(Kind))


def _call_names_in(source: str) -> list[tuple[int, str]]:
    """Every string constant in the source that names a call (and is not an event kind)."""
    return [
        (node.lineno, node.value)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value in SYSCALLS
        and node.value not in EVENT_KINDS
    ]


@pytest.mark.parametrize("module", REAL_CORE)
def test_the_real_kernel_names_no_call(module: str) -> None:
    path = ROOT / "ipctui" / "real" / f"{module}.py"
    found = _call_names_in(path.read_text())
    assert not found, f"{path.name} names calls: {found}"


@pytest.mark.parametrize("module", sorted(p.stem for p in (ROOT / "ipctui" / "explore").glob("*.py")))
def test_explore_names_no_call(module: str) -> None:
    """What a line may change or read (its reach, its lookups) is part of its registration, so a
    new call needs no edit in explore."""
    path = ROOT / "ipctui" / "explore" / f"{module}.py"
    found = [(n, name) for n, name in _call_names_in(path.read_text()) if name not in OBJECT_KINDS]
    assert not found, f"{path.name} names calls: {found}"


def test_the_check_for_call_names_can_fail() -> None:
    source = 'if name == "fork":\n    pass\nelif name in ("mq_open", "semop"):\n    pass\nkind = "signal"\n'
    assert _call_names_in(source) == [(1, "fork"), (3, "mq_open"), (3, "semop")]


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


def test_the_real_kernel_takes_a_call_from_its_registration(monkeypatch: pytest.MonkeyPatch) -> None:
    """The kernel looks the call up in REAL and nowhere else: a registration's hooks are what runs
    (here getpid's, replaced: its answer is translated by the new `after`)."""
    from ipctui.real.kernel import RealKernel

    seen: list[str] = []
    replaced = dataclasses.replace(REAL["getpid"], prepare=lambda line: seen.append(line.name))
    replaced.finish = lambda line, value: [value > 0, "translated"]
    monkeypatch.setitem(REAL, "getpid", replaced)
    with RealKernel(SYSCALLS, block_timeout=0.05) as kernel:
        kernel.spawn("a")
        assert kernel.call("a", "getpid")[0].result == [True, "translated"]
    assert seen == ["getpid"]


def test_a_c_function_is_declared_once() -> None:
    """Each mechanism's module declares the prototypes it uses; a second, different declaration of
    one function (two modules disagreeing about C) is refused at import."""
    from ctypes import c_int, c_long

    from ipctui.real.libc import proto

    proto("kill", c_int, c_int, c_int)  # the same again: fine
    with pytest.raises(ValueError, match="kill"):
        proto("kill", c_int, c_long, c_int)
