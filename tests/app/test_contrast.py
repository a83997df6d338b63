"""Every theme, the projector one above all, gives every text and border at least 4.5:1 (WCAG AA).

The check reads what is really on screen: each cell the compositor draws that is not blank, its
colour against its background (reversed, dimmed as the terminal would), across the panes, the
narrow layout with narration, the dialogs and the quiz, and what is highlighted or selected in
them (a list's cursor, the text selected in a field, the file tree, a notification, a button not
yet pressable); so a colour pair counts exactly when it is used. Every theme offered is checked:
ours and none of Textual's (the app offers only these). And no pane names a colour of its own:
they come from the theme (ink.py, CSS variables).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import EVERYTHING
from rich.color import Color as RichColor
from textual.color import Color
from textual.filter import dim_color
from textual.screen import ModalScreen

from ipctui.app import PlaygroundApp
from ipctui.app.dialogs.quiz import QuizQuestion
from ipctui.app.ink import contrast
from ipctui.app.panes.explore import ExplorePane
from ipctui.app.themes import discover
from ipctui.demos import get

AA = 4.5
THEMES = sorted(t.name for t in discover()[0])  # every theme we ship
APP_DIR = Path(__file__).parent.parent.parent / "ipctui" / "app"


def low_contrast(app: PlaygroundApp, where: str) -> list[str]:
    """Each distinct (glyphs, colour, background) on screen below AA, described. Under a dialog
    only the dialog counts: what lies behind it is faded on purpose."""
    found: dict[tuple[str, str, str], str] = {}
    area = app.screen.region
    if isinstance(app.screen, ModalScreen):
        area = next(iter(app.screen.children)).region
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        if not area.y <= y < area.bottom:
            continue
        x = 0
        for seg in strip:
            x, start = x + seg.cell_length, x
            if not (area.x <= start and x <= area.right):
                continue
            style = seg.style
            if style is None or not seg.text.strip():
                continue
            fg, bg = style.color, style.bgcolor
            if style.reverse:
                fg, bg = bg, fg
            assert fg is not None and bg is not None, f"{where}: {seg.text!r} has no colour of its own"
            if style.dim:
                fg = dim_color(bg, fg)
            a, b = _solid(fg), _solid(bg)
            ratio = contrast(a, b)
            if ratio < AA:
                key = (seg.text.strip()[:24], a.hex6, b.hex6)
                found.setdefault(key, f"{where} row {y}: {key[0]!r} {a.hex6} on {b.hex6} is {ratio:.2f}:1")
    return list(found.values())


def _solid(c: RichColor) -> Color:
    return Color(*c.get_truecolor())


@pytest.mark.parametrize("theme", THEMES)
async def test_every_pane_reads_at_aa(theme: str, bench_results) -> None:  # type: ignore[no-untyped-def]
    app = PlaygroundApp(script=EVERYTHING, theme=theme)
    problems: list[str] = []
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        for _ in range(12):  # halfway: processes blocked, waiting, pending
            app.action_step()
        await pilot.pause()
        problems += low_contrast(app, "halfway")
        while not app.session.at_end:
            app.action_step()
        await pilot.pause()
        for pane in ["pipes", "queues", "memory", "semaphores", "sockets", "signals", "reference", "compare"]:
            app.action_show_pane(pane)
            await pilot.pause()
            problems += low_contrast(app, pane)
        app.action_console()  # focused frames and the console
        await pilot.pause()
        problems += low_contrast(app, "console focused")
        await pilot.press("x", "y", "enter")  # a line the console refuses: the problem shows
        await pilot.pause()
        problems += low_contrast(app, "console problem")
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        problems += low_contrast(app, "help")
        await pilot.press("escape", "c")
        await pilot.pause()
        problems += low_contrast(app, "call picker")
        await pilot.press("escape", "v", *"sysv")  # the matched letters marked
        await pilot.pause()
        problems += low_contrast(app, "pane picker")
        await pilot.press("escape", "ctrl+p")
        await pilot.pause()
        problems += low_contrast(app, "palette")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("theme", THEMES)
async def test_the_narrow_demo_and_the_quiz_read_at_aa(theme: str) -> None:
    demo = get("pipe")
    assert demo is not None
    app = PlaygroundApp(script_text=demo.text, script_name="pipe.ipc", theme=theme, quiz=True)
    problems: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for _ in range(30):
            await pilot.press("space")
            await pilot.pause()
            if isinstance(app.screen, QuizQuestion):
                problems += low_contrast(app, "quiz question")
                app.screen.query_one("#answer-0").value = "EAGAIN"  # wrong, mostly: a warning
                for i in range(1, len(app.screen.questions)):
                    app.screen.query_one(f"#answer-{i}").value = "1"
                await pilot.press("enter")
                await pilot.pause()
                problems += low_contrast(app, "after an answer")
            if "hello" in str(app.session.trace[-1:]):
                problems += low_contrast(app, "narrow, the ring full")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("theme", THEMES)
async def test_highlights_forms_and_dialogs_read_at_aa(theme: str) -> None:
    """What the first checks missed: the help on every page, a list's highlighted row with the
    focus in its filter or in the list, the palette's highlighted command and its help text,
    the selected process, the file tree, a field's selected text, a form with a drop-down and a
    button that cannot be pressed yet, the notifications, the load confirmation, Explore."""
    demo = get("deadlock")
    assert demo is not None
    app = PlaygroundApp(script_text=demo.text, script_name="deadlock.ipc", theme=theme)
    problems: list[str] = []
    async with app.run_test(size=(120, 36)) as pilot:

        async def check(where: str, *keys: str) -> None:
            await pilot.press(*keys)
            await pilot.pause()
            problems.extend(low_contrast(app, where))

        for _ in range(8):
            app.action_step()
        await check("processes, one selected", "down")
        await check("help", "question_mark")
        help_box = app.screen.query_one("#dialog")
        while help_box.scroll_y < help_box.max_scroll_y:
            await check(f"help at {help_box.scroll_y}", "pagedown")
        await pilot.press("escape")
        for key, name in (("c", "call picker"), ("d", "demo picker"), ("v", "pane picker")):
            await check(name, key, "down", "down")
            await check(f"{name}, the list focused", "tab")
            await pilot.press("escape")
        await check("palette", "ctrl+p", "down", "down", "down")
        await check("palette, themes", *"theme", "down")
        await check("jump: the value selected", "escape", "g")
        await check("open: the file tree", "escape", "ctrl+o", "down", "down")
        await check("a call's form: a drop-down, Run not yet pressable", "escape", "f")
        await pilot.press("escape")
        app.notify("a notice")
        app.notify("a warning", severity="warning")
        app.notify("an error", severity="error")
        await check("notifications")
        app.clear_notifications()
        await check("the load confirmation", "colon", *"spawn Z", "enter", "escape", "d", "enter")
        await check("the load confirmation, Keep focused", "tab")
        await pilot.press("escape")
        await check("explore", "E")
        for _ in range(200):
            if isinstance(app.screen, ExplorePane) and app.screen.result is not None:
                break
            await pilot.pause(0.05)
        await check("explore, an outcome highlighted")
    assert problems == [], "\n".join(problems)


async def test_only_the_themes_checked_here_are_offered() -> None:
    """Textual's built-in themes are not offered (their block cursor, buttons and fields read
    below AA in places): asking for one falls back to ours, with a word."""
    app = PlaygroundApp(theme="textual-dark")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == "ipctui-night"
        assert any("no theme named textual-dark" in n.message for n in app._notifications)
        assert sorted(app.available_themes) == THEMES
        offered = [c.title for c in app.get_system_commands(app.screen) if c.title.startswith("Theme: ")]
        assert offered == [f"Theme: {name}" for name in THEMES]


def test_no_pane_names_a_colour_of_its_own() -> None:
    """Colours come from the theme: no Rich colour names, hex codes or colour markup in the
    app's code and CSS (themes/*.toml is where colours live)."""
    named = re.compile(
        r"""["'\[](?:bold |italic |dim |reverse )*"""
        r"""(?:red|green|yellow|blue|cyan|magenta|white|black|grey\d*)\b"""
        r"""|#[0-9a-fA-F]{6}\b"""
    )
    found = [
        f"{path.name}:{n}: {line.strip()}"
        for path in sorted(APP_DIR.rglob("*"))
        if path.suffix in (".py", ".tcss")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if named.search(line) and not line.lstrip().startswith("#")
    ]
    assert found == [], "\n".join(found)


async def test_a_theme_change_recolours_what_was_drawn() -> None:
    """The ring's R/W marks, "blocked writing" and the trace take the new theme's colours when
    the theme changes (they were drawn and kept in the old ones)."""
    from ipctui.app.panes.base import ObjectsView
    from ipctui.app.widgets.trace_log import TraceLog

    app = PlaygroundApp(
        script=Path(__file__).parent.parent / "examples" / "pipe_basics.ipc", theme="ipctui-night"
    )

    def colour_of(lines, text: str) -> str:  # type: ignore[no-untyped-def]
        for line in lines:
            for seg in line:
                if text in seg.text and seg.style is not None and seg.style.color is not None:
                    return _solid(seg.style.color).hex6
        raise AssertionError(f"{text!r} is not drawn")

    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        view, trace = app.main.query_one(ObjectsView), app.main.query_one(TraceLog)
        for _ in range(40):  # step (through sub-steps) until the writer is blocked
            app.action_step()
            await pilot.pause()
            if any("blocked writing" in seg.text for line in view._lines for seg in line):
                break
        for theme in ("ipctui-night", "ipctui-projector", "ipctui-paper"):
            app.theme = theme
            await pilot.pause()
            want = app.get_css_variables()
            assert colour_of(view._lines, "blocked writing") == Color.parse(want["text-warning"]).hex6
            assert colour_of(view._lines, "W") == Color.parse(want["text-accent"]).hex6
            assert colour_of(trace.lines, "<unfinished") == Color.parse(want["text-warning"]).hex6
