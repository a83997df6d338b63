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


def resumed(lines: list[str]) -> list[str]:
    return [line.split(":")[0] for line in lines if "<... semop resumed>" in line]


@needs_root
@pytest.mark.parametrize("waker", sorted(WAKERS))
def test_sleepers_woken_together_are_shown_in_linuxs_order(waker: str) -> None:
    line, order = WAKERS[waker]
    statements = parse(SLEEPERS + line + "\n", f"{waker}.ipc").statements
    for _ in range(3):
        d = diff(statements)
        assert resumed(d.simulated.lines) == order, d.simulated.lines
        assert not d.differences, [(x.simulated, x.real) for x in d.differences]
        assert resumed(d.real.lines) == order
