"""Conformance of dup and dup2 (0-2 as redirection targets, EBADF, EMFILE, sharing across fork):
each case in tests/conform/dup_*.ipc is the trace Linux gives, on both kernels."""

from __future__ import annotations

from pathlib import Path

import pytest
from conform_cases import cases, expected, needs_root, real, simulated

CASES = cases("dup")


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_the_simulation_gives_linux_s_trace(path: Path) -> None:
    assert simulated(path) == expected(path)


@needs_root
@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_the_real_kernel_gives_the_same_trace(path: Path) -> None:
    assert real(path) == expected(path)
