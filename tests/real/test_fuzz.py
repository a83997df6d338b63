"""The differential fuzzer in the suite: a fixed number of generated scripts per family run on
the simulated kernel and on the real one, and must agree line for line, or differ only where a
departure the diff names explains the line. Hypothesis shrinks a disagreement to a minimal
script (its lines are drawn so that every one can run, shrunk or not)."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings

from ipctui.check.diff import diff
from ipctui.fuzz.strategies import FAMILIES, scripts
from ipctui.script import parse

PER_FAMILY = 6

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="the real run of uid= needs root (CI runs as root)")


@needs_root
@pytest.mark.parametrize("family", FAMILIES)
def test_generated_scripts_agree_on_both_kernels(family: str):
    @settings(
        max_examples=PER_FAMILY,
        database=None,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(scripts(family))
    def check(script: str) -> None:
        d = diff(parse(script).statements)
        unexplained = [(x.simulated, x.real) for x in d.differences if not x.reason]
        assert not unexplained and d.stopped is None, f"{script}\n{unexplained}\n{d.stopped}"

    check()


@pytest.mark.parametrize("family", FAMILIES)
def test_the_generator_keeps_only_lines_a_process_can_make(family: str):
    """Run alone on the simulation, a generated script never names a process that is blocked,
    stopped or dead (that would be a script error)."""
    from ipctui.script.runner import run_script

    @settings(max_examples=40, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(scripts(family))
    def check(script: str) -> None:
        run_script(parse(script).statements, lambda line: None, "text")

    check()


def test_every_call_has_a_strategy_and_a_family():
    """Each call of the registry is drawn by a strategy of its own, and some family mixes it
    (fork is drawn by every family whose objects are shared through fork)."""
    from ipctui.engine import SYSCALLS
    from ipctui.fuzz.strategies import CALL_LINES

    assert set(CALL_LINES) == set(SYSCALLS)
    mixed = {call for fam in FAMILIES.values() for call in fam.calls}
    assert set(SYSCALLS) - mixed <= {"fork"} and any(fam.forks for fam in FAMILIES.values())
