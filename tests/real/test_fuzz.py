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


MUTANTS_PER_FAMILY = 2  # mutants of the project's own scripts per family, on both kernels


@needs_root
@pytest.mark.parametrize("family", FAMILIES)
def test_mutated_scripts_agree_on_both_kernels(family: str):
    from ipctui.fuzz.mutate import generate

    for script in generate(family, MUTANTS_PER_FAMILY, seed=0):
        d = diff(parse(script).statements)
        unexplained = [(x.simulated, x.real) for x in d.differences if not x.reason]
        assert not unexplained and d.stopped is None, f"{script}\n{unexplained}\n{d.stopped}"


@pytest.mark.parametrize("family", FAMILIES)
def test_mutants_are_valid_and_differ_from_their_sources(family: str):
    """Every family has sources; a mutant runs line by line on the simulation (no line for a
    process that is blocked, stopped or dead), is no source as it stands, and the same seed
    gives the same mutants."""
    import random

    from ipctui.fuzz.mutate import draw, family_sources, generate
    from ipctui.script.runner import run_script

    pool = family_sources(family)
    assert pool, f"no shipped script uses only {family}'s calls"
    plain = {"\n".join(s.lines) + "\n" for s in pool}
    found = generate(family, 5, seed=1)
    assert len(found) == 5 and found == generate(family, 5, seed=1)
    for script in found:
        assert script not in plain
        run_script(parse(script).statements, lambda line: None, "text")
    rng = random.Random(7)
    for _ in range(20):
        src, script = draw(pool, family, rng)
        if script is not None:
            assert script != "\n".join(src.lines) + "\n"
            run_script(parse(script).statements, lambda line: None, "text")


def test_sources_are_plain_and_mapped_by_their_calls():
    """A source is read without its expectations and assertions, one with a departure is left
    out, and a family takes only the sources whose every call it (or the process and signal
    calls) covers."""
    from ipctui.fuzz.mutate import PROCESS, family_sources, plain_lines, sources

    text = (
        'spawn A\nA: pipe() = [3, 4]\nA: read(3, 1) <unfinished ...>\n# c\n## n\nA: <... read resumed> = ""\n'
    )
    assert plain_lines(text) == ["spawn A", "A: pipe()", "A: read(3, 1)"]
    assert plain_lines("A: nonsense(") is None
    names = {s.name for s in sources()}
    assert "tests/golden/unix_stream.ipc" in names and "ipctui/demos/pipe.ipc" in names
    assert "tests/golden/tcp_two_clients.ipc" not in names  # its departure keeps it from agreeing
    assert any(name.startswith("tests/real/test_kinds.py::") for name in names)
    for family, fam in FAMILIES.items():
        for src in family_sources(family):
            assert src.calls <= set(fam.calls) | PROCESS, (family, src.name)
    assert "tests/golden/unix_stream.ipc" not in {s.name for s in family_sources("pipe")}


def test_mutations_change_numbers_flags_and_uids():
    import random
    import re

    from ipctui.fuzz.mutate import mutate_data, mutate_flag, mutate_number, mutate_uid

    rng = random.Random(0)
    for _ in range(30):
        line = mutate_flag("A: socket(AF_INET, SOCK_STREAM)", rng)
        assert line in (
            "A: socket(AF_INET, SOCK_STREAM|SOCK_NONBLOCK)",
            "A: socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC)",
        )
        assert mutate_flag("A: msgrcv(0, 1, nowait=0)", rng) == "A: msgrcv(0, 1, nowait=1)"
        semop = mutate_flag("A: semop(0, [[0, -1]])", rng)
        assert semop in ("A: semop(0, [[0, -1, IPC_NOWAIT]])", "A: semop(0, [[0, -1, SEM_UNDO]])")
        number = mutate_number("A: listen(3, 5)", rng)
        assert number is None or number.startswith("A: listen(")
        assert number != "A: listen(3, 5)"
        write = mutate_number('A: write(4, "12")', rng)  # the descriptor, never the data
        assert (
            write is not None
            and re.fullmatch(r'A: write\(-?\d+, "12"\)', write)
            and write != 'A: write(4, "12")'
        )
        mode = mutate_number("A: semget(IPC_PRIVATE, 2, IPC_CREAT|0604)", rng)
        assert mode is not None and mode.startswith("A: semget(IPC_PRIVATE, ")
        uid = mutate_uid(["spawn A uid=1001", "A: getpid()"], rng)
        assert uid is not None and uid[0] != "spawn A uid=1001" and uid[1] == "A: getpid()"
    assert mutate_number("A: sem_wait(1)", rng) is None  # a handle not open is a wild pointer
    data = mutate_data('A: sendto(3, "hi", "127.0.0.1:9000")', rng)
    assert data is not None and data.endswith('", "127.0.0.1:9000")') and '"hi"' not in data
    assert mutate_data('A: fork("worker")', rng) is None  # a name, not data
    assert mutate_data('A: mq_open("/jobs", O_RDWR)', rng) is None
