"""The two demos of issue 17 tell what they say: the shell's redirection wires `ls | wc` with
dup2, and SEM_UNDO gives a killed holder's semaphore back where a POSIX mutex stays held."""

from __future__ import annotations

import os

import pytest

from ipctui.check.run import run_real
from ipctui.demos import get
from ipctui.engine import Kernel
from ipctui.script import parse, run_script
from ipctui.script.runner import Runner


def _text(name: str) -> str:
    demo = get(name)
    assert demo is not None
    return demo.text


def test_shell_redirection_moves_the_pipe_onto_0_and_1():
    text = _text("shell-redirection")
    assert "ls: dup2(4, 1) = 1" in text and "wc: dup2(3, 0) = 0" in text
    assert 'wc: <... read resumed> = "a.txt\\nb.txt\\n"' in text
    assert "wc: pipe() = [0, 3]" in text  # a closed 0 is handed out again


def test_sysv_demo_gives_the_semaphore_back_and_the_segment_outlives_its_removal():
    kernel = Kernel()
    runner = Runner(kernel)
    statements = parse(_text("sysv"), "sysv.ipc").statements
    seen_marked = False
    for st in statements:
        runner.step(st)
        seg = kernel.sysv_shm.get(0)
        seen_marked |= seg is not None and seg.marked and seg.nattch > 0
    assert seen_marked
    assert kernel.sem_sets == {} and kernel.sysv_shm == {} and kernel.msqs == {}
    text = _text("sysv")
    assert "teller2: <... semop resumed> = 0" in text.split("teller1: +++ killed by SIGKILL +++")[1]
    assert "deadlock demo" in text


@pytest.mark.skipif(os.geteuid() != 0, reason="the real run's namespaces need root (CI runs as root)")
@pytest.mark.parametrize("name", ["shell-redirection", "sysv"])
def test_the_demos_hold_on_the_real_kernel(name: str):
    text = _text(name)
    out: list[str] = []
    kernel = run_real(parse(text, f"{name}.ipc").statements, out.append)
    assert kernel.skipped == 0
    sim: list[str] = []
    run_script(parse(text, f"{name}.ipc").statements, sim.append)
    assert out == sim
