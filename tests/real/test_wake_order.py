"""Several semop sleepers woken by one line: the real run shows them in the order Linux completes
them (ipc/sem.c update_queue, which the simulation follows), not in the order they began to wait
nor in the order their replies happen to reach the runner. Each script is run on both kernels with
`ipctui diff`'s comparison; several runs, since the processes race to the runner."""

from __future__ import annotations

import os

import pytest

from ipctui.check.diff import diff
from ipctui.script import parse

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="real runs need namespaces (CI runs as root)")

SLEEPERS = """
spawn A
spawn B
spawn C
spawn D
A: semget(IPC_PRIVATE, 2, IPC_CREAT|0600)
A: semctl(0, 0, SETVAL, 1)
A: semop(0, [[0, -3]])
B: semop(0, [[0, -2]])
C: semop(0, [[0, 0]])
"""

# (the waking line, the order the three sleepers resume in, as Linux and the simulation give it)
WAKERS = {
    # a zero-waiter is retried first, but completes only once A and B have taken the value to 0
    "semop": ("D: semop(0, [[0, 4]])", ["A", "B", "C"]),
    "setval": ("D: semctl(0, 0, SETVAL, 5)", ["A", "B", "C"]),
    "setall": ("D: semctl(0, 0, SETALL, [3, 0])", ["A", "C"]),
    # B goes first (A cannot), which lets the zero-waiter go; A stays asleep until removal
    "semop-partial": ("D: semop(0, [[0, 1], [1, 1]])", ["B", "C"]),
    # removal wakes every sleeper with EIDRM: zero-waiters first, then in the order they waited
    "rmid": ("D: semctl(0, 0, IPC_RMID)", ["C", "A", "B"]),
}

# A death gives back a SEM_UNDO sum: U holds 3 of 4; B and C each wait for 2, Z for zero.
UNDO = """
spawn U
spawn B
spawn C
spawn Z
spawn K
U: semget(IPC_PRIVATE, 1, IPC_CREAT|0600)
U: semctl(0, 0, SETVAL, 4)
U: semop(0, [[0, -3, SEM_UNDO]])
Z: semop(0, [[0, 0]])
B: semop(0, [[0, -2]])
C: semop(0, [[0, -2]])
"""
DEATHS = {"exit": "U: exit(0)", "kill": "K: kill(U, SIGKILL)"}


def resumed(lines: list[str]) -> list[str]:
    return [line.split(":")[0] for line in lines if "<... semop resumed>" in line]


def both_kernels_show(script: str, order: list[str]) -> None:
    statements = parse(script, "wake.ipc").statements
    for _ in range(3):
        d = diff(statements)
        assert resumed(d.simulated.lines) == order, d.simulated.lines
        assert not d.differences, [(x.simulated, x.real) for x in d.differences]
        assert resumed(d.real.lines) == order


@needs_root
@pytest.mark.parametrize("waker", sorted(WAKERS))
def test_sleepers_woken_together_are_shown_in_linuxs_order(waker: str) -> None:
    line, order = WAKERS[waker]
    both_kernels_show(SLEEPERS + line + "\n", order)


@needs_root
@pytest.mark.parametrize("death", sorted(DEATHS))
def test_sleepers_woken_by_a_deaths_undo_are_shown_in_linuxs_order(death: str) -> None:
    """B then C take what U gave back, which lets Z's wait for zero complete last."""
    both_kernels_show(UNDO + DEATHS[death] + "\n", ["B", "C", "Z"])
