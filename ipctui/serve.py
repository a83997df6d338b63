"""`ipctui serve`: the playground in web browsers, through textual-serve.

textual-serve starts one process per browser tab (each websocket runs `session_command()`), so
each tab is its own session with its own simulated kernel, and a tab closed ends its process.
That process is `python -m ipctui.serve --session ...`, which opens the app with the served
session's limits (ipctui.app.served). Textual is imported only there, not by the server.
"""

from __future__ import annotations

import ipaddress
import shlex
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


# The page each tab opens: ours, in place of textual-serve's (which loads a font from Google);
# it takes keys at once. Found by textual-serve as app_index.html in this folder.
TEMPLATES = Path(__file__).resolve().parent / "app" / "web"


@dataclass(frozen=True)
class ServeOptions:
    """What `ipctui serve` was asked for; every tab's session is opened with these."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    demo: str | None = None  # each tab opens with this demo loaded
    allow_real: bool = False  # the real-kernel check and the bench may run processes on the server
    theme: str | None = None


def session_command(options: ServeOptions) -> str:
    """The shell command textual-serve runs for each tab (it runs it through a shell: quoted)."""
    argv = [sys.executable, "-m", "ipctui.serve", "--session"]
    if options.demo:
        argv += ["--demo", options.demo]
    if options.theme:
        argv += ["--theme", options.theme]
    if options.allow_real:
        argv.append("--allow-real")
    # exec: the session is the server's own child (not a shell's), so it can end with the server.
    return "exec " + shlex.join(argv)


def is_loopback(host: str) -> bool:
    """Only this machine can reach a server bound to `host` (a name counts as loopback only as localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def port_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on host:port (in use, no such address), or None when it can.

    Checked before textual-serve starts, whose own failure would be a traceback."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as e:
        return f"cannot listen on {host}: {e.strerror}"
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp does
        try:
            s.bind(address)
        except OSError as e:
            return f"cannot listen on {host}:{port}: {e.strerror or e}"
    return None


def make_server(options: ServeOptions):  # type: ignore[no-untyped-def]
    """The textual-serve server, with three changes: the page's websocket follows the address the
    browser used, so `--host 0.0.0.0` works from other machines (textual-serve would send them to
    0.0.0.0); the page is ours (TEMPLATES: nothing from other servers, keys taken at once); and
    stopping the server ends every tab's session (textual-serve would wait up to a minute for open
    tabs, then leave their processes running)."""
    import asyncio

    from textual_serve.server import Server

    class PlaygroundServer(Server):
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            super().__init__(*args, **kwargs)
            self.sessions: set[asyncio.Task] = set()  # one per open tab

        async def handle_index(self, request):  # type: ignore[no-untyped-def]
            # No await before the page is rendered: no other request can change it in between.
            self.public_url = f"{request.scheme}://{request.host}"
            return await super().handle_index(request)

        async def on_startup(self, app) -> None:  # type: ignore[no-untyped-def]
            # textual-serve's banner shows the command each tab runs; say what a user needs.
            where = self.public_url
            if options.host in ("0.0.0.0", "::"):
                where = f"port {options.port} of every address here (http://127.0.0.1:{options.port})"
            self.console.print(f"ipctui: the playground on {where}; ctrl+c stops it", soft_wrap=True)

        async def handle_websocket(self, request):  # type: ignore[no-untyped-def]
            task = asyncio.current_task()
            assert task is not None
            self.sessions.add(task)
            try:
                return await super().handle_websocket(request)
            finally:
                self.sessions.discard(task)

        async def on_shutdown(self, app) -> None:  # type: ignore[no-untyped-def]
            # A cancelled tab closes its websocket and tells its session to quit, and waits for it.
            for task in self.sessions:
                task.cancel()
            await asyncio.gather(*self.sessions, return_exceptions=True)

    command = session_command(options)
    return PlaygroundServer(
        command, host=options.host, port=options.port, title="ipctui", templates_path=TEMPLATES
    )


def serve(options: ServeOptions) -> None:
    """Serve until ctrl+c."""
    make_server(options).serve()


def end_with_server() -> None:
    """A session ends when the server that started it dies, even by SIGKILL (its input closing is
    not enough: Textual's web driver keeps the app running without input)."""
    import ctypes
    import os
    import signal

    PR_SET_PDEATHSIG = 1
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the server's shutdown still ends its sessions
        return
    if os.getppid() == 1:  # the server died before the line above
        sys.exit(0)


def session_main(argv: list[str] | None = None) -> None:
    """One tab's session (run by textual-serve with Textual's web driver)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m ipctui.serve", description=session_main.__doc__)
    parser.add_argument("--session", action="store_true", required=True)
    parser.add_argument("--demo")
    parser.add_argument("--theme")
    parser.add_argument("--allow-real", action="store_true")
    args = parser.parse_args(argv)
    end_with_server()
    from .app import PlaygroundApp
    from .demos import get

    demo = get(args.demo) if args.demo else None
    PlaygroundApp(
        script_text=demo.text if demo else None,
        script_name=f"{demo.name}.ipc" if demo else None,
        theme=args.theme,
        allow_real=args.allow_real,
        served=True,
    ).run()


if __name__ == "__main__":
    session_main()
