"""`ipctui serve` in a real headless Chromium: the page opens, keys step the tour, each tab is its
own session, and a browser session keeps its hands off the server. `.ci/run` installs Debian's
`chromium` when it is missing; only when there is none do these tests skip, saying so."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from chromium import Chromium, Tab, find_chromium

pytestmark = pytest.mark.skipif(
    find_chromium() is None,
    reason="no chromium on this machine: `.ci/run` installs it (apt-get install chromium)",
)

PIPE_LINE = r"alice: pipe\(capacity=16, page_size=4\) = \[3, 4\]"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(tmp_path: Path, *args: str) -> tuple[subprocess.Popen, str]:
    """`ipctui serve` as a user starts it, and its URL once it answers."""
    port = free_port()
    log = (tmp_path / f"serve-{port}.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "ipctui", "serve", "--port", str(port), *args],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
        env={**os.environ, "IPCTUI_CONFIG_DIR": str(tmp_path / "config")},
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, f"http://127.0.0.1:{port}/"
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise AssertionError("ipctui serve did not start:\n" + Path(log.name).read_text()) from None
            time.sleep(0.1)


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


@pytest.fixture
def tour(tmp_path: Path) -> Iterator[str]:
    """The URL of a server whose tabs open the tour."""
    server, url = start_server(tmp_path, "--demo", "tour")
    yield url
    stop(server)


@pytest.fixture
async def browser() -> AsyncIterator[Chromium]:
    async with Chromium(width=1280, height=800) as b:
        yield b


async def opened(browser: Chromium, url: str) -> Tab:
    """A tab showing the playground, ready for keys."""
    tab = await browser.tab(url)
    # The app is up, and has the keys without a click: Textual shows them in the footer only then.
    await tab.wait_for(r"─ trace ─[\s\S]*space step", timeout=60)
    return tab


async def step_until(tab: Tab, pattern: str, most: int) -> int:
    """Press space until `pattern` is on the screen; how many presses it took."""
    for presses in range(1, most + 1):
        await tab.press("space")
        if re.search(pattern, await tab.wait_quiet(settle=0.3)):
            return presses
    raise AssertionError(f"{pattern!r} not on the screen after {most} spaces:\n{await tab.text()}")


async def test_the_tour_steps_with_keys_in_a_browser(browser: Chromium, tour: str) -> None:
    tab = await opened(browser, tour)
    first = await tab.text()
    assert "tour.ipc" in first and "spawn alice" not in first
    assert "Pipes" in first and "processes" in first and "trace" in first
    await step_until(tab, r"spawn bob", most=6)
    screen = await tab.text()
    assert "spawn alice" in screen
    assert "alice  1000  ready" in screen  # the process table has the two processes
    await step_until(tab, PIPE_LINE, most=4)
    screen = await tab.text()
    assert "W" in screen and "R" in screen  # the pipe pane came forward with its ring
    await tab.press("u")  # undo takes the pipe away again
    screen = await tab.wait_quiet()
    assert "alice: pipe(" not in screen and "spawn bob" in screen


async def test_each_tab_is_its_own_session(browser: Chromium, tour: str) -> None:
    one = await opened(browser, tour)
    await step_until(one, PIPE_LINE, most=10)
    two = await opened(browser, tour)
    assert "spawn alice" not in await two.text()  # a new tab starts the tour from its beginning
    await step_until(two, r"spawn alice", most=4)
    assert "alice: pipe(" not in await two.text()
    assert "alice: pipe(" in await one.text()  # and the first tab kept its own steps


async def test_a_browser_session_keeps_its_hands_off_the_server(
    browser: Chromium, tour: str, tmp_path: Path
) -> None:
    tab = await opened(browser, tour)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    await tab.download_to(downloads)
    await step_until(tab, r"spawn alice", most=4)
    await tab.press("K")  # not bound in a browser session: the keys after it show it did nothing
    await tab.press("ctrl+s")
    await tab.wait_for(r"tour-session.ipc: \d+ steps?, sent to your browser")
    assert "Checked" not in await tab.text() and "real processes" not in await tab.text()
    for key in ("ctrl+p", *"real kernel"):  # the palette offers only what the session has
        await tab.press(key)
    await tab.wait_for(r"Show Real kernel")
    assert "Check on the real kernel" not in await tab.text()
    await tab.press("escape")
    saved = downloads / "tour-session.ipc"
    deadline = time.monotonic() + 10
    while not saved.exists() and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert saved.read_text().endswith("spawn alice\n")
    # nothing written where the server runs, nor its settings (the theme) remembered
    assert [p.name for p in tmp_path.iterdir() if p.suffix != ".log"] == ["downloads"]


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


@pytest.mark.parametrize("how", ["stopped", "killed"])
async def test_the_sessions_end_with_the_server(browser: Chromium, tmp_path: Path, how: str) -> None:
    """Stopped (ctrl+c, SIGTERM) or killed, the server leaves no session running."""
    server, url = start_server(tmp_path, "--demo", "tour")
    try:
        for _ in range(2):
            await opened(browser, url)
        sessions = children(server.pid)
        assert len(sessions) == 2  # a process per tab
        started = time.monotonic()
        if how == "stopped":
            server.terminate()
            server.wait(10)
            assert time.monotonic() - started < 5  # it no longer waits for the open tabs
        else:
            server.kill()
            server.wait()
        deadline = time.monotonic() + 10
        while (left := [p for p in sessions if Path(f"/proc/{p}").exists()]) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert left == []
    finally:
        if server.poll() is None:
            stop(server)
