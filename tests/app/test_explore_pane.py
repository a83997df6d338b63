"""The explore pane: E explores the loaded script in a worker, lists the outcomes deadlocks
first, and choosing one opens its trace as the session."""

from __future__ import annotations

from pathlib import Path

from ipctui.app import PlaygroundApp
from ipctui.app.panes.explore import ExplorePane

BUFFER = Path(__file__).parent.parent / "explore" / "scripts" / "bounded_buffer_wrong.ipc"


async def wait_for_result(pilot, pane: ExplorePane) -> None:  # type: ignore[no-untyped-def]
    for _ in range(200):
        await pilot.pause(0.05)
        if pane.result is not None:
            break
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_explore_lists_outcomes_and_opens_the_deadlock() -> None:
    app = PlaygroundApp(script=str(BUFFER))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("E")
        pane = app.screen
        assert isinstance(pane, ExplorePane)
        await wait_for_result(pilot, pane)
        assert pane.result is not None and pane.result.outcomes[0].kind == "deadlock"
        trace = pane.result.outcomes[0].trace
        await pilot.press("enter")  # the first outcome: the deadlock
        await pilot.pause()
        assert not isinstance(app.screen, ExplorePane)
        assert app.session.script_name == "explored.ipc"
        while not app.session.at_end:
            app.action_step()
        await pilot.pause()
        assert [e.text for e in app.session.entries][-1] == trace[-1].removesuffix(" <unfinished ...>")
        assert app.session.kernel.process("c").waiter is not None  # stuck, as explore said


async def test_explore_from_the_palette_and_escape_closes() -> None:
    app = PlaygroundApp(script=str(BUFFER))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        commands = [c.title for c in app.get_system_commands(app.screen)]  # type: ignore[attr-defined]
        assert "Explore every schedule" in commands
        app.action_explore()
        await pilot.pause()
        assert isinstance(app.screen, ExplorePane)
        await wait_for_result(pilot, app.screen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ExplorePane)
        assert app.session.script_name != "explored.ipc"


def test_snapshot_explore_pane(snap_compare) -> None:
    """You should see the explore dialog over the playground: a summary line (6 schedules, every
    schedule), then the outcomes, the deadlock first with its cycle p -> c -> p."""

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        await pilot.press("E")
        await wait_for_result(pilot, pilot.app.screen)

    app = PlaygroundApp(script=str(BUFFER), theme="ipctui-night")
    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)


async def test_the_stuck_banner_names_the_cycle() -> None:
    from ipctui.app.widgets.stuck_banner import StuckBanner

    app = PlaygroundApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        banner = app.query_one(StuckBanner)
        lines = ["spawn a", "a: pipe()", "a: pipe()", 'a: fork("b")', "a: read(5, 1)"]
        for line in lines:
            app.submit(line)
        await pilot.pause()
        assert not banner.has_class("shown")  # b can still move
        app.submit("b: read(3, 1)")
        await pilot.pause()
        assert banner.has_class("shown")
        assert "deadlock, a → b → a" in str(banner.render()) or "deadlock, b → a → b" in str(banner.render())
        app.action_undo()
        await pilot.pause()
        assert not banner.has_class("shown")
