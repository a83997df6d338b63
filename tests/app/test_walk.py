"""Pilot tests for what a newcomer's walk through the app found: each fails on the old behaviour."""

from __future__ import annotations

from ipctui.app import PlaygroundApp
from ipctui.app.dialogs.files import Confirm
from ipctui.app.dialogs.pickers import Prompt
from ipctui.app.panes.base import ObjectsView
from ipctui.app.widgets.process_table import ProcessTable
from ipctui.app.widgets.trace_log import TraceLog
from ipctui.demos import get


def demo_app(name: str) -> PlaygroundApp:
    demo = get(name)
    assert demo is not None
    return PlaygroundApp(script_text=demo.text, script_name=f"{name}.ipc", theme="ipctui-night")


def screen_text(app: PlaygroundApp) -> str:
    """What the terminal shows, line by line."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_a_typed_line_counts_in_the_total_and_the_jump_offers_no_more():
    """`:` spawn Z, then a demo declined (keep the typed line), then space to the end: the title
    said step 30/29 while `g` offered 0-30."""
    app = demo_app("pipe")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        script_steps = app.session.total
        assert script_steps and f"step 0/{script_steps} " in app.status
        await pilot.press("colon", *"spawn Z", "enter", "escape")
        await pilot.pause()
        assert f"step 1/{script_steps + 1} " in app.status
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("enter")  # the first demo: loading it would throw the typed line away
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")  # keep it
        await pilot.pause()
        for _ in range(60):
            if app.session.at_end:
                break
            await pilot.press("space")
        await pilot.pause()
        assert app.session.steps == script_steps + 1
        assert f"step {script_steps + 1}/{script_steps + 1} " in app.status
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, Prompt) and f"(0-{script_steps + 1})" in screen_text(app)


async def steps(pilot, n: int) -> None:  # type: ignore[no-untyped-def]
    for _ in range(n):
        await pilot.press("space")
    await pilot.pause()
    await pilot.pause()  # the table is fitted again once a scrollbar came


def table_rows(app: PlaygroundApp) -> list[str]:
    """The process table's lines as the screen shows them (its box's border left off)."""
    table = app.main.query_one(ProcessTable)
    region = table.region
    lines = screen_text(app).splitlines()[region.y : region.bottom]
    return [line[region.x : region.right] for line in lines]


async def test_at_80x24_the_process_the_step_is_about_is_on_screen():
    """deadlock, step 20: the narration names teller2, and teller2's lock is the line just run;
    the box showed bank and teller1 and a sideways scrollbar's row."""
    app = demo_app("deadlock")
    async with app.run_test(size=(80, 24)) as pilot:
        await steps(pilot, 20)
        assert app.session.trace[-1].text == 'teller2: lock("/alice") <unfinished ...>'
        table = app.main.query_one(ProcessTable)
        assert not table.show_horizontal_scrollbar and table.virtual_size.width <= table.size.width
        shown = table_rows(app)
        assert any(line.split()[:2] == ["3", "teller2"] for line in shown), shown
        assert any("teller1" in line for line in shown)
    app = demo_app("producer-consumer")  # five processes, three rows: scrolled to the one named
    async with app.run_test(size=(80, 24)) as pilot:
        await steps(pilot, 11)
        assert app.session.trace[-1].text == "consumer2: mq_receive(3) <unfinished ...>"
        table = app.main.query_one(ProcessTable)
        assert table.show_vertical_scrollbar and not table.show_horizontal_scrollbar
        assert table.virtual_size.width <= table.scrollable_content_region.width  # nothing hidden
        assert any(line.split()[:2] == ["5", "consumer2"] for line in table_rows(app))
        assert table.selected_pid == 1  # scrolled, not selected: the selection is the user's


async def test_at_80x24_the_pipe_s_ring_box_is_whole():
    """pipe: at the steps with a sleeper under the ring the box lost its bottom border (a
    scrollbar beside `blocked writing: parent`), one row short. Every step with one is checked."""
    app = demo_app("pipe")
    async with app.run_test(size=(80, 24)) as pilot:
        seen = 0
        for at in range(1, 29):
            await steps(pilot, 1)
            view = app.main.query_one(ObjectsView)
            assert not view.show_vertical_scrollbar, at
            assert view.size.height >= len(view._lines), at
            lines = screen_text(app).splitlines()
            blocked = [i for i, line in enumerate(lines) if "│ blocked " in line[:12]]
            seen += bool(blocked)
            for i in blocked:
                assert lines[i + 1].strip().startswith("╰"), (at, lines)
            table = app.main.query_one(ProcessTable)
            assert not table.show_horizontal_scrollbar, at
            assert app.main.query_one(TraceLog).size.height >= 1  # the trace keeps its latest line
        assert seen >= 4  # the read that sleeps on the empty pipe, the write on the full one


async def test_at_80x24_the_footer_cuts_no_key_in_two():
    """The footer's last keys ran under the palette's key: `U re▏^p palette`. Keys that do not fit
    are left out whole; the first ones, help and demos among them, stay."""
    from textual.widgets._footer import FooterKey

    app = demo_app("pipe")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        keys = [k for k in app.main.query(FooterKey) if k.display and not k.has_class("-command-palette")]
        palette = app.main.query_one("FooterKey.-command-palette")
        assert all(k.region.right <= palette.region.x for k in keys)
        assert "? help" in footer and "d demos" in footer and "u undo" in footer
        assert "U re" not in footer or "U redo" in footer
        await pilot.press("g")  # the keys are made again under the dialog, and after it
        await pilot.pause()
        assert screen_text(app).splitlines()[-1] == footer
        await pilot.press("escape")
        await pilot.pause()
        await pilot.pause()
        assert screen_text(app).splitlines()[-1] == footer
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        await pilot.pause()
        assert "U redo" in screen_text(app).splitlines()[-1]  # wide: every key back


async def test_the_console_hint_is_never_cut():
    """At 80 columns the empty console read `... write(4, "hi")     (tab or →`: the hint shown is
    the longest that fits, whole."""
    from ipctui.app.widgets.console import HINTS, Console

    app = demo_app("pipe")
    for width in (60, 80, 100, 160):
        async with app.run_test(size=(width, 30)) as pilot:
            await pilot.pause()
            console = app.main.query_one(Console)
            assert console.placeholder in HINTS
            assert len(console.placeholder) < console.content_region.width
            assert console.placeholder in screen_text(app)
        app = demo_app("pipe")
    assert console.placeholder == HINTS[0]  # at 160 columns, all of it


async def test_at_80x24_the_pane_bar_shows_whole_titles_and_marks_the_rest():
    """The bar ended in `Real k`: it shows whole titles, the pane in front among them, with ‹ or ›
    where titles are left out."""
    from ipctui.app.routing import PANES

    words = {w for p in PANES for w in p.title.split()}
    app = demo_app("pipe")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for pane in PANES:
            app.action_show_pane(pane.id)
            await pilot.pause()
            bar = screen_text(app).splitlines()[1]
            shown = bar.replace("‹", " ").replace("›", " ").split()
            assert set(shown) <= words, bar
            assert f" {pane.title} " in bar
            assert ("‹" in bar) == (shown[0] != PANES[0].title)
            assert ("›" in bar) == (shown[-1] != PANES[-1].title.split()[-1])


async def test_at_80x24_the_trace_shows_no_narration_s_tail():
    """Stacked, the trace's two or three rows showed `the process table).` (a narration's second
    line) above `parent: fork("child") = 2`: a narration is one line there (the narration line
    under the trace has it in full)."""
    app = demo_app("pipe")
    async with app.run_test(size=(80, 24)) as pilot:
        await steps(pilot, 6)
        trace = app.main.query_one(TraceLog)
        lines = [strip.text.rstrip() for strip in trace.lines]
        narrations = [t.text for t in app.session.trace if t.kind == "narration"]
        assert len(lines) == len(app.session.trace)  # one row a line
        assert any(len(n) > trace.size.width for n in narrations)  # there was one to wrap
        assert all(line.endswith("…") for line in lines if line.startswith("##") and len(line) >= 70)
        assert 'parent: fork("child") = 2' in screen_text(app)


async def test_a_narration_written_over_several_lines_is_shown_whole():
    """The deadlock demo ends with a narration in three `##` lines: the narration line showed the
    last alone, "the cycle teller1 -> teller2 -> teller1)."."""
    app = demo_app("deadlock")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        while not app.session.at_end:
            app.action_step()
        await pilot.pause()
        shown = app.main.shown_narration or ""
        assert shown.startswith("This script shows one order.")
        assert shown.endswith("(without the kill: the cycle teller1 -> teller2 -> teller1).")
        app.action_undo()  # the paragraph's first two lines: those two
        await pilot.pause()
        assert (app.main.shown_narration or "").endswith("who holds them (without the kill:")
        app.action_undo()
        app.action_undo()  # before the paragraph: the narration before it
        await pilot.pause()
        assert (app.main.shown_narration or "").startswith("... so teller1 still waits")


async def test_at_80x24_the_file_dialogs_show_their_buttons():
    """At 24 rows the tree's 14 rows pushed Open/Save and Cancel below the dialog's frame; and an
    empty session offered to save itself as "session-session.ipc"."""
    from textual.widgets import Input

    for key in ("ctrl+o", "ctrl+s"):
        app = PlaygroundApp(theme="ipctui-night")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press(key)
            await pilot.pause()
            dialog = app.screen.query_one("#dialog").region
            for button in ("#ok", "#cancel"):
                assert dialog.contains_region(app.screen.query_one(button).region), (key, button)
            if key == "ctrl+s":
                assert app.screen.query_one("#path", Input).value.endswith("/session.ipc")


async def test_a_line_refused_at_the_console_is_explained_once():
    """The console's problem line and a toast said the same, and at 80x24 the toast covered the
    problem line: it is said under the line typed only."""
    app = PlaygroundApp(theme="ipctui-night")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("colon", *"spawn A", "enter", *"A: pipe(", "enter")
        await pilot.pause()
        assert "✗ expected a value, found the end of the line" in screen_text(app)
        assert not [n for n in app._notifications if "expected a value" in n.message]
