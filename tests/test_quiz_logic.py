"""Quiz mode's logic: which lines are questions, and how a typed answer is checked."""

from __future__ import annotations

import pytest

from ipctui.quiz import Question, Quiz, check, question_for, resumed, upcoming
from ipctui.script import parse

SCRIPT = """\
spawn A
spawn B
A: pipe() = [3, 4]
## narration is no question
B: read(3, 10) <unfinished ...>
A: write(4, "hi") = 2
B: <... read resumed> = "hi"
A: close(9) = -1 EBADF (Bad file descriptor)
A: msgrcv(0, 1) = ["hello", 1]
A: getpid()
A: exit(0) = ?
"""


def q(result_line: str) -> Question:
    st = parse(f"spawn A\nA: {result_line}").statements[1]
    question = question_for(st)
    assert question is not None
    return question


def test_questions_are_the_lines_with_a_written_result() -> None:
    script = parse(SCRIPT).statements
    prompts = [[x.prompt for x in upcoming(script, i)[1]] for i in range(len(script))]
    assert prompts[0] == [] and prompts[1] == []  # spawn
    assert prompts[2] == ["A: pipe()"]
    assert prompts[3] == ["B: read(3, 10)"]  # narration: asked with the line it leads to
    assert prompts[4] == ["B: read(3, 10)"]
    # the write wakes the read: only the write is asked before its step ...
    assert prompts[5] == ['A: write(4, "hi")']
    assert prompts[6] == []  # (a resumed line is never a statement's step)
    assert prompts[7] == ["A: close(9)"] and prompts[8] == ["A: msgrcv(0, 1)"]
    assert prompts[9] == []  # a call whose result is not written
    assert prompts[10] == []  # exit() never returns: nothing to predict
    assert upcoming(script, len(script)) == (len(script), [])


def test_a_woken_line_is_asked_before_its_sub_step() -> None:
    """... and the resumed read before the sub-step that shows it: the write's step left the
    cursor on the assertion lines, none of its lines out yet."""
    script = parse(SCRIPT).statements
    [asked] = resumed(script, 6, 0)
    assert asked.prompt == "B: <... read resumed>" and asked.answer == '"hi"' and asked.lineno == 7
    assert resumed(script, 6, 1) == []  # past its assertions: the next statement is no sub-step
    # lines out in order: a signal's line first (no question), then the resumed write
    two = parse(
        "spawn A\nspawn B\nB: read(3, 1) <unfinished ...>\nA: kill(B, SIGINT) = 0\n"
        "B: --- SIGINT ---\nB: <... read resumed> = -1 EINTR"
    ).statements
    assert resumed(two, 4, 0) == []
    assert [q.answer for q in resumed(two, 4, 1)] == ["EINTR"]
    assert resumed(two, 4, 2) == []
    # narration between the lines it checks: skipped over, as the session does
    told = parse(
        "spawn A\nspawn B\nB: read(3, 1) <unfinished ...>\nA: kill(B, SIGINT) = 0\n## told\n"
        "B: --- SIGINT ---\n## and told\nB: <... read resumed> = -1 EINTR\nA: getpid() = 1"
    ).statements
    assert resumed(told, 4, 0) == [] and [q.answer for q in resumed(told, 4, 1)] == ["EINTR"]
    assert resumed(told, 4, 2) == []


@pytest.mark.parametrize(
    ("line", "given", "right"),
    [
        ('write(4, "hello") = 5', "5", True),
        ('write(4, "hello") = 5', " 5 ", True),
        ('write(4, "hello") = 5', "0x5", True),
        ('write(4, "hello") = 5', "4", False),
        ('write(4, "hello") = 5', "blocks", False),
        ("pipe() = [3, 4]", "[3, 4]", True),
        ("pipe() = [3, 4]", "[3,4]", True),
        ("pipe() = [3, 4]", "[4, 3]", False),
        ('read(3, 10) = "hi"', '"hi"', True),
        ('read(3, 10) = "hi"', "hi", True),  # quotes may be left off
        ('read(3, 10) = "hi"', "HI", False),
        ("close(9) = -1 EBADF (Bad file descriptor)", "EBADF", True),
        ("close(9) = -1 EBADF (Bad file descriptor)", "ebadf", True),
        ("close(9) = -1 EBADF (Bad file descriptor)", "-1 EBADF (Bad file descriptor)", True),
        ("close(9) = -1 EBADF (Bad file descriptor)", "EINVAL", False),
        ("close(9) = -1 EBADF (Bad file descriptor)", "0", False),
        ("close(3) = 0", "EBADF", False),
        ("read(3, 10) <unfinished ...>", "blocks", True),
        ("read(3, 10) <unfinished ...>", "Blocked", True),
        ("read(3, 10) <unfinished ...>", "<unfinished ...>", True),
        ("read(3, 10) <unfinished ...>", "0", False),
        ("read(3, 10) <unfinished ...>", "EAGAIN", False),
    ],
)
def test_check(line: str, given: str, right: bool) -> None:
    assert check(q(line), given).correct is right


def test_a_wrong_answer_says_what_it_is() -> None:
    assert check(q("close(9) = -1 EBADF"), "0").note == "it fails: -1 EBADF"
    assert check(q("read(3, 10) <unfinished ...>"), "0").note == "it blocks: nothing can complete it yet"
    assert check(q("close(3) = 0"), "blocks").note == "it does not block: it returns 0"


def test_a_partial_result() -> None:
    """Half of a list is not the result; nor is the size asked for when a write was cut short."""
    message = q('msgrcv(0, 1) = ["hello", 1]')
    verdict = check(message, '"hello"')
    assert not verdict.correct and verdict.note == 'only part of it: the whole result is ["hello", 1]'
    assert check(message, '["hello", 1]').correct
    script = parse(
        'spawn A\nA: write(4, "hello") <unfinished ...>\nA: --- SIGINT ---\nA: <... write resumed> = 3'
    ).statements
    [partial] = resumed(script, 2, 1)
    assert partial.prompt == "A: <... write resumed>" and partial.answer == "3"
    assert not check(partial, "5").correct and check(partial, "3").correct


def test_score_and_summary() -> None:
    quiz = Quiz()
    assert quiz.summary() == "No lines were quizzed."
    quiz.answer(q("close(3) = 0"), "0")
    quiz.answer(q("close(9) = -1 EBADF"), "0")
    quiz.answer(q("read(3, 10) <unfinished ...>"), "blocks")
    assert quiz.score == "2/3" and quiz.right == 2
    assert [v.question.prompt for v in quiz.to_review] == ["A: close(9)"]
    assert quiz.summary().splitlines() == [
        "Score: 2/3 predicted right.",
        "Lines to review:",
        "  line 2: A: close(9) → EBADF  (you said 0)",
    ]
    quiz.answered.pop(1)
    assert quiz.summary().splitlines()[1] == "Nothing to review: every prediction was right."


def test_a_line_asked_again_counts_once() -> None:
    """Undo, then step again: the line is asked again, and the latest answer is the one kept."""
    quiz = Quiz()
    quiz.answer(q("close(9) = -1 EBADF"), "0")
    quiz.answer(q("close(3) = 0"), "EBADF")
    assert quiz.score == "0/2"
    quiz.answer(q("close(9) = -1 EBADF"), "EBADF")  # the same line again
    assert quiz.score == "1/2" and [v.question.prompt for v in quiz.to_review] == ["A: close(3)"]


def test_narration_comes_with_the_reveal() -> None:
    """Stepping onto narration that leads to a question asks first: the narration is revealed
    with the result (it often tells it)."""
    script = parse(SCRIPT).statements
    index, asked = upcoming(script, 3)  # the narration before B's read
    assert index == 4 and [q.prompt for q in asked] == ["B: read(3, 10)"]
    assert upcoming(script, 1) == (1, [])  # a spawn: nothing to ask
    assert upcoming(script, 2)[0] == 2
    tail = parse("spawn A\n## the end\nA: getpid()").statements
    assert upcoming(tail, 1) == (1, [])  # narration before a line with no written result
