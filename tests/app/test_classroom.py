"""Pilot tests for what a newcomer's hour found (issue 20): each one fails on the old behaviour."""

from __future__ import annotations

from textual.widgets import Label

from ipctui.app import PlaygroundApp
from ipctui.app.dialogs.call_form import CallForm
from ipctui.app.panes.base import ObjectsView
from ipctui.demos import get


def demo_app(name: str) -> PlaygroundApp:
    demo = get(name)
    assert demo is not None
    return PlaygroundApp(script_text=demo.text, script_name=f"{name}.ipc")


def view_text(app: PlaygroundApp) -> str:
    """Every line the objects view holds, on screen or scrolled away."""
    return "\n".join(strip.text for strip in app.main.query_one(ObjectsView)._lines)


def screen_text(app: PlaygroundApp) -> str:
    """What the terminal shows, line by line."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_redo_works_again_and_again():
    app = demo_app("pipe")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*["space"] * 6)
        trace = [t.text for t in app.session.trace]
        await pilot.press("u", "u", "u")
        assert app.session.steps == 3
        await pilot.press("U", "U", "U")
        assert app.session.steps == 6
        assert [t.text for t in app.session.trace] == trace


async def test_notices_past_the_end_replace_each_other():
    app = demo_app("pipe")
    async with app.run_test(size=(120, 40)) as pilot:
        app.session.jump(10_000)
        for _ in range(8):
            await pilot.press("space")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert messages.count("The script has no more lines.") == 1
        await pilot.press("u", "u")  # undoing twice is fine: the notice about the end goes on living
        await pilot.press("space", "space", "space")  # steps back to the end, then past it again
        await pilot.pause()
        assert [n.message for n in app._notifications].count("The script has no more lines.") == 1


async def test_expected_errors_while_playing_do_not_pile_up():
    app = PlaygroundApp()
    async with app.run_test(size=(120, 40)) as pilot:
        app.submit("spawn A")
        app.submit("A: pipe()")
        for _ in range(5):
            app.submit("A: close(9)")
        await pilot.pause()
        errors = [n for n in app._notifications if "EBADF" in n.message]
        assert len(errors) == 1


async def test_an_empty_pane_after_closing_its_objects_says_so():
    app = PlaygroundApp()
    async with app.run_test(size=(120, 40)) as pilot:
        assert "No pipes yet." in view_text(app)
        app.submit("spawn A")
        app.submit("A: pipe()")
        app.submit("A: close(3)")
        app.submit("A: close(4)")
        await pilot.pause()
        text = view_text(app)
        assert "No pipes yet." not in text and "all closed" in text


async def test_the_fork_form_asks_for_the_name_without_quotes():
    app = PlaygroundApp()
    async with app.run_test(size=(120, 40)) as pilot:
        app.submit("spawn A")
        await pilot.press("f")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CallForm)
        labels = " ".join(str(label.render()) for label in form.query(Label))
        assert "in quotes" not in labels and "without quotes" in labels
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.trace[-1].text == 'A: fork("A-child") = 2'
