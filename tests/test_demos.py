"""The demos: each is a golden test of the engine, 15 to 60 lines, narrated, reachable from the CLI."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ipctui.demos import ORDER, all_demos, get
from ipctui.script import Narration, parse, run_script


@pytest.mark.parametrize("name", ORDER)
def test_demo_is_a_golden_trace_of_the_right_length(name: str) -> None:
    demo = get(name)
    assert demo is not None
    statements = parse(demo.text, f"{name}.ipc").statements
    out: list[str] = []
    run_script(statements, out.append)  # every result written in must hold
    assert out == [ln for ln in demo.text.splitlines() if ln and not ln.startswith("#")]
    assert 15 <= demo.lines <= 60
    narration = [st for st in statements if isinstance(st, Narration)]
    assert len(narration) >= 5, "a demo tells a story"


def test_the_issue_lists_every_demo() -> None:
    assert [d.name for d in all_demos()] == ORDER
    assert set(ORDER) == {
        "tour",
        "pipe",
        "shell-pipeline",
        "shell-redirection",
        "fifo",
        "producer-consumer",
        "addressed-messages",
        "shared-memory",
        "semaphores",
        "deadlock",
        "sysv",
        "lost-wakeup",
        "signals",
        "sockets",
    }


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ipctui", *args], capture_output=True, text=True, timeout=60)


def test_cli_lists_prints_and_refuses_unknown_demos() -> None:
    listed = cli("demos")
    assert listed.returncode == 0
    assert [ln.split()[0] for ln in listed.stdout.splitlines()[: len(ORDER)]] == ORDER
    printed = cli("demo", "pipe", "--print")
    assert printed.returncode == 0 and printed.stdout == get("pipe").text  # type: ignore[union-attr]
    unknown = cli("demo", "nope")
    assert unknown.returncode == 2 and "the demos are: tour" in unknown.stderr
    which = cli("demo")  # no name: the list, on stderr, and nothing opens
    assert which.returncode == 2 and which.stdout == ""
    assert "which demo?" in which.stderr and all(name in which.stderr for name in ORDER)
    both = cli("demo", "pipe", "--quiz", "--print")
    assert both.returncode == 2 and both.stdout == ""
    assert "Error: --quiz opens the playground and --print only prints" in both.stderr
