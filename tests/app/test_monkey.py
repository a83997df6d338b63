"""3,000 random keys into a session with every kind of object open: nothing may raise."""

from __future__ import annotations

import random
import string
import unicodedata

import pytest
from conftest import EVERYTHING
from textual import events
from textual.keys import REPLACED_KEYS, _get_unicode_name_from_key

from ipctui.app import PlaygroundApp
from ipctui.app.panes.bench import BenchPane

KEYS = (
    list(string.ascii_letters)
    + list(string.digits)
    + ["up", "down", "left", "right", "tab", "shift+tab", "enter", "escape", "space", "backspace"]
    + [f"f{i}" for i in range(1, 13)]
    + [f"ctrl+{c}" for c in string.ascii_lowercase if c not in "q"]
    + ["colon", "question_mark", "plus", "minus", "quotation_mark", "left_parenthesis", "right_parenthesis"]
)


@pytest.mark.parametrize("seed", [20261125, 1])
async def test_three_thousand_random_keys(tmp_path, monkeypatch, seed):
    monkeypatch.chdir(tmp_path)  # the save dialog may be reached: write nothing shared
    # the bench pane may be reached: a real run, but of one mechanism (seconds, not a minute)
    monkeypatch.setattr(BenchPane, "command", [*BenchPane.command, "--mechanisms", "pipe"])
    rng = random.Random(seed)
    app = PlaygroundApp(script=EVERYTHING)
    opened: list[str] = []
    push = app.push_screen

    def counting_push(screen, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(type(screen).__name__)
        return push(screen, *args, **kwargs)

    app.push_screen = counting_push  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(30):  # every object open before the monkey starts
            await pilot.press("space")
        before = [t.text for t in app.session.trace]
        changed = False
        for i in range(3000):
            send_key(app, rng.choice(KEYS))
            if i % 25 == 0:  # let the queued keys be handled, as after a burst of typing
                await pilot.pause()
                changed |= [t.text for t in app.session.trace] != before
            if i % 500 == 0:
                await pilot.resize_terminal(rng.choice([20, 80, 120, 160]), rng.choice([10, 24, 40]))
        await pilot.pause()
        assert app.is_running
        # the monkey reached the dialogs and changed the session, it did not just bounce off (which
        # dialogs depends on how fast the app takes the keys: three kinds at least, in every run seen)
        assert len(set(opened)) >= 3, opened
        assert changed  # (it may have undone its way back to where it started, by the end)


def send_key(app: PlaygroundApp, key: str) -> None:
    """Queue a key event as Pilot builds it, without waiting for the app to go idle after it."""
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
    except KeyError:
        char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    assert app._driver is not None
    app._driver.send_message(event)
