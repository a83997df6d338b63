"""`ipctui explore`: the outcomes SPEC section 4 describes, on the kinds of script it names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ipctui.cli import main
from ipctui.explore import explore, programs_of
from ipctui.script import parse, run_script

SCRIPTS = Path(__file__).parent / "scripts"


def result_of(name: str, check: bool = False, **kw: object):
    return explore(programs_of(parse((SCRIPTS / name).read_text(), name), check), **kw)  # type: ignore[arg-type]


def kinds(result) -> list[str]:
    return [o.kind for o in result.outcomes]


def replays(trace: list[str]) -> None:
    """A trace is a script that `ipctui run` runs to the end with every result as written."""
    out: list[str] = []
    run_script(parse("\n".join(trace)).statements, out.append)
    assert out == trace


def is_cycle(cycle: list[str], blocked: list[dict]) -> bool:
    edges = {b["proc"]: b["waits_for"] for b in blocked}
    return bool(cycle) and all(cycle[(i + 1) % len(cycle)] in edges[p] for i, p in enumerate(cycle))


def test_philosophers_deadlock_once_with_the_whole_table_in_the_cycle() -> None:
    r = result_of("philosophers3.ipc")
    assert r.exhaustive
    deadlocks = [o for o in r.outcomes if o.kind == "deadlock"]
    assert len(deadlocks) == 1 and r.outcomes[0] is deadlocks[0]
    d = deadlocks[0]
    assert sorted(d.cycle) == ["p0", "p1", "p2"] and is_cycle(d.cycle, d.blocked)
    assert {b["call"] for b in d.blocked} == {
        'p0: lock("/fork1") <unfinished ...>',
        'p1: lock("/fork2") <unfinished ...>',
        'p2: lock("/fork0") <unfinished ...>',
    }
    assert sum(o.schedules for o in r.outcomes) == r.schedules
    for o in r.outcomes:
        replays(o.trace)


def test_crossed_pipes_always_deadlock() -> None:
    r = result_of("crossed_pipes.ipc")
    assert kinds(r) == ["deadlock"]
    d = r.outcomes[0]
    assert {b["proc"]: b["waits_for"] for b in d.blocked} == {"a": ["x"], "x": ["a"]}
    assert sorted(d.cycle) == ["a", "x"]
    replays(d.trace)


def test_lost_wakeup_is_found_and_names_nobody() -> None:
    r = result_of("lost_wakeup.ipc")
    assert kinds(r)[0] == "deadlock" and "complete" in kinds(r)
    d = r.outcomes[0]
    assert d.blocked == [{"proc": "waiter", "call": "waiter: pause() <unfinished ...>", "waits_for": []}]
    assert d.cycle == []
    # the signal came before the pause: its handler ran, then the pause waits forever
    assert d.trace.index("waiter: --- SIGUSR1 ---") < d.trace.index("waiter: pause() <unfinished ...>")
    for o in r.outcomes:
        replays(o.trace)


def test_torn_read_seen_by_some_schedule() -> None:
    r = result_of("torn_read.ipc")
    seen = {line for o in r.outcomes for line in o.trace if line.startswith("r: peek")}
    assert seen == {f'r: peek("/rec", 0, 4) = "{v}"' for v in (r"\0\0\0\0", r"AA\0\0", "AAAA")}
    checked = result_of("torn_read.ipc", check=True)
    assert kinds(checked) == ["failed", "complete"]
    failure = checked.outcomes[0].failure
    assert failure is not None and failure["line"] == 9 and failure["expected"] == '"\\0\\0\\0\\0"'
    assert failure["got"] in ('"AA\\0\\0"', '"AAAA"')
    replays(checked.outcomes[0].trace)


def test_bounded_buffer_right_and_wrong() -> None:
    right = result_of("bounded_buffer_right.ipc")
    assert set(kinds(right)) == {"complete"} and right.exhaustive
    got = {tuple(x for x in o.trace if x.startswith("c: peek")) for o in right.outcomes}
    assert got == {('c: peek("/buf", 0, 1) = "a"', 'c: peek("/buf", 0, 1) = "b"')}
    wrong = result_of("bounded_buffer_wrong.ipc")
    assert kinds(wrong)[0] == "deadlock" and "complete" in kinds(wrong)
    d = wrong.outcomes[0]
    assert is_cycle(d.cycle, d.blocked) and sorted(d.cycle) == ["c", "p"]


def test_independent_processes_collapse_to_one_schedule() -> None:
    r = result_of("independent.ipc")
    assert r.schedules == 1 and kinds(r) == ["complete"]
    progs = programs_of(parse((SCRIPTS / "independent.ipc").read_text()))
    plain = explore(progs, max_schedules=500, reduce=False)
    assert plain.schedules == 500 and not plain.exhaustive  # 12!/(3!^4) = 369,600 orders in all
    assert kinds(plain) == ["complete"]


def test_max_schedules_cuts_and_says_so() -> None:
    r = result_of("philosophers3.ipc", max_schedules=5)
    assert r.schedules == 5 and not r.exhaustive
    assert sum(o.schedules for o in r.outcomes) == 5


def test_deterministic() -> None:
    a, b = result_of("philosophers3.ipc"), result_of("philosophers3.ipc")
    assert a.as_json() == b.as_json()


@pytest.mark.parametrize(
    ("name", "args", "code"),
    [
        ("independent.ipc", [], 0),
        ("crossed_pipes.ipc", [], 1),
        ("torn_read.ipc", [], 0),
        ("torn_read.ipc", ["--check"], 1),
    ],
)
def test_cli_json_and_exit_status(name: str, args: list[str], code: int) -> None:
    res = CliRunner().invoke(main, ["explore", str(SCRIPTS / name), "--format", "json", *args])
    assert res.exit_code == code, res.output
    doc = json.loads(res.stdout)
    assert set(doc) >= {"schedules", "exhaustive", "outcomes"} and doc["exhaustive"] is True
    assert sum(o["schedules"] for o in doc["outcomes"]) == doc["schedules"]
    for o in doc["outcomes"]:
        assert set(o) >= {"kind", "schedules", "trace"}
        if o["kind"] == "deadlock":
            assert set(o) >= {"blocked", "cycle"}
            assert all(set(b) == {"proc", "call", "waits_for"} for b in o["blocked"])
        replays(o["trace"])


def test_cli_text_and_script_errors(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["explore", str(SCRIPTS / "crossed_pipes.ipc")])
    assert res.exit_code == 1
    assert res.stdout.startswith("# 4 schedules explored (every schedule)")
    assert "#   cycle: a -> x -> a" in res.stdout
    bad = tmp_path / "bad.ipc"
    bad.write_text("spawn a\na: frobnicate(1)\n")
    res = CliRunner().invoke(main, ["explore", str(bad)])
    assert res.exit_code == 2 and res.stderr.startswith(f"{bad}:2: error:")
    bad.write_text('spawn a\na: read("x", "y")\n')
    res = CliRunner().invoke(main, ["explore", str(bad)])
    assert res.exit_code == 2 and res.stderr.startswith(f"{bad}:2: error:")
    assert "Traceback" not in res.output


def test_a_line_for_a_process_that_never_exists_is_stuck() -> None:
    r = explore(programs_of(parse("spawn a\na: getpid()\nghost: getpid()\n")))
    assert kinds(r) == ["deadlock"]
    assert r.outcomes[0].blocked == [{"proc": "ghost", "call": "ghost: getpid()", "waits_for": []}]


def test_a_line_naming_a_process_that_never_exists_is_stuck() -> None:
    r = explore(programs_of(parse("spawn a\na: kill(nobody, SIGTERM)\n")))
    assert kinds(r) == ["deadlock"]
    assert r.outcomes[0].blocked == [{"proc": "a", "call": "a: kill(nobody, SIGTERM)", "waits_for": []}]


def test_a_dead_process_drops_its_lines() -> None:
    r = explore(programs_of(parse("spawn a\nspawn b\na: exit(0)\na: getpid()\nb: getpid()\n")))
    assert kinds(r) == ["complete"]


def demo_result(name: str, check: bool = False):
    from ipctui.demos import get

    demo = get(name)
    assert demo is not None
    return explore(programs_of(parse(demo.text, name), check))


def test_the_deadlock_demo_found_by_explore() -> None:
    from ipctui.demos import get

    r = demo_result("deadlock")
    assert kinds(r)[0] == "deadlock"
    assert all(o.blocked[0]["proc"] == "teller1" for o in r.outcomes if o.kind == "deadlock")
    # without the way out (the kill and what follows) every deadlock is the cycle
    demo = get("deadlock")
    assert demo is not None
    head = demo.text.split("bank: kill(teller1")[0]
    r = explore(programs_of(parse(head)))
    deadlocks = [o for o in r.outcomes if o.kind == "deadlock"]
    assert any(sorted(o.cycle) == ["teller1", "teller2"] for o in deadlocks)


def test_the_lost_wakeup_demo_found_by_explore() -> None:
    r = demo_result("lost-wakeup")
    assert kinds(r)[0] == "deadlock" and "complete" in kinds(r)
    assert r.outcomes[0].blocked[0]["call"] == "waiter: pause() <unfinished ...>"


def test_the_shared_memory_demo_torn_read_found_by_explore() -> None:
    r = demo_result("shared-memory")
    reads = {ln for o in r.outcomes for ln in o.trace if ln.startswith('reader: peek("/account", 0, 12)')}
    assert 'reader: peek("/account", 0, 12) = "balance=0500"' in reads  # half an update
    assert 'reader: peek("/account", 0, 12) = "balance=0100"' in reads  # before it
    checked = demo_result("shared-memory", check=True)
    assert "failed" in kinds(checked)


def _explore_on_a_terminal(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    """`ipctui explore` with stderr on a pseudo-terminal (stdout to a file): (status, stderr, stdout)."""
    import os
    import pty
    import subprocess
    import sys

    main_fd, term = pty.openpty()
    out = tmp_path / "out.txt"
    with out.open("w") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "ipctui", "explore", *args], stdout=sink, stderr=term)
        os.close(term)
        err = b""
        while True:
            try:
                chunk = os.read(main_fd, 4096)
            except OSError:  # EIO: the other end is closed
                break
            if not chunk:
                break
            err += chunk
        status = proc.wait(timeout=120)
    os.close(main_fd)
    return status, err.decode(errors="replace"), out.read_text()


def test_explore_shows_its_progress_on_a_terminal_and_the_report_on_stdout(tmp_path: Path) -> None:
    demo = Path(__file__).parents[2] / "ipctui" / "demos" / "producer-consumer.ipc"
    status, err, out = _explore_on_a_terminal(tmp_path, str(demo), "--max-schedules", "300")
    assert status == 0
    assert "exploring" in err and "/300" in err and "states" in err
    assert "exploring" not in out
    assert out.startswith("# 300 schedules explored (stopped at --max-schedules, not every schedule)")


def test_explore_piped_shows_no_progress() -> None:
    res = CliRunner().invoke(main, ["explore", str(SCRIPTS / "crossed_pipes.ipc")])
    assert "exploring" not in res.output


def test_an_interrupted_explore_says_how_far_it_got_and_how_to_bound_it() -> None:
    from ipctui.explore.run import EXIT_INTERRUPTED, explore_text

    demo = Path(__file__).parents[2] / "ipctui" / "demos" / "producer-consumer.ipc"
    errors: list[str] = []

    def ctrl_c(schedules: int, states: int) -> None:
        raise KeyboardInterrupt

    status = explore_text("pc.ipc", demo.read_text(), "text", False, 1000, print, errors.append, ctrl_c)
    assert status == EXIT_INTERRUPTED
    [message] = errors
    assert message.startswith("pc.ipc: interrupted after 64 schedules and ")  # the first progress call
    assert message.endswith(
        " states, before the end: no report (bound the search with --max-schedules, now 1,000)"
    )
