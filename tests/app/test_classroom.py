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


async def test_the_pipe_pane_shows_a_woken_reader_as_runnable_not_blocked_reading():
    app = demo_app("pipe")
    async with app.run_test(size=(120, 40)) as pilot:
        await step_until(app, pilot, "child: read(3, 100) <unfinished ...>")
        assert "blocked reading: child" in view_text(app)
        await step_until(app, pilot, 'parent: write(4, "hello") = 5')
        pane = view_text(app)
        assert "blocked reading" not in pane  # woken by the write: runnable, its read not yet run
        assert "woken: child (runnable, its read not yet resumed)" in pane and "│hell│o   │" in pane
        await pilot.press("space")
        await pilot.pause()
        assert app.session.trace[-1].text == 'child: <... read resumed> = "hello"'
        pane = view_text(app)
        assert "woken" not in pane and "blocked reading" not in pane and "0 B in it" in pane


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


async def test_the_palette_finds_a_theme_by_its_name():
    from textual.command import CommandPalette

    app = PlaygroundApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert CommandPalette.is_open(app)
        await pilot.press(*"projector")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "ipctui-projector"


async def test_a_demo_or_a_script_asks_before_throwing_away_typed_lines(tmp_path, monkeypatch):
    from ipctui.app.dialogs.files import Confirm

    app = PlaygroundApp()
    async with app.run_test(size=(120, 40)) as pilot:
        app.submit("spawn A")
        await pilot.press("d", "enter")
        await pilot.pause()
        assert isinstance(app.screen, Confirm) and "the 1 line you typed" in screen_text(app)
        await pilot.press("n")  # kept
        await pilot.pause()
        assert app.session.trace[-1].text == "spawn A" and not app.session.script
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("escape")
        await pilot.pause()
        assert app.session.steps == 1
        await pilot.press("d", "enter")
        await pilot.pause()
        await pilot.press("y")  # thrown away: the demo is loaded
        await pilot.pause()
        assert app.session.script and app.session.steps == 0


async def test_open_is_a_file_picker_that_browses_to_a_script(tmp_path, monkeypatch):
    from textual.widgets import DirectoryTree

    from ipctui.app.dialogs.files import FilePicker

    work = tmp_path / "work"  # (tmp_path holds the test's config and cache folders too)
    (work / "scripts").mkdir(parents=True)
    (work / "scripts" / "hello.ipc").write_text("spawn A\nA: getpid() = 1\n")
    (work / "notes.txt").write_text("not a script")
    monkeypatch.chdir(work)
    app = PlaygroundApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+o")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, FilePicker)
        tree = picker.query_one(DirectoryTree)
        await pilot.pause(0.3)
        assert "notes.txt" not in screen_text(app) and "scripts" in screen_text(app)
        await pilot.press("down", "enter")  # open the folder
        await pilot.pause(0.3)
        await pilot.press("down", "enter")  # choose the script in it
        await pilot.pause(0.3)
        assert tree.cursor_node is not None and app.session.script_name == str(work / "scripts" / "hello.ipc")
        await pilot.press("space", "space")
        assert app.session.trace[-1].text == "A: getpid() = 1"


async def test_save_says_what_is_wrong_with_a_path(tmp_path, monkeypatch):
    from textual.widgets import Input, Static

    from ipctui.app.dialogs.files import FilePicker

    monkeypatch.chdir(tmp_path)
    app = PlaygroundApp()
    async with app.run_test(size=(120, 40)) as pilot:
        app.submit("spawn A")
        await pilot.press("ctrl+s")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, FilePicker)
        field = picker.query_one("#path", Input)
        field.value = str(tmp_path / "nowhere" / "s.ipc")
        await pilot.press("enter")
        await pilot.pause()
        assert "there is no folder" in str(picker.query_one("#problem", Static).render())
        field.value = str(tmp_path / "s.ipc")
        await pilot.press("enter")
        await pilot.pause()
        assert (tmp_path / "s.ipc").read_text() == "spawn A\n"


async def test_at_160_columns_the_process_table_shows_every_descriptor_whole():
    from ipctui.engine.views import describe_fd

    app = demo_app("tour")
    async with app.run_test(size=(160, 48)) as pilot:
        await step_until(app, pilot, 'connect(5, "/tmp/alice.sock")')
        await pilot.pause()
        screen = screen_text(app)
        alice = app.session.kernel.process("alice")
        assert alice is not None and len(alice.fds.items()) >= 5  # cut at 5 before
        for p in app.session.kernel.procs.values():
            fds = " ".join(f"{fd}:{describe_fd(f)}" for fd, f in p.fds.items())
            assert fds in screen, fds
