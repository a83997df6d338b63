"""The pane picker (`v`): every pane, the eleventh (Explore) and beyond included, from the keyboard."""

from __future__ import annotations

from ipctui.app import PlaygroundApp
from ipctui.app.dialogs.panes import PanePicker, ranked
from ipctui.app.panes.explore import ExplorePane
from ipctui.app.routing import PANES, picker_entries
from ipctui.vocab.mechanisms import MECHANISMS


def test_it_lists_every_pane_and_explore_with_their_keys() -> None:
    entries = picker_entries()
    assert [e.id for e in entries] == [p.id for p in PANES] + ["explore"]
    assert [e.key for e in entries] == [*"1234567890", "E"]
    # every mechanism with a pane is named by its pane's line, as vocab/mechanisms.py titles it
    about = {e.id: e.about for e in entries}
    for m in MECHANISMS:
        if m.pane is not None and m.name != "files":
            assert m.title.split(" (")[0] in about[m.pane], m.name


def test_typing_finds_a_pane_by_name_mechanism_call_or_key() -> None:
    def first(query: str) -> str:
        return ranked(picker_entries(), query)[0][0].id

    assert first("sema") == "semaphores"
    assert first("mq_send") == "queues"  # a call's name
    assert "mq_send" in str(ranked(picker_entries(), "mq_send")[0][1])  # and the line says so
    assert first("fifo") == "pipes"  # a mechanism the pane shows
    assert first("expl") == "explore"
    assert first("0") == "compare" and first("E") == "explore"  # a key
    assert first("cmpr") == "compare"  # fuzzy
    assert ranked(picker_entries(), "zzzz") == []


async def test_v_then_typing_brings_the_pane_forward() -> None:
    app = PlaygroundApp(theme="ipctui-night")
    async with app.run_test(size=(80, 24)) as pilot:
        assert "v" in app.active_bindings and app.active_bindings["v"].binding.show  # in the footer
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, PanePicker)
        await pilot.press(*"semop", "enter")
        await pilot.pause()
        assert app.screen is app.main and app.front_pane == "semaphores"
        # arrows, then Enter; Escape changes nothing
        await pilot.press("v", "down", "down", "enter")
        await pilot.pause()
        assert app.front_pane == "signals"  # two below the pane in front (semaphores, sockets, signals)
        await pilot.press("v", *"bench", "escape")
        await pilot.pause()
        assert app.screen is app.main and app.front_pane == "signals"


async def test_the_picker_reaches_explore_the_eleventh() -> None:
    app = PlaygroundApp(theme="ipctui-night")
    async with app.run_test(size=(120, 36)) as pilot:
        for line in ("spawn A", "A: pipe() = [3, 4]", 'A: write(4, "hi") = 2'):
            app.submit(line)
        await pilot.press("v", *"explore", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ExplorePane)


async def test_the_palette_offers_the_picker() -> None:
    app = PlaygroundApp(theme="ipctui-night")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+p", *"show a pane")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PanePicker)


def test_pane_picker_snapshot(snap_compare) -> None:
    """At 80x24, `v` then "sysv": the panes with System V objects first, the letters marked."""

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        await pilot.press("v", *"sysv")
        await pilot.pause()

    assert snap_compare(PlaygroundApp(theme="ipctui-night"), terminal_size=(80, 24), run_before=run_before)
