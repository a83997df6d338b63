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


async def step_until(app: PlaygroundApp, pilot, text: str) -> None:
    for _ in range(200):
        if any(text in t.text for t in app.session.trace[-2:]):
            break
        await pilot.press("space")
    await pilot.pause()
    await pilot.pause()


async def test_at_80x24_the_pipe_and_who_is_blocked_are_on_screen_and_the_footer_keeps_help():
    app = demo_app("pipe")
    async with app.run_test(size=(80, 24)) as pilot:
        await step_until(app, pilot, 'write(4, "0123456789") <unfinished')
        screen = screen_text(app)
        assert "blocked writing: parent" in screen
        assert "read end: child fd 3" in screen and "RW" in screen  # the ring's R/W row
        assert "? help" in screen and "d demos" in screen


async def test_at_80x24_the_lock_that_is_waited_for_is_on_screen():
    app = demo_app("deadlock")
    async with app.run_test(size=(80, 24)) as pilot:
        await step_until(app, pilot, 'teller1: lock("/bob") <unfinished')
        assert "waiting: teller1" in screen_text(app)


async def test_the_welcome_shows_before_the_first_space_and_the_title_has_one_counter():
    app = demo_app("tour")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Welcome to ipctui" in screen_text(app)
        total = app.session.total
        assert total and f"step 0/{total} · tour.ipc" in app.status and "line" not in app.status
        await pilot.press("space", "space")
        assert f"step 2/{total}" in app.status


async def test_a_woken_reader_is_runnable_before_its_read_runs_again():
    app = demo_app("pipe")
    async with app.run_test(size=(120, 40)) as pilot:
        await step_until(app, pilot, 'parent: write(4, "hello") = 5')
        assert app.session.trace[-1].text == 'parent: write(4, "hello") = 5'
        screen = screen_text(app)
        assert "runnable: woken in read(3, 100)" in screen and "│hell│o   │" in screen
        await pilot.press("space")
        await pilot.pause()
        assert app.session.trace[-1].text == 'child: <... read resumed> = "hello"'
        assert "runnable" not in screen_text(app)


async def test_the_jump_dialog_offers_the_steps_there_are_and_says_where_it_landed():
    from ipctui.app.dialogs.pickers import Prompt

    app = demo_app("pipe")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, Prompt)
        total = app.session.total
        assert f"(0-{total})" in screen_text(app)
        await pilot.press("backspace", *str(total), "enter")
        await pilot.pause()
        assert app.session.steps == total and app.session.at_end
        said = [n.message for n in app._notifications]
        assert any(
            m.startswith(f"Jumped: at step {total} of {total}; the last line: parent: wait()") for m in said
        )


async def test_demo_descriptions_do_not_wrap_under_the_names():
    from textual.widgets import OptionList

    from ipctui.demos import all_demos

    app = PlaygroundApp()
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.press("d")
        await pilot.pause()
        box = app.screen.query_one(OptionList).content_region
        rows = screen_text(app).splitlines()[box.y : box.bottom]
        shown = [row[box.x : box.right].rstrip() for row in rows]
        names = {d.name for d in all_demos()}
        wrapped = [row for row in shown if row.strip() and row.split()[0] not in names]
        assert wrapped  # some descriptions are longer than the room at 80 columns
        for row in wrapped:  # each continuation starts in the description's column
            assert len(row) - len(row.lstrip()) >= 19, row
