"""The main screen's fitting (screens.py): side by side, a mechanism pane that needs few rows
leaves the rest to the processes and the trace; one that needs more keeps its share."""

from __future__ import annotations

from ipctui.app import PlaygroundApp
from ipctui.app.panes.base import ObjectsView
from ipctui.app.screens import MIN_WIDE
from ipctui.demos import get


async def test_side_by_side_a_small_pane_gives_its_rows_to_the_trace() -> None:
    demo = get("pipe")
    assert demo is not None
    app = PlaygroundApp(script_text=demo.text, script_name="pipe.ipc", theme="ipctui-night")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        for _ in range(14):
            app.action_step()
        await pilot.pause()
        panes, trace = app.main.query_one("#panes"), app.main.query_one("#trace-box")
        need = len(app.main.query_one(ObjectsView)._lines)
        assert panes.size.height == max(MIN_WIDE, need) < 48 * 40 // 100
        assert trace.size.height > 48 * 40 // 100  # more than the 40% it had
        assert len(app.session.trace) + 2 <= trace.size.height  # every line so far on screen
        app.action_show_pane("reference")  # not a mechanism's: its full share
        await pilot.pause()
        assert panes.size.height > 2 * MIN_WIDE
        app.action_show_pane("pipes")
        await pilot.pause()
        assert panes.size.height == max(MIN_WIDE, need)
