"""Conformance of System V semaphores, shared memory and ftok: each case in tests/conform is the
trace Linux gives, and both kernels must give it line for line."""

from __future__ import annotations

from pathlib import Path

import pytest
from conform_cases import CONFORM, cases, expected, needs_root, real, simulated

CASES = cases("sysv_", "ftok")


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_the_simulation_gives_linux_s_trace(path: Path) -> None:
    assert simulated(path) == expected(path)


@needs_root
@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_the_real_kernel_gives_the_same_trace(path: Path) -> None:
    assert real(path) == expected(path)


def test_every_case_file_belongs_to_a_family() -> None:
    """A case file named for no family would be run by neither test module."""
    families = ("sysv_", "ftok", "dup")
    assert [p.name for p in CONFORM.glob("*.ipc") if not p.name.startswith(families)] == []
    assert len(CASES) >= 10


@needs_root
@pytest.mark.parametrize(
    "line",
    [
        "A: semctl(0, 0, IPC_SET)",
        "A: semctl(0, 0, IPC_INFO)",
        "A: semctl(0, 0, 19)",
        "A: shmctl(0, IPC_SET)",
        "A: shmctl(0, SHM_LOCK)",
        "A: shmctl(0, SHM_INFO)",
    ],
)
def test_a_command_a_script_cannot_use_is_the_same_script_error_on_both_kernels(line: str) -> None:
    """Commands that take or fill a structure the language cannot write (IPC_SET) or report the
    machine (IPC_INFO) are refused by both kernels alike, before either touches anything."""
    from ipctui.check.run import run_real
    from ipctui.script import ScriptError, parse, run_script

    made = "A: semget(IPC_PRIVATE, 1, IPC_CREAT|0600)\nA: shmget(IPC_PRIVATE, 1, IPC_CREAT|0600)\n"
    text = f"spawn A\n{made}{line}\n"
    errors = []
    for run in (run_script, run_real):
        with pytest.raises(ScriptError) as e:
            run(parse(text, "t.ipc").statements, lambda _line: None)
        errors.append((e.value.lineno, e.value.message))
    assert errors[0] == errors[1] and errors[0][0] == 4
    assert "cannot" in errors[0][1] or "limits" in errors[0][1] or "not model" in errors[0][1]
