"""Counts agree with their nouns in what the app says: "the 1 line you typed ... Throw it away"."""

from __future__ import annotations

from textual.widgets import Button, Label

from ipctui.app import PlaygroundApp
from ipctui.app.dialogs.files import Confirm
from ipctui.app.panes.semaphores import set_panel
from ipctui.app.wording import count, them
from ipctui.demos import get
from ipctui.engine.views import SemSetView


def test_one_is_singular_and_the_rest_plural() -> None:
    assert [count(n, "line") for n in (0, 1, 2)] == ["0 lines", "1 line", "2 lines"]
    assert count(1024, "state") == "1,024 states"
    assert count(1, "trace line") == "1 trace line"
    assert (them(1), them(2)) == ("it", "them")


async def ask(lines: list[str]) -> tuple[str, str, str]:
    """Type `lines` at the console, then open a demo: the question and its two buttons."""
    demo = get("pipe")
    assert demo is not None
    app = PlaygroundApp(script_text=demo.text, script_name="pipe.ipc", theme="ipctui-night")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for line in lines:
            await pilot.press("colon", *line, "enter", "escape")
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        question = str(app.screen.query_one(Label).render())
        yes, no = (str(b.label) for b in app.screen.query(Button))
        return question, yes, no


async def test_one_typed_line_is_it_and_two_are_them() -> None:
    question, yes, no = await ask(["spawn Z"])
    assert "the 1 line you typed" in question
    assert (yes, no) == ("Throw it away (y)", "Keep it (n)")
    question, yes, no = await ask(["spawn Y", "spawn Z"])
    assert "the 2 lines you typed" in question
    assert (yes, no) == ("Throw them away (y)", "Keep them (n)")


def test_a_set_of_one_semaphore_says_so() -> None:
    from rich.console import Console

    from ipctui.app import ink
    from ipctui.app.themes import discover

    theme = next(t for t in discover()[0] if t.name == "ipctui-night")
    console = Console(width=80, color_system=None, record=True)
    console.push_theme(ink.rich_theme(theme.to_color_system().generate()))
    one = SemSetView(id=0, key=7, owner=1000, mode=0o600, values=(1,), waiting=(), undo=())
    console.print(set_panel(one))
    text = console.export_text()
    assert "1 semaphore " in text and "1 semaphores" not in text
