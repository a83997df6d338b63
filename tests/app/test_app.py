"""Pilot tests: the console, forms, stepping, undo and redo, play, save and reopen, help, themes."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import EVERYTHING
from textual.command import CommandPalette
from textual.widgets import Input, Static

from ipctui.app import PlaygroundApp
from ipctui.app.dialogs.call_form import CallForm
from ipctui.app.dialogs.files import Confirm, FilePicker
from ipctui.app.dialogs.help import HelpScreen
from ipctui.app.dialogs.pickers import CallPicker, Prompt
from ipctui.app.panes.base import ObjectsView
from ipctui.app.panes.real import RealPane
from ipctui.app.widgets.pane_bar import PaneBar
from ipctui.app.widgets.process_table import ProcessTable
from ipctui.app.widgets.trace_log import TraceLog

EXAMPLES = Path(__file__).parent.parent / "examples"


async def type_line(pilot, line: str) -> None:
    if not isinstance(pilot.app.focused, Input):
        await pilot.press("colon")
    for ch in line:
        await pilot.press(ch if ch != " " else "space")
    await pilot.press("enter")
    await pilot.pause()


async def test_console_runs_lines_and_explains_a_bad_one():
    app = PlaygroundApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await type_line(pilot, "spawn A")
        await type_line(pilot, "A: pipe()")
        assert [t.text for t in app.session.trace] == ["spawn A", "A: pipe() = [3, 4]"]
        assert app.query_one(ProcessTable).row_count == 1
        await type_line(pilot, "A: pipe(")
        problem = app.query_one("#console-problem", Static)
        assert problem.has_class("shown") and "expected a value" in str(problem.render())
        assert app.query_one("#console", Input).value == "A: pipe("  # kept, to be corrected
        assert app.session.steps == 2


async def test_console_completes_names_calls_and_descriptors():
    app = PlaygroundApp()
    async with app.run_test(size=(120, 40)) as pilot:
        app.submit("spawn Alice")
        app.submit("Alice: pipe()")
        from ipctui.app.widgets.console import suggest

        assert suggest(app.session, "Al") == "Alice: "
        assert suggest(app.session, "sp") == "spawn "
        assert suggest(app.session, "Alice: mq_s") == "Alice: mq_send("
        assert suggest(app.session, "Alice: read(") == "Alice: read(4"
        await pilot.press("colon", "A", "l", "tab")
        assert app.query_one("#console", Input).value == "Alice: "


async def test_stepping_a_script_shows_narration_and_brings_the_pane_forward():
    app = PlaygroundApp(script=EXAMPLES / "mq_priority.ipc")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        narration = app.query_one("#narration", Static)
        assert narration.has_class("shown") and "highest priority first" in str(narration.render())
        await pilot.press("space", "space")
        assert app.front_pane == "queues"  # the next line is an mq call
        for _ in range(20):
            await pilot.press("space")
        assert app.session.at_end
        assert app.session.trace[-1].text == "producer: mq_getattr(3) = {maxmsg=2, msgsize=8192, curmsgs=1}"


async def test_undo_redo_and_jump_keys():
    app = PlaygroundApp(script=EXAMPLES / "pipe_basics.ipc")
    # side by side: the trace wraps its narrations whole (stacked, they are one line with …)
    async with app.run_test(size=(160, 40)) as pilot:
        for _ in range(10):
            await pilot.press("space")
        before = [t.text for t in app.session.trace]
        await pilot.press("space", "space")
        await pilot.press("u", "ctrl+z")
        assert [t.text for t in app.session.trace] == before
        assert shown_trace(app) == words(before)  # the widget dropped the undone lines only
        await pilot.press("U")
        assert app.session.steps == 11
        assert shown_trace(app) == words(t.text for t in app.session.trace)
        await pilot.press("g")
        assert isinstance(app.screen, Prompt)
        await pilot.press("ctrl+u" if False else "backspace", "backspace", "3", "enter")
        assert app.session.steps == 3
        assert shown_trace(app) == words(t.text for t in app.session.trace)


def shown_trace(app) -> list[str]:
    """The words the trace widget holds (its lines wrap, so words, not lines)."""
    return words(strip.text for strip in app.query_one(TraceLog).lines)


def words(lines) -> list[str]:
    return " ".join(lines).split()


async def test_undo_in_a_long_session_keeps_the_trace_widget_in_step():
    app = PlaygroundApp()
    async with app.run_test(size=(120, 40)) as pilot:
        for line in ["spawn A", "A: pipe()"] + ['A: write(4, "x")', "A: read(3, 1)"] * 300:
            app.session.submit(line)
        app.refresh_views()
        await pilot.pause()
        for _ in range(5):
            await pilot.press("u")
        shown = shown_trace(app)
        assert app.session.steps == 597 and shown == words(t.text for t in app.session.trace)[-len(shown) :]
        assert len(shown) >= 195 * 3  # the latest lines are still there to scroll back to
        app.session.jump(1)  # far back, behind what the widget holds: it starts again
        app.refresh_views()
        assert shown_trace(app) == ["spawn", "A"]


async def test_play_steps_on_a_timer_and_pauses():
    app = PlaygroundApp(script=EXAMPLES / "signals.ipc")
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(5):
            await pilot.press("plus")
        await pilot.press("p")
        assert app.playing is not None and "playing" in app.status
        await pilot.pause(1.0)
        await pilot.press("p")
        assert app.playing is None and "paused" in app.status
        assert app.session.steps >= 1


async def test_spawn_prompt_and_call_form(private_config):
    app = PlaygroundApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        assert isinstance(app.screen, Prompt)
        await pilot.press("enter")  # the suggested name
        assert [t.text for t in app.session.trace] == ["spawn A"]
        await pilot.press("c")
        assert isinstance(app.screen, CallPicker)
        for ch in "pipe":
            await pilot.press(ch)
        await pilot.press("enter")
        assert isinstance(app.screen, CallForm)
        await pilot.press("enter")
        assert app.session.trace[-1].text == "A: pipe() = [3, 4]"
        await pilot.press("w")  # write, prefilled with A's write end
        form = app.screen
        assert isinstance(form, CallForm)
        assert form.query_one("#arg-fd", Input).value == "4"
        for ch in "hi":
            await pilot.press(ch)
        await pilot.pause()
        assert 'A: write(4, "hi")' in str(form.query_one("#preview", Static).render())
        await pilot.press("enter")
        assert app.session.trace[-1].text == 'A: write(4, "hi") = 2'


async def test_a_form_explains_what_is_wrong_and_will_not_run_it():
    app = PlaygroundApp()
    async with app.run_test(size=(120, 40)) as pilot:
        app.submit("spawn A")
        await pilot.press("r")
        form = app.screen
        assert isinstance(form, CallForm)
        await pilot.press("x")  # fd "x" is not a number
        await pilot.pause()
        assert "fd must be a descriptor number" in str(form.query_one("#problem", Static).render())
        await pilot.press("enter")
        assert app.screen is form  # not run
        await pilot.press("escape")
        assert app.session.steps == 1


async def test_save_and_reopen(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = PlaygroundApp(script=EXAMPLES / "fifo.ipc")
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(6):
            await pilot.press("space")
        while app.session.settling:  # the lines the last step caused are steps of their own
            await pilot.press("space")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, FilePicker)  # its path field holds the name offered
        await pilot.press("enter")
        saved = tmp_path / "fifo-session.ipc"
        assert saved.is_file()
        trace = [t.text for t in app.session.trace]
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, FilePicker)
        app.screen.query_one("#path", Input).focus()
        for ch in saved.name:
            await pilot.press(ch)
        await pilot.press("enter")
        assert app.session.script_name == saved.name and app.session.steps == 0
        while not app.session.at_end:
            await pilot.press("space")
        assert [t.text for t in app.session.trace] == trace


async def test_saving_over_a_file_asks_first(tmp_path, monkeypatch):
    """A file already there is replaced only when the user says so; "Keep it" leaves it whole."""
    monkeypatch.chdir(tmp_path)
    there = tmp_path / "session.ipc"
    there.write_text("# mine\n")
    app = PlaygroundApp()
    async with app.run_test(size=(120, 40)) as pilot:
        app.submit("spawn A")
        await pilot.pause()
        for answer, expected in (("n", "# mine\n"), ("y", None)):
            await pilot.press("ctrl+s")
            assert isinstance(app.screen, FilePicker)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, Confirm), app.screen
            await pilot.press(answer)
            await pilot.pause()
            if expected is not None:
                assert there.read_text() == expected
            else:
                assert "spawn A" in there.read_text()


async def test_opening_a_broken_script_is_reported(tmp_path):
    bad = tmp_path / "bad.ipc"
    bad.write_text("spawn A\nA: nonsense(\n")
    app = PlaygroundApp(script=bad)
    async with app.run_test(size=(120, 40)):
        assert app.load_problem is not None and app.load_problem.startswith("line 2:")
        assert not app.session.script


async def test_help_palette_and_panes():
    app = PlaygroundApp(script=EVERYTHING)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        for key, pane in zip(
            "1234567",
            ["pipes", "queues", "memory", "semaphores", "sockets", "signals", "reference"],
            strict=True,
        ):
            await pilot.press(key)
            assert app.front_pane == pane
        await pilot.press("ctrl+p")
        assert CommandPalette.is_open(app)
        await pilot.press("escape")


async def test_the_pane_bar_by_arrows_and_by_click():
    app = PlaygroundApp(script=EVERYTHING)
    async with app.run_test(size=(120, 40)) as pilot:
        app.query_one(PaneBar).focus()
        await pilot.press("right", "right")
        assert app.front_pane == "memory"
        await pilot.press("left", "left", "left")
        assert app.front_pane == "compare"  # round the end
        await pilot.click(PaneBar, offset=(12, 0))  # " Pipes   Queues ": on "Queues"
        assert app.front_pane == "queues"


async def test_a_pane_brought_back_shows_what_changed_while_it_was_away():
    app = PlaygroundApp()
    async with app.run_test(size=(120, 40)) as pilot:
        for line in ["spawn A", "A: pipe(capacity=8, page_size=4)"]:
            await type_line(pilot, line)
        view = app.query_one(ObjectsView)
        assert "0 B written" in view.text
        await pilot.press("escape", "7")  # the Reference pane: the objects view is hidden
        app.session.submit('A: write(4, "hello")')
        app.refresh_views()
        await pilot.press("1")
        assert app.front_pane == "pipes" and "5 B written" in view.text
        await type_line(pilot, 'A: sem_open("/s", O_CREAT, value=3)')
        await pilot.press("escape", "4")
        assert "/s" in view.text and "pipe 1" not in view.text
        await pilot.press("1")
        assert "pipe 1" in view.text


async def test_theme_is_remembered(private_config):
    app = PlaygroundApp(theme="ipctui-projector")
    async with app.run_test(size=(80, 24)):
        assert app.theme == "ipctui-projector"
        app.theme = "ipctui-paper"
    assert json.loads((private_config / "settings.json").read_text())["theme"] == "ipctui-paper"
    again = PlaygroundApp()
    async with again.run_test(size=(80, 24)):
        assert again.theme == "ipctui-paper"


async def test_an_unknown_theme_falls_back_with_a_warning():
    app = PlaygroundApp(theme="no-such-theme")
    async with app.run_test(size=(80, 24)):
        assert app.theme == "ipctui-night"


async def test_tiny_terminals_and_resizes_do_not_crash():
    app = PlaygroundApp(script=EVERYTHING)
    async with app.run_test(size=(20, 10)) as pilot:
        for _ in range(40):
            await pilot.press("space")
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert app.main.has_class("narrow")
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        assert not app.main.has_class("narrow")


async def test_demo_picker_opens_a_demo_that_steps_with_narration():
    from ipctui.app.dialogs.pickers import DemoPicker

    app = PlaygroundApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("d")
        assert isinstance(app.screen, DemoPicker)
        await pilot.press("down", "enter")  # the second demo: pipe
        assert app.session.script_name == "pipe.ipc"
        await pilot.press("space", "space", "space")  # narration, spawn, narration
        assert app.session.narration and "pipe() gives two descriptors" in app.session.narration
        await pilot.press("u")
        assert app.session.narration and app.session.narration.startswith("A parent and its child")


async def test_check_on_the_real_kernel_runs_the_session_and_shows_the_diff():
    app = PlaygroundApp(script=str(EXAMPLES / "pipe_epipe.ipc"))
    async with app.run_test(size=(140, 44)) as pilot:
        await pilot.pause()
        await pilot.press("K")  # nothing run yet: said so, nothing started
        assert app.front_pane != "real"
        while not app.session.at_end:
            app.action_step()
        await pilot.press("K")
        assert app.front_pane == "real"
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = str(app.query_one("#real-status", Static).render())
        pane = app.query_one(RealPane)
        assert status.startswith("Checked 12 trace lines with real processes on Linux")
        assert pane.result is not None and pane.result.agree
        assert 'A: write(4, "x") = -1 EPIPE (Broken pipe)' in pane.result.real.lines
        # a session line that differs on the real kernel is shown as such
        app.submit("B: socketpair(AF_UNIX, SOCK_STREAM)")
        app.submit(f'B: send(3, "{"y" * 70000}")')  # as the console would, without 70,000 keys
        await pilot.pause()
        await pilot.press("K")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not pane.result.agree
        assert any("buffer sizes" in (d.reason or "") for d in pane.result.differences)


async def test_the_bench_pane_measures_in_the_background_and_compare_follows(bench_results):
    import sys

    from ipctui.app.panes.bench import BenchPane

    app = PlaygroundApp()
    async with app.run_test(size=(140, 44)) as pilot:
        await pilot.pause()
        pane = app.query_one(BenchPane)
        assert "Last run: 2026-11-25 12:00:00" in str(app.query_one("#bench-status", Static).render())
        pane.command = [sys.executable, "-m", "ipctui", "bench", "--quick", "--mechanisms", "pipe"]
        pane.command += ["--format", "jsonl"]
        await pilot.press("B")
        assert app.front_pane == "bench"
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not pane.running
        assert "Measured just now" in str(app.query_one("#bench-status", Static).render())
        doc = json.loads(bench_results.read_text())  # the run replaced the last results...
        assert [r["mechanism"] for r in doc["results"]] == ["pipe", "pipe"]
        await pilot.press("0")
        assert app.front_pane == "compare"
        compare = app.query_one("#compare-table", Static)  # ...and the table shows them
        assert compare.render() is not None


async def test_a_background_run_that_cannot_start_is_reported_not_a_crash(bench_results):
    from ipctui.app.panes.bench import BenchPane

    app = PlaygroundApp(script=str(EXAMPLES / "pipe_epipe.ipc"))
    async with app.run_test(size=(140, 44)) as pilot:
        await pilot.pause()
        pane = app.query_one(BenchPane)
        pane.command = ["/nonexistent/python", "-m", "ipctui"]
        await pilot.press("B")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "did not finish" in str(app.query_one("#bench-status", Static).render())
        assert not pane.running and app.is_running


async def test_a_real_check_that_fails_is_reported_not_a_crash(monkeypatch):
    from ipctui.app.panes import real

    def refuse(statements: object) -> object:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(real, "simulate", refuse)
    app = PlaygroundApp(script=str(EXAMPLES / "pipe_epipe.ipc"))
    async with app.run_test(size=(140, 44)) as pilot:
        await pilot.pause()
        app.action_step()
        await pilot.press("K")
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = str(app.query_one("#real-status", Static).render())
        assert status.startswith("The check could not run: BlockingIOError") and app.is_running


async def test_the_objects_view_scrolls_back_when_its_objects_go():
    app = PlaygroundApp()
    async with app.run_test(size=(100, 30)) as pilot:
        app.session.submit("spawn A")
        for _ in range(12):
            app.session.submit("A: pipe()")
        app.refresh_views()
        await pilot.pause()
        view = app.query_one(ObjectsView)
        view.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        assert view.scroll_y > 0
        for _ in range(11):
            app.session.undo()
        app.refresh_views()
        await pilot.pause()
        assert view.scroll_y <= view.max_scroll_y and "pipe 1" in view.text


async def test_objects_drawn_fit_the_pane_when_a_long_list_brings_its_scrollbar():
    app = PlaygroundApp()
    async with app.run_test(size=(80, 24)) as pilot:
        app.session.submit("spawn A")
        app.refresh_views()
        await pilot.pause()  # the short pipes pane: no scrollbar
        for i in range(6):
            app.session.submit(f'A: mq_open("/q{i}", O_CREAT|O_RDWR)')
        app.action_show_pane("queues")  # far taller than the pane
        await pilot.pause()
        view = app.query_one(ObjectsView)
        assert view.show_vertical_scrollbar
        room = view.scrollable_content_region.width
        assert max(len(line) for line in view.text.splitlines()) <= room  # no right edge lost


async def test_the_process_table_follows_each_change_of_a_process():
    app = PlaygroundApp()
    async with app.run_test(size=(160, 40)) as pilot:
        table = app.query_one(ProcessTable)

        def row(pid: int) -> list[str]:
            return [str(cell) for cell in table.get_row(str(pid))]

        for line in ["spawn A", "A: pipe()", 'A: fork("B")']:
            await type_line(pilot, line)
        assert row(2)[1:] == ["B", "1000", "ready", "", "A", "3:pipe1:r 4:pipe1:w"]
        await type_line(pilot, "B: read(3, 1)")
        assert row(2)[3] == "blocked in read(3, 1)"
        assert row(2)[4] == "A"  # the write end's other holder: B holds one too, but is blocked reading
        await type_line(pilot, 'A: write(4, "x")')
        assert row(2)[3] == "ready" and row(2)[4] == ""
        await type_line(pilot, "A: close(3)")
        assert row(1)[6] == "4:pipe1:w"
        await type_line(pilot, "A: exit(0)")
        assert "1" not in table.rows and row(2)[5] == "—"  # nobody waits for A: gone; B orphaned
        await pilot.press("escape", "u")  # undo: a replay makes new processes, the table follows
        assert row(1)[3] == "ready" and row(1)[6] == "4:pipe1:w" and row(2)[5] == "A"


async def test_the_collector_is_tuned_while_the_app_runs_and_restored_after():
    import gc

    before = gc.get_threshold()
    app = PlaygroundApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert gc.get_freeze_count() > 0 and gc.get_threshold()[0] > before[0]
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == before


async def test_the_trace_wraps_long_lines_to_its_width_and_again_on_resize():
    app = PlaygroundApp()
    long = "x" * 150
    async with app.run_test(size=(160, 40)) as pilot:
        for line in ["spawn A", "A: pipe()", f'A: write(4, "{long}")'] + ["A: getpid()"] * 30:
            app.session.submit(line)
        app.refresh_views()
        await pilot.pause()
        trace = app.query_one(TraceLog)
        width = trace.scrollable_content_region.width
        assert all(strip.cell_length <= width for strip in trace.lines)
        assert len(trace.lines) > 4  # the long write took more than one line
        assert unbroken(strip.text for strip in trace.lines) == unbroken(t.text for t in app.session.trace)
        assert trace.scroll_offset.y == trace.max_scroll_y > 0  # the latest line is in view
        before = list(trace.lines)
        await pilot.resize_terminal(145, 30)
        await pilot.pause()
        narrower = trace.scrollable_content_region.width
        assert narrower < width and any(s.cell_length > narrower for s in before)
        assert all(strip.cell_length <= narrower for strip in trace.lines)
        assert unbroken(strip.text for strip in trace.lines) == unbroken(t.text for t in app.session.trace)
        await pilot.press("u")  # after a resize the widget still follows the session
        assert unbroken(strip.text for strip in trace.lines) == unbroken(t.text for t in app.session.trace)


def unbroken(lines) -> str:
    """The characters without the blanks (a long word wraps in the middle)."""
    return "".join("".join(lines).split())


async def test_the_trace_keeps_its_latest_lines_in_a_very_long_session():
    from ipctui.app.widgets.trace_log import KEEP

    app = PlaygroundApp()
    async with app.run_test(size=(120, 40)) as pilot:
        app.session.submit("spawn A")
        for i in range(KEEP + 500):
            app.session.submit("A: getpid()")
            if i % 97 == 0:
                app.refresh_views()
        app.refresh_views()
        await pilot.pause()
        trace = app.query_one(TraceLog)
        assert KEEP // 2 <= len(trace.lines) <= KEEP
        assert trace.shown == len(app.session.trace)
        shown = shown_trace(app)
        assert shown == words(t.text for t in app.session.trace)[-len(shown) :]


async def test_quick_enters_in_the_palette_run_its_command_once_and_keep_the_app():
    from textual import events

    app = PlaygroundApp()
    async with app.run_test(size=(120, 40)) as pilot:
        for line in ["spawn A", "A: getpid()", "A: getpid()"]:
            app.session.submit(line)
        await pilot.press("ctrl+p", *"undo")
        await pilot.pause(0.3)  # the palette finds its commands
        for _ in range(3):  # faster than the palette closes
            app.post_message(events.Key("enter", "\r"))
        await pilot.pause(0.3)
        assert app.is_running and app.screen is app.main
        assert app.session.steps == 2


async def test_at_80x24_everything_fits_with_processes_and_a_long_narration():
    # four processes and a narration of three lines at 80 columns: before, the bottom of the
    # screen (the console) was pushed off and the screen scrolled
    narration = "## " + " ".join(["a narration long enough to take three lines at eighty columns"] * 3)
    script = "\n".join(["spawn A", 'A: fork("B")', 'A: fork("C")', 'A: fork("D")', narration, "A: getpid()"])
    app = PlaygroundApp(script_text=script + "\n", script_name="fit.ipc")
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(6):
            await pilot.press("space")
        await pilot.pause()
        assert app.main.query_one("#narration", Static).size.height == 3
        assert app.main.max_scroll_y == 0
        for widget in ("#titlebar", "#panes", "#left", "#trace-box", "#narration", "#console", "Footer"):
            region = app.main.query_one(widget).region
            assert region.height > 0 and region.bottom <= 24, widget


async def test_the_trace_keeps_its_latest_line_in_view_when_it_gets_shorter():
    app = PlaygroundApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app.open_demo("pipe")
        await pilot.pause()
        trace = app.query_one(TraceLog)
        for _ in range(24):  # the narration comes in and takes rows from the trace
            app.action_step()
        height = trace.size.height
        await pilot.pause()
        assert trace.size.height < height
        assert trace.scroll_offset.y == trace.max_scroll_y > 0
        trace.scroll_to(y=0, animate=False, immediate=True)  # scrolled back: a resize leaves it there
        await pilot.resize_terminal(120, 34)
        await pilot.pause()
        assert trace.scroll_offset.y == 0


async def test_the_trace_widget_follows_random_submits_undos_redos_jumps_and_resizes(monkeypatch):
    import random

    from ipctui.app.widgets import trace_log

    # the widget holds fewer lines here, so that letting old ones go happens often
    monkeypatch.setattr(trace_log, "KEEP", 300)
    monkeypatch.setattr(trace_log, "REWRITE", 50)
    rng = random.Random(7)
    app = PlaygroundApp()
    async with app.run_test(size=(150, 40)) as pilot:
        s = app.session
        s.submit("spawn A")
        s.submit("A: pipe()")
        trace = app.query_one(TraceLog)
        trimmed = 0
        for _ in range(150):
            op = rng.random()
            if op < 0.6:
                for _ in range(rng.randint(1, 60)):
                    data = "y" * rng.randint(1, 300)  # long writes wrap onto more lines
                    s.submit(rng.choice([f'A: write(4, "{data}")', "A: read(3, 5)"]))
            elif op < 0.75:
                s.undo()
            elif op < 0.85:
                s.redo()
            elif op < 0.93:
                s.jump(rng.randint(max(0, s.steps - 300), s.steps))  # back within what is held
            elif op < 0.95:
                s.jump(rng.randint(0, s.steps))  # back anywhere
            else:
                await pilot.resize_terminal(rng.choice([140, 150, 160]), 40)
                await pilot.pause()
            app.refresh_views()
            assert trace.shown == len(s.trace)
            held = unbroken(strip.text for strip in trace.lines)
            whole = unbroken(t.text for t in s.trace)
            assert whole.endswith(held)
            assert held.endswith(unbroken([s.trace[-1].text]) if s.trace else "")
            width = trace.scrollable_content_region.width
            assert all(strip.cell_length <= width for strip in trace.lines)
            trimmed += len(held) < len(whole)  # the widget holds the latest lines only
        assert trimmed > 10


async def test_a_palette_search_that_ends_after_the_palette_closed_is_not_a_crash():
    from ipctui.app.dialogs.palette import Palette

    app = PlaygroundApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p", *"show")
        palette = app.screen
        assert isinstance(palette, Palette)
        await pilot.press("escape")
        await pilot.pause()
        # what a search still running when the palette closed goes on to do
        palette._list_visible = not palette._list_visible
        palette._show_busy = not palette._show_busy
        await pilot.pause()
        assert app.is_running and app.screen is app.main


async def test_a_play_tick_while_the_app_closes_is_not_a_crash():
    # the play timer can fire while the app is closing and the screen's widgets are going
    app = PlaygroundApp(script=EXAMPLES / "signals.ipc")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("p")
        assert app.playing is not None
        await app.main.query_one("#console-problem").remove()
        app._tick()
        assert app.playing is None and app.is_running


async def test_the_compare_pane_headers_are_whole_at_80_columns_and_its_cells_never_cut(bench_results):
    from ipctui.app.panes.bench import ComparePane

    app = PlaygroundApp(theme="ipctui-night")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.action_show_pane("compare")
        await pilot.pause()
        pane = app.query_one(ComparePane)
        lines = [s.text for s in pane.query_one("#compare-table")._render_cache.lines]  # type: ignore[attr-defined]
        text = "\n".join(lines)
        assert "mechanism" in lines[1] and "p50 µs" in lines[1] and "MB/s" in lines[1]
        for header in ("blocks", "capacity", "boundaries", "between", "net"):
            assert header in lines[1]
        assert "…" not in text  # folded onto more lines, never cut
        assert max(len(line.rstrip()) for line in lines) <= pane.scrollable_content_region.width
        await pilot.resize_terminal(160, 48)  # wide again: the full table with its long headers
        await pilot.pause()
        wide = [s.text for s in pane.query_one("#compare-table")._render_cache.lines]  # type: ignore[attr-defined]
        assert wide[1].lstrip().startswith("┏") and "across" in "\n".join(wide[2:6])
