"""The differential fuzzer in the suite: a fixed number of generated scripts per family run on
the simulated kernel and on the real one, and must agree line for line, or differ only where a
departure the diff names explains the line. Hypothesis shrinks a disagreement to a minimal
script (its lines are drawn so that every one can run, shrunk or not)."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings

from ipctui.check.diff import diff
from ipctui.fuzz.storm import edge_data, edge_numbers, storms
from ipctui.fuzz.strategies import FAMILIES, scripts
from ipctui.script import parse

PER_FAMILY = {"lines": 6, "storm": 2}  # scripts per family of each generator

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="the real run of uid= needs root (CI runs as root)")


@needs_root
@pytest.mark.parametrize("shape", PER_FAMILY)
@pytest.mark.parametrize("family", FAMILIES)
def test_generated_scripts_agree_on_both_kernels(family: str, shape: str):
    @settings(
        max_examples=PER_FAMILY[shape],
        database=None,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(scripts(family) if shape == "lines" else storms(family))
    def check(script: str) -> None:
        d = diff(parse(script).statements)
        unexplained = [(x.simulated, x.real) for x in d.differences if not x.reason]
        assert not unexplained and d.stopped is None, f"{script}\n{unexplained}\n{d.stopped}"

    check()


@pytest.mark.parametrize("shape", ["lines", "storm"])
@pytest.mark.parametrize("family", FAMILIES)
def test_the_generator_keeps_only_lines_a_process_can_make(family: str, shape: str):
    """Run alone on the simulation, a generated script never names a process that is blocked,
    stopped or dead (that would be a script error)."""
    from ipctui.script.runner import run_script

    drawn = scripts(family) if shape == "lines" else storms(family)

    @settings(
        max_examples=40 if shape == "lines" else 8,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(drawn)
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


def test_edge_values_replace_numbers_and_data_but_not_names():
    line = 'A: sendto(3, "hi", "127.0.0.1:9000")'
    assert edge_numbers(line, 0, -1) == 'A: sendto(-1, "hi", "127.0.0.1:9000")'
    assert edge_data(line, 0, "") == 'A: sendto(3, "", "127.0.0.1:9000")'
    assert edge_numbers('B: poke("/fs1", 10, "x")', 0, 4096) == 'B: poke("/fs1", 4096, "x")'
    assert edge_data('B: poke("/fs1", 10, "x")', 0, "zz") == 'B: poke("/fs1", 10, "zz")'
    assert edge_numbers("A: kill(B, SIGUSR1)", 0, 7) == "A: kill(B, SIGUSR1)"  # nothing to change
    assert (
        edge_numbers("A: msgget(0x1234, IPC_CREAT, mode=0600)", 0, 9)
        == "A: msgget(0x1234, IPC_CREAT, mode=9)"
    )


def test_storms_draw_no_pipe_the_real_run_cannot_scale():
    """A page size that is not a power of two up to this machine's page, or an F_SETPIPE_SZ that
    scaled to real bytes passes pipe-max-size, cannot run here: a storm does not draw it."""
    from ipctui.engine import Kernel
    from ipctui.fuzz.storm import runs_here
    from ipctui.fuzz.strategies import scaled_fits
    from ipctui.script.runner import Runner

    assert runs_here("A: pipe(capacity=16, page_size=4)")
    assert not runs_here("A: pipe(capacity=16, page_size=8192)")
    assert not runs_here("A: pipe(capacity=16, page_size=3)")
    assert runs_here("A: pipe(capacity=1024, page_size=4)")  # 1024 x 1024 real bytes: 1 MiB
    assert not runs_here("A: pipe(capacity=1025, page_size=4)")
    kernel = Kernel()
    runner = Runner(kernel)
    for text in ("spawn A", "A: pipe(capacity=16, page_size=4)", "A: pipe()"):
        statement = parse(text).statements[0]
        runner.step(statement)
    assert scaled_fits(kernel, "A: fcntl(4, F_SETPIPE_SZ, 1024)")  # 1024 x 1024 real bytes: 1 MiB
    assert not scaled_fits(kernel, "A: fcntl(4, F_SETPIPE_SZ, 1025)")
    assert scaled_fits(kernel, "A: fcntl(6, F_SETPIPE_SZ, 1048576)")  # a pipe of whole pages
