"""Quiz mode in the app: asked before each line with a written result, scored, summed up."""

from __future__ import annotations

from ipctui.app import PlaygroundApp
from ipctui.app.dialogs.quiz import QuizQuestion, QuizSummary
from ipctui.demos import get
from ipctui.quiz import upcoming


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
        for _ in range(200):
            if s.at_end:
                break
            before = s.cursor
            target, expected = upcoming(s.script, s.cursor)
            held = len(s.trace)
            await pilot.press("space")
            await pilot.pause()
            if not expected:
                assert not isinstance(app.screen, QuizQuestion)
                assert s.cursor > before  # nothing to predict: the step just runs
                continue
            assert isinstance(app.screen, QuizQuestion)
            # not revealed yet: neither the result nor the narration leading to it
            assert s.cursor == before and len(s.trace) == held
            for i, q in enumerate(expected):
                asked.append(q.prompt)
                # every third question is answered wrong: "0" for a non-zero value, else "blocks"
                answer = q.answer if len(asked) % 3 else ("blocks" if q.answer != "blocks" else "0")
                if answer != q.answer:
                    wrong.append(q.prompt)
                app.screen.query_one(f"#answer-{i}").value = answer
                await pilot.press("enter")
                await pilot.pause()
            assert s.cursor > target  # revealed: the narration, the line and the lines it checks
            assert any(t.text.startswith(expected[0].prompt) for t in s.trace[held:])
            assert not isinstance(app.screen, QuizQuestion)
        assert s.at_end
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
        while not upcoming(s.script, s.cursor)[1]:
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
