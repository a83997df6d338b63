"""`ipctui serve`: its options and their checks, the command each tab runs, and what a browser
session may not do on the server (the guard), through Pilot. The real browser: test_browser.py."""

from __future__ import annotations

import shlex
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ipctui import serve as serve_module
from ipctui.app import PlaygroundApp
from ipctui.app.panes.bench import BenchPane
from ipctui.app.panes.real import RealPane
from ipctui.app.served import Limits
from ipctui.cli import main
from ipctui.serve import ServeOptions, is_loopback, port_problem, session_command


@pytest.fixture(autouse=True)
def private_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings a session remembers go to a private folder, which the tests look into."""
    config = tmp_path / "config"
    monkeypatch.setenv("IPCTUI_CONFIG_DIR", str(config))
    return config


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[ServeOptions]:
    """`ipctui serve` up to the point where it would start serving: the options it would serve with."""
    calls: list[ServeOptions] = []
    monkeypatch.setattr(serve_module, "serve", calls.append)
    return calls


# ------------------------------------------------------------------ the command's options


def test_defaults_listen_on_loopback_port_8000(served: list[ServeOptions]) -> None:
    if port_problem("127.0.0.1", 8000):
        pytest.skip("port 8000 is taken on this machine")
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 0, result.output
    assert served == [ServeOptions(host="127.0.0.1", port=8000, demo=None, allow_real=False)]
    assert "warning" not in result.output


def test_options_reach_the_server(served: list[ServeOptions]) -> None:
    result = CliRunner().invoke(
        main, ["--theme", "ipctui-paper", "serve", "--port", "8123", "--demo", "pipe", "--allow-real"]
    )
    assert result.exit_code == 0, result.output
    assert served == [ServeOptions(port=8123, demo="pipe", allow_real=True, theme="ipctui-paper")]


def test_a_host_other_machines_reach_is_warned_about(served: list[ServeOptions]) -> None:
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--port", "8124"])
    assert result.exit_code == 0
    assert "warning: serving on 0.0.0.0: anyone who can reach it" in result.output
    assert served[0].host == "0.0.0.0"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "0"], "'--port': 0 is not in the range 1<=x<=65535"),
        (["--port", "65536"], "65536 is not in the range"),
        (["--port", "http"], "'http' is not a valid integer"),
        (["--demo", "nope"], "no demo named 'nope'; the demos are: tour, pipe"),
        (["--host", "no.such.host.invalid"], "cannot listen on no.such.host.invalid"),
    ],
)
def test_bad_options_are_refused_in_a_sentence(
    served: list[ServeOptions], args: list[str], message: str
) -> None:
    result = CliRunner().invoke(main, ["serve", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert served == []


def test_a_port_in_use_is_refused_before_serving(served: list[ServeOptions]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port)])
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in result.output
    assert served == []


def test_loopback_addresses() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10") and not is_loopback("example.org")


def test_each_tab_runs_a_session_with_the_servers_options() -> None:
    """textual-serve runs this through a shell: quoted, and it opens the app in a served session."""
    argv = shlex.split(session_command(ServeOptions(demo="tour", allow_real=True, theme="my theme")))
    assert argv == [
        "exec",
        sys.executable,
        *["-m", "ipctui.serve", "--session", "--demo", "tour", "--theme", "my theme", "--allow-real"],
    ]
    assert "--allow-real" not in session_command(ServeOptions())


def test_the_session_entry_point_refuses_to_run_without_session() -> None:
    """`python -m ipctui.serve` alone is not a way to start a server: it says so."""
    done = subprocess.run(
        [sys.executable, "-m", "ipctui.serve"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert "the following arguments are required: --session" in done.stderr


# ------------------------------------------------------------------ the guard


def test_the_terminal_has_no_limits() -> None:
    assert Limits().refuse_real("The bench") is None
    assert Limits().refuse_open() is None
    assert not Limits().saves_to_browser


def palette_titles(app: PlaygroundApp) -> set[str]:
    return {c.title for c in app.get_system_commands(app.main)}


async def test_a_served_session_runs_no_real_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --allow-real neither the keys nor the palette reach the bench or the real check."""
    started: list[str] = []
    monkeypatch.setattr(RealPane, "check", lambda self, *a, **k: started.append("check"))
    monkeypatch.setattr(BenchPane, "run", lambda self: started.append("bench"))
    app = PlaygroundApp(allow_real=False, served=True)
    async with app.run_test(size=(120, 40)) as pilot:
        app.submit("spawn A")
        await pilot.press("K", "B", "ctrl+o")
        await pilot.pause()
        assert app.screen is app.main and app.front_pane == "pipes"  # no key did a thing
        titles = palette_titles(app)
        keys = set(app.active_bindings)
        await pilot.press("ctrl+p", *"bench")  # what a user finds by typing in the palette
        await pilot.pause(0.3)
        found = app.screen.query_one("CommandList").option_count
    assert started == []
    assert not {"Run the benchmark", "Check on the real kernel", "Open a script", "Save the session"} & titles
    assert {"Download the session", "Quiz me", "Show Bench", "Step"} <= titles
    assert not {"K", "B", "ctrl+o"} & keys and {"space", "ctrl+s"} <= keys
    assert found == 1  # "Show Bench" only


async def test_allow_real_lets_a_served_session_run_them(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[str] = []
    monkeypatch.setattr(RealPane, "check", lambda self, *a, **k: started.append("check"))
    monkeypatch.setattr(BenchPane, "run", lambda self: started.append("bench"))
    app = PlaygroundApp(allow_real=True, served=True)
    async with app.run_test(size=(120, 40)) as pilot:
        app.submit("spawn A")
        await pilot.press("K", "B")
        await pilot.pause()
        titles = palette_titles(app)
    assert started == ["check", "bench"]
    assert {"Run the benchmark", "Check on the real kernel", "Download the session"} <= titles
    assert "Open a script" not in titles  # a file on the server: never


async def test_the_terminal_offers_everything() -> None:
    app = PlaygroundApp()
    async with app.run_test(size=(120, 40)):
        titles = palette_titles(app)
    assert {"Run the benchmark", "Check on the real kernel", "Open a script", "Save the session"} <= titles
    assert "Download the session" not in titles


def test_what_a_session_offers() -> None:
    served, allowed = Limits(browser=True, allow_real=False), Limits(browser=True, allow_real=True)
    assert all(Limits().offers(a) for a in ("open", "bench", "check_real", "save", "step"))
    assert [served.offers(a) for a in ("open", "bench", "check_real", "save")] == [False, False, False, True]
    assert [allowed.offers(a) for a in ("open", "bench", "check_real", "save")] == [False, True, True, True]


async def test_a_served_session_opens_no_file_on_the_server(tmp_path: Path) -> None:
    app = PlaygroundApp(served=True)
    async with app.run_test(size=(120, 40)) as pilot:
        app.action_open()  # ctrl+o is not bound here; the action, reached some other way, refuses
        await pilot.pause()
        assert app.screen is app.main  # no prompt for a path
        messages = [str(n.message) for n in app._notifications]
    assert messages == [
        "Opening a file is off in a browser session: it would read files on the server. "
        "Open a demo (d), or type the lines in the console (:)."
    ]


async def test_a_served_session_saves_to_the_browser(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    delivered: list[tuple[str, str | None]] = []

    def deliver_text(self, file, *, save_filename=None, **kwargs):  # type: ignore[no-untyped-def]
        delivered.append((file.read(), save_filename))

    monkeypatch.setattr(PlaygroundApp, "deliver_text", deliver_text)
    monkeypatch.chdir(tmp_path)
    app = PlaygroundApp(served=True)
    async with app.run_test(size=(120, 40)) as pilot:
        app.submit("spawn A")
        app.submit("A: pipe()")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is app.main  # no prompt for a path on the server
    assert delivered == [("spawn A\nA: pipe() = [3, 4]\n", "session.ipc")]
    assert list(tmp_path.iterdir()) == []


async def test_a_served_session_does_not_remember_its_theme_on_the_server(private_config: Path) -> None:
    app = PlaygroundApp(served=True)
    async with app.run_test(size=(120, 40)) as pilot:
        app.theme = "ipctui-paper"
        await pilot.pause()
    assert not (private_config / "settings.json").exists()
    app = PlaygroundApp()  # while the terminal's does
    async with app.run_test(size=(120, 40)) as pilot:
        app.theme = "ipctui-paper"
        await pilot.pause()
    assert '"theme": "ipctui-paper"' in (private_config / "settings.json").read_text()


async def test_the_page_sends_the_browser_back_to_the_address_it_used() -> None:
    """With --host 0.0.0.0, textual-serve's page would point the websocket at 0.0.0.0: the page
    must use the address the browser asked for, so other machines can connect."""
    from aiohttp.test_utils import TestClient, TestServer

    server = serve_module.make_server(ServeOptions(host="0.0.0.0", port=8000, demo="tour"))
    async with TestClient(TestServer(await server._make_app())) as client:
        page = await (await client.get("/", headers={"Host": "lab.example:8000"})).text()
        assert 'data-session-websocket-url="ws://lab.example:8000/ws"' in page
        assert "<div>ipctui</div>" in page  # the title, not the command each tab runs
        page = await (await client.get("/", headers={"Host": "10.0.0.7:9000"})).text()
        assert 'data-session-websocket-url="ws://10.0.0.7:9000/ws"' in page


# ------------------------------------------------------------------ the page


async def test_the_page_asks_nothing_of_other_servers() -> None:
    """The page and what it links come from the server itself: no font from Google (textual-serve's
    own page links fonts.googleapis.com), nothing a classroom offline would wait for."""
    import re

    from aiohttp.test_utils import TestClient, TestServer

    server = serve_module.make_server(ServeOptions(port=8000))
    async with TestClient(TestServer(await server._make_app())) as client:
        origin = "127.0.0.1:8000"
        page = await (await client.get("/", headers={"Host": origin})).text()
        urls = re.findall(r"""(?:https?:|wss?:)?//[^\s"'<>)]+""", page)
        assert urls, "the page links its script and style from the server"
        assert [u for u in urls if not u.split("//", 1)[1].startswith(origin + "/")] == []
        assert "googleapis" not in page and "@font-face" in page
        for url in urls:  # what it links is there: the script, the style, the terminal's font
            if url.startswith("http"):
                linked = await client.get(url.split(origin, 1)[1])
                assert linked.status == 200, url


@pytest.mark.parametrize("allow_real", [False, True])
async def test_the_real_kernel_and_bench_panes_say_whether_they_are_on(
    allow_real: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a browser tab without --allow-real, K and B do nothing: the panes must not say "Press K"
    but that they are off there, and how whoever runs the server turns them on."""
    from textual.widgets import Static

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # no last run of this machine's bench
    app = PlaygroundApp(allow_real=allow_real, served=True)
    async with app.run_test(size=(120, 40)) as pilot:
        said = []
        for pane, status in (("real", "#real-status"), ("bench", "#bench-status")):
            app.action_show_pane(pane)
            await pilot.pause()
            said.append(str(app.main.query_one(status, Static).render()))
    for text, key in zip(said, "KB", strict=True):
        if allow_real:
            assert f"Press {key}" in text and "off" not in text
        else:
            assert "Press" not in text
            assert "is off in a browser session" in text and "ipctui serve --allow-real" in text


async def test_the_bench_pane_with_a_last_run_says_measuring_again_is_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.widgets import Static

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    cache = tmp_path / "ipctui" / "bench-last.json"
    cache.parent.mkdir()
    cache.write_text((Path(__file__).parent / "app" / "bench-fixture.json").read_text())
    app = PlaygroundApp(allow_real=False, served=True)
    async with app.run_test(size=(120, 40)) as pilot:
        app.action_show_pane("bench")
        await pilot.pause()
        text = str(app.main.query_one("#bench-status", Static).render())
    assert text.startswith("Last run: ") and "Measuring again is off in a browser session" in text
