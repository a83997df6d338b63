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
