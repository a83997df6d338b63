"""The help: the quiz and the pane picker are in it, it scrolls at 80x24, and a served session's
help leaves out the keys that session does not have."""

from __future__ import annotations

from textual.containers import VerticalScroll

from ipctui.app import PlaygroundApp
from ipctui.app.dialogs.help import HelpScreen, keys_text
from ipctui.app.served import Limits


def test_the_help_tells_how_to_start_and_answer_the_quiz_and_pick_a_pane() -> None:
    text = keys_text()
    assert '"Quiz me"' in text and "ipctui demo NAME --quiz" in text  # how to start it
    assert "`EAGAIN`" in text and "`blocks`" in text and "`Enter`" in text  # how to answer
    assert "| `v` | pick a pane" in text
    assert "| `K` |" in text and "| `B` |" in text and "`ctrl+o`" in text


def test_a_served_sessions_help_has_only_its_keys() -> None:
    served = keys_text(Limits(browser=True, allow_real=False).offers)
    assert "| `K` |" not in served and "| `B` |" not in served and "ctrl+o" not in served
    assert "| `ctrl+s` | download the session" in served
    allowed = keys_text(Limits(browser=True, allow_real=True).offers)
    assert "| `K` |" in allowed and "| `B` |" in allowed and "ctrl+o" not in allowed


async def test_at_80x24_the_help_fits_and_scrolls_to_the_quiz() -> None:
    app = PlaygroundApp(theme="ipctui-night")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        box = app.screen.query_one(VerticalScroll)
        assert app.screen.region.contains_region(box.region)
        assert box.max_scroll_y > 0
        for _ in range(40):
            await pilot.press("pagedown")
        await pilot.pause()
        assert box.scroll_y == box.max_scroll_y  # keys scroll it to the end
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main


async def test_the_arrow_keys_scroll_the_help_line_by_line() -> None:
    app = PlaygroundApp(theme="ipctui-night")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        box = app.screen.query_one(VerticalScroll)
        await pilot.press("down", "down", "down")
        await pilot.pause()
        assert box.scroll_y == 3
        await pilot.press("up")
        await pilot.pause()
        assert box.scroll_y == 2
