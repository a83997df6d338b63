"""Quiz mode's logic: which lines are questions, and how a typed answer is checked."""

from __future__ import annotations

import pytest

from ipctui.quiz import Question, Quiz, check, question_for, questions_at, upcoming
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
    prompts = [[x.prompt for x in questions_at(script, i)] for i in range(len(script))]
    assert prompts[0] == [] and prompts[1] == []  # spawn
    assert prompts[2] == ["A: pipe()"]
    assert prompts[3] == []  # narration
    assert prompts[4] == ["B: read(3, 10)"]
    # the write wakes the read: its resumed line is asked in the same step, after the write
    assert prompts[5] == ['A: write(4, "hi")', "B: <... read resumed>"]
    # (the session's cursor never rests on the resumed line: the write's step checked it)
    assert prompts[7] == ["A: close(9)"] and prompts[8] == ["A: msgrcv(0, 1)"]
    assert prompts[9] == []  # a call whose result is not written
    assert prompts[10] == []  # exit() never returns: nothing to predict
    assert questions_at(script, len(script)) == []


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
    resumed = questions_at(script, 1)[-1]
    assert resumed.prompt == "A: <... write resumed>" and resumed.answer == "3"
    assert not check(resumed, "5").correct and check(resumed, "3").correct


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
