"""The session: submit, step through a script with narration, undo and redo by replay, save."""

from __future__ import annotations

from pathlib import Path

from ipctui.script import parse, run_script
from ipctui.session import Session

EXAMPLES = Path(__file__).parent / "examples"


def texts(s: Session) -> list[str]:
    return [t.text for t in s.trace]


def test_submit_runs_lines_and_refuses_bad_ones_without_changing_anything():
    s = Session()
    assert s.submit("spawn A").ok
    out = s.submit("A: pipe()")
    assert out.ok and texts(s)[-1] == "A: pipe() = [3, 4]"
    bad = s.submit("A: pipe(")
    assert not bad.ok and "expected a value" in bad.message
    blocked = s.submit("A: read(3, 1)")
    assert blocked.ok and texts(s)[-1] == "A: read(3, 1) <unfinished ...>"
    refused = s.submit("A: getpid()")
    assert not refused.ok and "blocked in read()" in refused.message
    assert s.steps == 3
    err = s.submit("spawn B")
    assert err.ok
    errno = s.submit("B: close(7)")
    assert errno.ok and errno.message == "B: close(7) = -1 EBADF (Bad file descriptor)"


def test_stepping_a_script_with_narration_and_checked_assertions():
    s = Session()
    s.load_file(EXAMPLES / "pipe_basics.ipc")
    out = s.step()
    assert out.ok and s.narration and s.narration.startswith("A parent makes a small pipe")
    while not s.at_end:
        out = s.step()
        assert out.ok, out.message
    assert s.narration == "With every write end closed, read returns end of file."
    ran = [t.text for t in s.trace if t.kind != "narration"]
    want = [
        ln for ln in (EXAMPLES / "pipe_basics.ipc").read_text().splitlines() if ln and not ln.startswith("#")
    ]
    assert ran == want


def test_a_failed_expectation_while_stepping_is_reported_not_fatal():
    s = Session()
    s.load("spawn A\nA: getpid() = 5\nA: getpid() = 1\n")
    s.step()
    out = s.step()
    assert not out.ok and out.message == "line 2: expected 5, got 1"
    assert s.step().ok


def test_undo_and_redo_are_exact_across_narration_and_blocked_calls():
    s = Session()
    s.load_file(EXAMPLES / "pipe_basics.ipc")
    for _ in range(9):
        s.step()
    before = texts(s)
    narration = s.narration
    s.step()
    s.step()
    assert s.undo() and s.undo()
    # the 9th step is the write that wakes the child: its resumed read is the next step, then the
    # assertion line that checks it
    assert texts(s) == before and s.narration == narration and s.cursor == 9 and s.settling
    s.redo()
    s.redo()
    while not s.at_end:
        assert s.step().ok
    assert texts(s)[-1] == 'child: read(3, 100) = ""'


def test_undo_of_a_typed_line_and_redo():
    s = Session()
    s.submit("spawn A")
    s.submit("A: pipe()")
    s.submit('A: write(4, "x")')
    assert s.undo()
    assert s.kernel.pipes[1].buffered == 0
    assert s.redo() is not None
    assert s.kernel.pipes[1].buffered == 1
    s.undo()
    s.submit("A: close(4)")
    assert s.redo() is None  # a new line clears what could be redone


def test_jump_back_and_forward():
    s = Session()
    s.load_file(EXAMPLES / "signals.ipc")
    s.jump(6)
    assert s.steps == 6
    six = texts(s)
    s.jump(2)
    assert s.steps == 2
    s.jump(6)
    assert texts(s) == six


def test_save_writes_a_script_that_replays(tmp_path: Path):
    s = Session()
    s.load_file(EXAMPLES / "signals.ipc")
    for _ in range(5):
        s.step()
    s.submit("spawn extra")
    s.submit("extra: pipe()")
    path = tmp_path / "saved.ipc"
    s.save(path)
    out: list[str] = []
    run_script(parse(path.read_text()).statements, out.append)
    assert out == [t.text for t in s.trace if t.kind != "narration"]
    reopened = Session()
    reopened.load_file(path)
    while not reopened.at_end:
        assert reopened.step().ok
    assert [t.text for t in reopened.trace] == [t.text for t in s.trace]


def test_load_errors_are_script_errors():
    s = Session()
    try:
        s.load("spawn A\nA: bogus()\n", "x.ipc")
    except Exception as e:
        assert "unknown call bogus()" in str(e)
    else:
        raise AssertionError("expected a script error")


def _scripts() -> list[Path]:
    demos = Path(__file__).parent.parent / "ipctui" / "demos"
    return sorted(EXAMPLES.glob("*.ipc")) + sorted(demos.glob("*.ipc"))


def test_undo_from_a_checkpoint_is_the_same_as_a_replay_from_the_start(monkeypatch):
    """Checkpoints every few steps: for every script, going back to any step and running on to
    the end gives the very trace of one straight run, and so does undoing step by step."""
    import ipctui.session as session

    monkeypatch.setattr(session, "CHECKPOINT_EVERY", 3)
    monkeypatch.setattr(session, "CHECKPOINTS_KEPT", 1000)
    used = 0
    for path in _scripts():
        straight = Session()
        straight.load_file(path)
        while not straight.at_end:
            straight.step()
        s = Session()
        s.load_file(path)
        while not s.at_end:
            s.step()
        assert texts(s) == texts(straight)
        total = s.steps
        for n in range(total, -1, -max(1, total // 7)):
            s.jump(n)
            used += bool(s.checkpoints) and s.checkpoints[-1].steps > 0
            if n == 0:
                assert texts(s) == []
            while not s.at_end:
                s.step()
            assert texts(s) == texts(straight), (path.name, n)
            assert s.steps == total
        while s.undo():  # all the way back, one step at a time
            pass
        assert texts(s) == [] and s.steps == 0
    assert used > 20  # the checkpoints were really used, not replays from scratch


def test_checkpoints_are_not_taken_while_a_call_blocks_and_undo_still_works(monkeypatch):
    import ipctui.session as session

    monkeypatch.setattr(session, "CHECKPOINT_EVERY", 2)
    s = Session()
    for line in ["spawn A", "A: pipe()", "A: read(3, 1)", 'A: fork("B")', "spawn B", "B: kill(A, 0)"]:
        s.submit(line)
    assert s.kernel.process("A").waiter is not None  # A blocks in read from the third line on
    assert [c.steps for c in s.checkpoints] == [2]
    s.undo()
    assert texts(s)[-1] == "spawn B" and s.kernel.process("A").waiter is not None
    s.submit("spawn C")
    s.jump(2)
    assert texts(s) == ["spawn A", "A: pipe() = [3, 4]"]
