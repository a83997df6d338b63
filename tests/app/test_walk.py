"""Pilot tests for what a newcomer's walk through the app found: each fails on the old behaviour."""

from __future__ import annotations

from ipctui.app import PlaygroundApp
from ipctui.app.dialogs.files import Confirm
from ipctui.app.dialogs.pickers import Prompt
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
