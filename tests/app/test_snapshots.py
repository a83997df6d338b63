"""Snapshots of every pane, the help screen, a form with a validation error, and each theme.

Deterministic: fixed terminal sizes, an explicit theme, no clock in the header, animations off.
Regenerate only with the whole suite: `pytest --snapshot-update`, after looking at the report.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EVERYTHING

from ipctui.app import PlaygroundApp

EXAMPLES = Path(__file__).parent.parent / "examples"
SIZE = (120, 36)


def app_with_everything(theme: str = "ipctui-night") -> PlaygroundApp:
    return PlaygroundApp(script=EVERYTHING, theme=theme)


async def step_all(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()  # the script is loaded once the main screen is up
    app = pilot.app
    assert app.session.script
    while not app.session.at_end:
        app.action_step()
    await pilot.pause()


@pytest.mark.parametrize(
    "pane", ["pipes", "queues", "memory", "semaphores", "sockets", "signals", "reference", "real"]
)
def test_pane(snap_compare, pane: str) -> None:
    """You should see the pane named in the test, full of objects: one of every kind is open."""

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await step_all(pilot)
        pilot.app.action_show_pane(pane)
        await pilot.pause()

    assert snap_compare(app_with_everything(), terminal_size=SIZE, run_before=run_before)


def test_narrow_layout_mid_script(snap_compare) -> None:
    """At 80x24: the pipe's ring full (RW on slot 2), the parent blocked writing, narration showing."""

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        for _ in range(12):
            pilot.app.action_step()
        await pilot.pause()

    app = PlaygroundApp(script=EXAMPLES / "pipe_basics.ipc", theme="ipctui-night")
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_help_screen(snap_compare) -> None:
    """The help screen over the app: the table of keys."""
    assert snap_compare(PlaygroundApp(theme="ipctui-night"), terminal_size=SIZE, press=["question_mark"])


def test_form_with_a_validation_error(snap_compare) -> None:
    """The read form for A with fd "x": the problem in red under the line it would run; Run disabled."""

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        pilot.app.submit("spawn A")
        await pilot.press("r", "x")
        await pilot.pause()

    assert snap_compare(PlaygroundApp(theme="ipctui-night"), terminal_size=SIZE, run_before=run_before)


def test_call_picker(snap_compare) -> None:
    """The call picker filtered to "mq": the POSIX queue calls."""

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        pilot.app.submit("spawn A")
        await pilot.press("c", "m", "q")
        await pilot.pause()

    assert snap_compare(PlaygroundApp(theme="ipctui-night"), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("theme", ["ipctui-night", "ipctui-paper", "ipctui-projector"])
def test_theme(snap_compare, theme: str) -> None:
    """The memory pane (hex view, lock held, a waiter) in each of our themes."""

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await step_all(pilot)
        pilot.app.action_show_pane("memory")
        await pilot.pause()

    assert snap_compare(app_with_everything(theme), terminal_size=(100, 30), run_before=run_before)


def test_demo_picker(snap_compare) -> None:
    """The demo picker: eleven demos, one line each, the tour first."""
    assert snap_compare(PlaygroundApp(theme="ipctui-night"), terminal_size=SIZE, press=["d"])


def test_demo_mid_way(snap_compare) -> None:
    """The shared-memory demo at the torn read: the narration explains it, the hex view shows 0500."""

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        pilot.app.open_demo("shared-memory")
        await pilot.pause()
        pilot.app.clear_notifications()
        for _ in range(12):
            pilot.app.action_step()
        await pilot.pause()

    assert snap_compare(PlaygroundApp(theme="ipctui-night"), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("pane", ["bench", "compare"])
def test_bench_and_compare_panes(snap_compare, bench_results, pane: str) -> None:
    """You should see a fixed benchmark run as bar charts (bench) or the mechanisms' table
    (compare), with fixed capacities so the picture does not depend on the machine."""

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        pilot.app.action_show_pane(pane)
        await pilot.pause()

    assert snap_compare(PlaygroundApp(theme="ipctui-night"), terminal_size=(140, 44), run_before=run_before)


def test_compare_pane_at_80x24(snap_compare, bench_results) -> None:
    """At 80x24 the Compare pane's table has short headers, each whole on one line (mechanism,
    blocks, capacity, boundaries, between, net, p50 µs, MB/s), cells folded rather than cut,
    the MB/s column beside the scrollbar, not under it."""

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        pilot.app.action_show_pane("compare")
        await pilot.pause()

    assert snap_compare(PlaygroundApp(theme="ipctui-night"), terminal_size=(80, 24), run_before=run_before)


def test_quiz_question(snap_compare) -> None:
    """The pipe demo in quiz mode, at the write that wakes the child: a dialog shows
    `parent: write(4, "hello") = ?` alone (the child's resumed read is asked at its own sub-step),
    answered `5`, in a dialog at the bottom (the ring and the blocked child above it, undimmed),
    with the verdict on the last answer; the title keeps the score (5/5: every line so far right)."""
    from ipctui.demos import get

    demo = get("pipe")
    assert demo is not None

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        from ipctui.app.dialogs.quiz import QuizQuestion

        await pilot.pause()
        app = pilot.app
        for _ in range(40):
            await pilot.press("space")
            await pilot.pause()
            if isinstance(app.screen, QuizQuestion):
                if "hello" in app.screen.questions[0].prompt:
                    break
                for i, q in enumerate(app.screen.questions):
                    app.screen.query_one(f"#answer-{i}").value = q.answer
                await pilot.press("enter")
                await pilot.pause()
        await pilot.press(*"5")
        await pilot.pause()

    app = PlaygroundApp(script_text=demo.text, script_name="pipe.ipc", theme="ipctui-night", quiz=True)
    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)


def test_projector_pipe_ring(snap_compare) -> None:
    """The projector theme at 100x30, the pipe demo with the ring full: the ring's frame, the
    R/W marks and "blocked writing: parent" in the theme's colours (no default yellow or grey),
    every frame and the console's hint plainly visible on black."""

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        for _ in range(12):
            pilot.app.action_step()
        await pilot.pause()

    app = PlaygroundApp(script=EXAMPLES / "pipe_basics.ipc", theme="ipctui-projector")
    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)
