"""Stepping through what happens: a step per trace line, the state between a line and the lines it
causes, and undo, redo and jump over those sub-steps."""

from __future__ import annotations

import pytest

from ipctui.demos import all_demos, get
from ipctui.script import parse, run_script
from ipctui.session import Session


def stepped(text: str) -> Session:
    s = Session()
    s.load(text, "demo.ipc")
    while not s.at_end:
        assert s.step().ok
    return s


def lines(s: Session) -> list[str]:
    return [t.text for t in s.trace if t.kind != "narration"]


@pytest.mark.parametrize("name", [d.name for d in all_demos()])
def test_sub_steps_through_every_demo_give_its_trace_line_for_line(name: str):
    demo = get(name)
    assert demo is not None
    want: list[str] = []
    run_script(parse(demo.text, name).statements, want.append)
    s = stepped(demo.text)
    assert lines(s) == want
    # one step per statement that runs, plus one per line a statement caused after its own
    statements = sum(1 for st in parse(demo.text, name).statements if type(st).__name__ != "Assertion")
    assert s.steps == s.total and s.steps > statements


def test_a_write_that_wakes_a_reader_shows_the_slots_filled_before_the_reader_runs():
    demo = get("pipe")
    assert demo is not None
    s = Session()
    s.load(demo.text, "pipe.ipc")
    while not (s.trace and s.trace[-1].text == 'parent: write(4, "hello") = 5'):
        s.step()
    pipe = s.kernel.pipes[1]
    child = s.kernel.process("child")
    assert child is not None
    assert [bytes(sl.data) for sl in pipe.slots if sl] == [b"hell", b"o"]  # both slots hold bytes
    assert child.waiter is not None and child.pid in s.kernel.woken  # woken, not yet run
    assert s.settling and s.narration and "The sleeping child wakes" in s.narration
    s.step()
    assert s.trace[-1].text == 'child: <... read resumed> = "hello"'
    assert child.waiter is None and not s.kernel.woken and pipe.buffered == 0


def test_the_pipe_view_shows_the_reader_blocked_then_woken_then_gone_sub_step_by_sub_step():
    from ipctui.engine.views import pipes_view

    demo = get("pipe")
    assert demo is not None
    s = Session()
    s.load(demo.text, "pipe.ipc")
    seen = []
    while not s.at_end and not (seen and seen[-1][0] == 'child: <... read resumed> = "hello"'):
        s.step()
        if not s.kernel.pipes:
            continue
        pipe = pipes_view(s.kernel).pipes[0]
        seen.append((lines(s)[-1], pipe.readers.blocked, pipe.readers.woken, pipe.buffered))
    at = [line for line, *_ in seen].index('parent: write(4, "hello") = 5')
    assert seen[at - 1] == ("child: read(3, 100) <unfinished ...>", ("child",), (), 0)
    assert seen[at] == ('parent: write(4, "hello") = 5', (), ("child",), 5)  # woken, runnable
    assert seen[at + 1] == ('child: <... read resumed> = "hello"', (), (), 0)
    s.undo()  # back to the sub-step between the write and the resumed read
    assert pipes_view(s.kernel).pipes[0].readers.woken == ("child",)


def test_undo_redo_and_jump_work_on_sub_steps():
    demo = get("pipe")
    assert demo is not None
    full = stepped(demo.text)
    s = Session()
    s.load(demo.text, "pipe.ipc")
    seen: list[list[str]] = []
    while not s.at_end:
        s.step()
        seen.append([t.text for t in s.trace])
    assert [t.text for t in s.trace] == [t.text for t in full.trace]
    for n in range(len(seen) - 1, 0, -1):
        assert s.undo()
        assert [t.text for t in s.trace] == seen[n - 1]
    for n in range(1, len(seen)):
        assert s.redo() is not None
        assert [t.text for t in s.trace] == seen[n]
    for n in (3, len(seen), 7, 8, 9, 1):
        s.jump(n)
        assert s.steps == n and [t.text for t in s.trace] == seen[n - 1]


def test_a_typed_line_first_lets_the_stepped_line_finish_what_it_caused():
    demo = get("pipe")
    assert demo is not None
    s = Session()
    s.load(demo.text, "pipe.ipc")
    while not s.settling:
        s.step()
    assert s.submit("parent: getpid()").ok
    assert [t.text for t in s.trace][-2:] == ['child: <... read resumed> = "hello"', "parent: getpid() = 1"]
    s.undo()
    assert s.trace[-1].text == 'child: <... read resumed> = "hello"'


@pytest.mark.parametrize(
    "typed",
    [
        ["spawn Z"],  # a line that changes nothing after it
        ['parent: write(4, "ab")'],  # it may wake the reader: a sub-step the script lacks
        ["spawn Z", "Z: pipe()", "Z: close(3)"],
    ],
)
def test_the_total_counts_typed_lines_and_what_they_change(typed: list[str]):
    """Lines typed anywhere in a script are steps too: the total is where stepping ends."""
    demo = get("pipe")
    assert demo is not None
    totals: set[int] = set()
    for at in range(32):
        s = Session()
        s.load(demo.text, "pipe.ipc")
        script_steps = s.total
        assert script_steps is not None
        s.jump(at)
        if not all(s.submit(line).ok for line in typed):
            continue  # no parent yet, or it is blocked: the line runs nothing
        total = s.total
        assert total is not None and total >= script_steps + len(typed)
        totals.add(total - script_steps)
        while not s.at_end:
            s.step()
        assert s.steps == total
        s.undo()  # a step back: the total stays where stepping ends, unless a typed line went
        assert s.total == total - (at >= script_steps)
    assert min(totals) == len(typed)
    if "write" in typed[0]:  # the reader woken, its resumed line a step of its own
        assert max(totals) > len(typed)
