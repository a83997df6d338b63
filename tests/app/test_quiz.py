"""Quiz mode in the app: asked before each line with a written result, scored, summed up."""

from __future__ import annotations

import re

from ipctui.app import PlaygroundApp
from ipctui.app.dialogs.quiz import QuizQuestion, QuizSummary
from ipctui.demos import get
from ipctui.quiz import Question, resumed, upcoming
from ipctui.session import Session


def next_questions(s: Session) -> list[Question]:
    """What the quiz asks before the next step: a statement's line, or a sub-step's resumed line."""
    if s.settling:
        return resumed(s.script, s.cursor, len(s.kernel.events) - 1)
    return upcoming(s.script, s.cursor)[1]


async def answer(pilot, *answers: str) -> None:  # type: ignore[no-untyped-def]
    for i, text in enumerate(answers):
        pilot.app.screen.query_one(f"#answer-{i}").value = text
    await pilot.press("enter")
    await pilot.pause()


def pipe_quiz() -> PlaygroundApp:
    demo = get("pipe")
    assert demo is not None
    return PlaygroundApp(script_text=demo.text, script_name="pipe.ipc", theme="ipctui-night", quiz=True)


async def test_quiz_answers_right_and_wrong_then_sums_up() -> None:
    app = pipe_quiz()
    asked: list[str] = []
    wrong: list[str] = []
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        s = app.session
        substeps = 0
        for _ in range(200):
            if s.at_end:
                break
            before = s.steps
            expected = next_questions(s)
            held = len(s.trace)
            await pilot.press("space")
            await pilot.pause()
            if not expected:
                assert not isinstance(app.screen, QuizQuestion)
                assert s.steps > before  # nothing to predict: the step just runs
                continue
            assert isinstance(app.screen, QuizQuestion)
            assert [q.prompt for q in app.screen.questions] == [q.prompt for q in expected]
            substeps += "resumed" in expected[0].prompt
            # not revealed yet: neither the result nor the narration leading to it
            assert s.steps == before and len(s.trace) == held
            for i, q in enumerate(expected):
                asked.append(q.prompt)
                # every third question is answered wrong: "0" for a non-zero value, else "blocks"
                answer = q.answer if len(asked) % 3 else ("blocks" if q.answer != "blocks" else "0")
                if answer != q.answer:
                    wrong.append(q.prompt)
                app.screen.query_one(f"#answer-{i}").value = answer
                await pilot.press("enter")
                await pilot.pause()
            assert s.steps > before  # revealed: the narration and the line, its result in the trace
            assert s.trace[-1].text.startswith(expected[0].prompt + " ")
            assert not isinstance(app.screen, QuizQuestion)
        assert s.at_end and substeps == 2  # the read woken by the write, the write by the read
        assert isinstance(app.screen, QuizSummary)
        quiz = app.quiz_mode.quiz  # type: ignore[union-attr]
        assert len(asked) == len(quiz.answered) >= 10
        assert quiz.right == len(asked) - len(wrong)
        assert [v.question.prompt for v in quiz.to_review] == wrong
        summary = str(app.screen.summary)
        assert summary.startswith(f"Score: {quiz.right}/{len(asked)} predicted right.")
        assert all(p in summary for p in wrong)
        assert f"quiz {quiz.right}/{len(asked)}" in app.status
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main


async def test_escape_leaves_the_step_untaken_and_a_blank_answer_is_refused() -> None:
    app = pipe_quiz()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        s = app.session
        while not next_questions(s):
            await pilot.press("space")
            await pilot.pause()
        at = s.cursor
        await pilot.press("space")
        await pilot.pause()
        assert isinstance(app.screen, QuizQuestion)
        await pilot.press("enter")  # nothing typed
        await pilot.pause()
        assert isinstance(app.screen, QuizQuestion)
        assert "type a prediction" in str(app.screen.query_one("#problem").render())
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main and s.cursor == at and not app.quiz_mode.quiz.answered  # type: ignore[union-attr]


async def test_the_palette_quiz_me_starts_a_quiz_on_the_open_script() -> None:
    demo = get("pipe")
    assert demo is not None
    app = PlaygroundApp(script_text=demo.text, script_name="pipe.ipc", theme="ipctui-night")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert app.quiz_mode is None
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"quiz me")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.quiz_mode is not None
        for _ in range(4):  # spawn, narration...: then pipe() = [3, 4] asks
            if isinstance(app.screen, QuizQuestion):
                break
            await pilot.press("space")
            await pilot.pause()
        assert isinstance(app.screen, QuizQuestion)
        assert app.screen.questions[0].prompt == "parent: pipe(capacity=8, page_size=4)"


def test_cli_demo_quiz_flag(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`ipctui demo NAME --quiz` opens the demo with the quiz on; without the flag it is off."""
    from click.testing import CliRunner

    from ipctui.cli import main

    opened: list[tuple[str | None, bool]] = []
    monkeypatch.setattr(
        PlaygroundApp, "run", lambda self: opened.append((self.script_name, self.quiz_mode is not None))
    )
    assert CliRunner().invoke(main, ["demo", "pipe", "--quiz"]).exit_code == 0
    assert CliRunner().invoke(main, ["demo", "fifo"]).exit_code == 0
    assert opened == [("pipe.ipc", True), ("fifo.ipc", False)]
    assert "--quiz" in CliRunner().invoke(main, ["demo", "--help"]).output


async def test_a_line_that_wakes_is_asked_then_shown_then_each_resumed_line() -> None:
    """The pipe demo: the write is asked, then revealed with the child woken but not yet run
    (its read not in the trace); the next space asks for the resumed read, then shows it."""
    app = pipe_quiz()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        s = app.session
        while not (isinstance(app.screen, QuizQuestion) and "write" in app.screen.questions[0].prompt):
            if isinstance(app.screen, QuizQuestion):
                await answer(pilot, app.screen.questions[0].answer)
            else:
                await pilot.press("space")
                await pilot.pause()
        assert [q.prompt for q in app.screen.questions] == ['parent: write(4, "hello")']
        await answer(pilot, "5")
        assert app.screen is app.main
        assert s.trace[-1].text == 'parent: write(4, "hello") = 5'
        child = s.kernel.process("child")
        assert child is not None and child.pid in s.kernel.woken  # runnable, its read not run yet
        await pilot.press("space")
        await pilot.pause()
        assert isinstance(app.screen, QuizQuestion)
        [q] = app.screen.questions
        assert (q.prompt, q.answer, q.lineno) == ("child: <... read resumed>", '"hello"', 14)
        assert s.trace[-1].text == 'parent: write(4, "hello") = 5'  # not revealed yet
        await answer(pilot, "hello")
        assert s.trace[-1].text == 'child: <... read resumed> = "hello"'
        assert not s.settling and app.quiz_mode.quiz.answered[-1].correct  # type: ignore[union-attr]


async def test_lost_wakeup_a_signal_line_is_shown_not_asked_then_the_pause_is() -> None:
    demo = get("lost-wakeup")
    assert demo is not None
    app = PlaygroundApp(script_text=demo.text, script_name="lost-wakeup.ipc", theme="ipctui-night", quiz=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        s = app.session
        while not (isinstance(app.screen, QuizQuestion) and "kill" in app.screen.questions[0].prompt):
            if isinstance(app.screen, QuizQuestion):
                await answer(pilot, app.screen.questions[0].answer)
            else:
                await pilot.press("space")
                await pilot.pause()
        await answer(pilot, "0")
        assert s.settling and s.trace[-1].text == "main: kill(waiter, SIGUSR1) = 0"
        await pilot.press("space")  # the sub-step: the handler runs; a signal's line asks nothing
        await pilot.pause()
        assert app.screen is app.main and s.trace[-1].text == "waiter: --- SIGUSR1 ---"
        await pilot.press("space")  # narration (which checks the signal's line): nothing to ask
        await pilot.pause()
        assert app.screen is app.main
        await pilot.press("space")  # the narration leading to the pause, with the pause: asked
        await pilot.pause()
        assert isinstance(app.screen, QuizQuestion)
        assert [q.prompt for q in app.screen.questions] == ["waiter: pause()"]
        await answer(pilot, "0")
        verdict = app.quiz_mode.quiz.answered[-1]  # type: ignore[union-attr]
        assert not verdict.correct and verdict.note == "it blocks: nothing can complete it yet"
        assert s.trace[-1].text == "waiter: pause() <unfinished ...>"
        assert "already come" in (s.narration or "")  # the narration came with the reveal


async def test_each_line_with_a_result_is_asked_once_a_resumed_line_included() -> None:
    """The pipe demo at 80x24, answered through: every line whose result the script writes is
    asked exactly once (the write that wakes the reader alone, then the resumed read alone),
    so the score is out of those lines and a wrong resumed line is listed once to review."""
    demo = get("pipe")
    assert demo is not None
    written = [
        n
        for n, line in enumerate(demo.text.splitlines(), 1)
        if re.search(r"= (?!\?$)\S|<unfinished \.\.\.>$", line) and not line.startswith("##")
    ]
    assert 14 in written and 21 in written and len(written) == 15  # two resumed lines among them
    app = pipe_quiz()
    asked: list[list[int]] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for _ in range(100):
            if isinstance(app.screen, QuizSummary):
                break
            if isinstance(app.screen, QuizQuestion):
                questions = app.screen.questions
                asked.append([q.lineno for q in questions])
                wrong = questions[0].lineno == 14  # the resumed read, answered wrong
                await answer(pilot, *("blocks" if wrong else q.answer for q in questions))
            else:
                await pilot.press("space")
                await pilot.pause()
        assert isinstance(app.screen, QuizSummary)
        assert [n for group in asked for n in group] == written
        assert all(len(group) == 1 for group in asked)  # one line a dialog: a step shows one line
        assert app.quiz_mode.quiz.score == "14/15"  # type: ignore[union-attr]
        summary = str(app.screen.summary)
        assert summary.count("line 14:") == 1 and "line 21:" not in summary


async def test_a_long_summary_fits_at_80x24_and_scrolls() -> None:
    app = PlaygroundApp(theme="ipctui-night")
    async with app.run_test(size=(80, 24)) as pilot:
        lines = "\n".join(f"  line {i}: A: close({i}) → 0  (you said EBADF)" for i in range(40))
        app.push_screen(QuizSummary(f"Score: 0/40 predicted right.\nLines to review:\n{lines}"))
        await pilot.pause()
        review = app.screen.query_one("#review")
        assert app.screen.region.contains_region(app.screen.query_one("#dialog").region)
        assert review.max_scroll_y > 0
        await pilot.press("down", "down")
        await pilot.pause()
        assert review.scroll_y == 2
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is app.main


async def test_undo_then_the_same_line_again_counts_once() -> None:
    app = pipe_quiz()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        while not isinstance(app.screen, QuizQuestion):
            await pilot.press("space")
            await pilot.pause()
        prompt = app.screen.questions[0].prompt
        await answer(pilot, "0")  # wrong
        await pilot.press("u", "space")  # back, and again: asked again
        await pilot.pause()
        assert isinstance(app.screen, QuizQuestion) and app.screen.questions[0].prompt == prompt
        await answer(pilot, "[3, 4]")
        quiz = app.quiz_mode.quiz  # type: ignore[union-attr]
        assert quiz.score == "1/1" and quiz.to_review == []
