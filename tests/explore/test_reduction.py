"""The reduction loses nothing: on many random small scripts, explore finds exactly the outcomes
that a plain enumeration of every interleaving finds."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipctui.explore import explore, programs_of
from ipctui.script import parse

SETUP = [
    "spawn main",
    'main: shm_open("/m0", O_CREAT|O_RDWR)',  # 3
    "main: ftruncate(3, 8)",
    "main: mmap(3)",
    'main: shm_open("/m1", O_CREAT|O_RDWR)',  # 4
    "main: ftruncate(4, 8)",
    "main: mmap(4)",
    "main: pipe()",  # 5, 6
    'main: sem_open("/s", O_CREAT, value=0)',  # handle 1
    'main: signal(SIGUSR1, "h")',
]

ACTIONS = st.sampled_from(
    [
        'lock("/m0")',
        'lock("/m1")',
        'unlock("/m0")',
        'unlock("/m1")',
        'trylock("/m0")',
        'poke("/m0", 0, "x")',
        'poke("/m0", 0, "y")',
        'peek("/m0", 0, 1)',
        'write(6, "ab")',
        "read(5, 1)",
        "close(6)",
        "close(5)",
        "sem_post(1)",
        "sem_wait(1)",
        "sem_trywait(1)",
        "pause()",
        "kill(p0, SIGUSR1)",
        "kill(p1, SIGUSR1)",
        "getpid()",
    ]
)

SCRIPTS = st.lists(st.lists(ACTIONS, min_size=1, max_size=3), min_size=2, max_size=3)


def script_of(programs: list[list[str]]) -> str:
    lines = SETUP + [f'main: fork("p{i}")' for i in range(len(programs))]
    for i, prog in enumerate(programs):
        lines += [f"p{i}: {call}" for call in prog]
    return "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SCRIPTS)
def test_explore_finds_what_plain_enumeration_finds(programs: list[list[str]]) -> None:
    progs = programs_of(parse(script_of(programs)))
    reduced = explore(progs)
    plain = explore(progs, reduce=False)
    assert reduced.exhaustive and plain.exhaustive
    assert {o.key for o in reduced.outcomes} == {o.key for o in plain.outcomes}
    assert reduced.schedules <= plain.schedules
    assert sum(o.schedules for o in reduced.outcomes) == reduced.schedules
