"""The System V, ftok and dup/dup2 scripts of the engine's tests, run on this machine's kernel:
each must reproduce itself there too (both kernels agree), and leave none of its objects behind."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from ipctui.check.run import run_real
from ipctui.script import parse

HERE = Path(__file__).parents[1] / "engine"
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="uid= needs root (CI runs as root)")


def _scripts() -> list[tuple[str, str]]:
    """Every script the engine's tests check, collected by running them with a recording check."""
    import importlib.util
    import sys

    sys.path.insert(0, str(HERE.parent))
    found: list[tuple[str, str]] = []
    for stem in ("test_sysv_sem", "test_sysv_shm", "test_dup", "test_ftok"):
        spec = importlib.util.spec_from_file_location(f"_real_{stem}", HERE / f"{stem}.py")
        assert spec is not None and spec.loader is not None
        mod: ModuleType = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        for name in dir(mod):
            fn = getattr(mod, name)
            if name.startswith("test_") and callable(fn) and getattr(mod, "check", None):
                texts: list[str] = []
                mod.check = texts.append  # type: ignore[attr-defined]
                try:
                    _call(fn)
                except (TypeError, AssertionError):
                    continue  # a parametrized test or one that checks no script
                finally:
                    del mod.check
                    mod.check = texts.append  # type: ignore[attr-defined]
                found += [(f"{stem}::{name}#{i}", text) for i, text in enumerate(texts)]
    return found


def _call(fn: Callable[[], None]) -> None:
    fn()


# Where the real run cannot show what the simulation shows, and why (said, not hidden).
NOT_HERE = {
    "test_dup::test_the_terminal_is_not_modelled#0": "a worker's 0-2 stand in for the terminal",
}
SCRIPTS = [(n, t) for n, t in _scripts() if n not in NOT_HERE]
GOLDEN = [Path(__file__).parents[1] / "golden" / n for n in ("dup2_redirect.ipc", "sysv_sem_undo.ipc")]


def _live_ids(kind: str) -> set[int]:
    rows = Path(f"/proc/sysvipc/{kind}").read_text().splitlines()[1:]
    return {int(row.split()[1]) for row in rows}


@needs_root
@pytest.mark.parametrize(("name", "text"), SCRIPTS, ids=[n for n, _ in SCRIPTS])
def test_the_engine_scripts_hold_on_the_real_kernel(name: str, text: str) -> None:
    body = textwrap.dedent(text)
    out: list[str] = []
    kernel = run_real(parse(body, name).statements, out.append)
    assert kernel.skipped == 0
    assert out == [ln.strip() for ln in body.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    made = kernel.books.sysv
    assert not made["sem"].keys() & _live_ids("sem"), "a semaphore set the run made was left behind"
    assert not made["shm"].keys() & _live_ids("shm"), "a segment the run made was left behind"


@needs_root
@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.stem)
def test_the_golden_traces_hold_on_the_real_kernel(path: Path) -> None:
    text = path.read_text()
    out: list[str] = []
    kernel = run_real(parse(text, str(path)).statements, out.append)
    assert kernel.skipped == 0
    assert out == [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def test_scripts_were_collected() -> None:
    assert len(SCRIPTS) >= 20
    assert {n.split("::")[0] for n, _ in SCRIPTS} == {
        "test_sysv_sem",
        "test_sysv_shm",
        "test_dup",
        "test_ftok",
    }


@needs_root
@pytest.mark.parametrize(
    "line",
    [
        "A: semop(0, [[0]])",
        "A: semop(0, [[0, 40000]])",
        "A: semctl(0, 0, SETVAL)",
        "A: semctl(0, 0, SETALL, 3)",
    ],
)
def test_a_malformed_call_is_the_same_script_error_on_both_kernels(line: str) -> None:
    from ipctui.script import ScriptError, run_script

    text = f"spawn A\nA: semget(IPC_PRIVATE, 1, IPC_CREAT|0600)\n{line}\n"
    errors = []
    for run in (run_script, run_real):
        with pytest.raises(ScriptError) as e:
            run(parse(text, "t.ipc").statements, lambda _line: None)
        errors.append((e.value.lineno, e.value.message))
    assert errors[0] == errors[1] and errors[0][0] == 3
