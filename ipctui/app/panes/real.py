"""Check on the real kernel: the session's lines run by real processes on this machine, beside
what the simulation did, differing lines marked with their reasons (ipctui.check.diff)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import ProgressBar, Static

from ...check.diff import Diff, Side, compare, plain_script, render, simulate
from ...script import parse
from ..served import Limits
from ..wording import count
from .background import RunsInBackground

ABOUT = (
    "\n\nRuns this session's lines again with real processes on this machine's kernel "
    "(every call through libc, in a private namespace, everything removed afterwards) and shows "
    "the two traces side by side. Lines differ only where the simulation departs from Linux on "
    "purpose, or where one of the two is wrong.\n\n"
)
INTRO = Text.assemble(
    ("Check on the real kernel", "bold"),
    ABOUT,
    ("Press ", "ipc.muted"),
    ("K", "bold"),
    (" or pick “Check on the real kernel” in the palette (ctrl+p).", "ipc.muted"),
)


def intro(limits: Limits) -> Text:
    """What the pane says before a check: how to start one, or, where it is off (a browser
    session of `ipctui serve`), that it is off and how the server allows it."""
    refused = limits.refuse_real("The check on the real kernel")
    if refused is None:
        return INTRO
    return Text.assemble(("Check on the real kernel", "bold"), ABOUT, (refused, "ipc.wait"))


class RealPane(RunsInBackground, VerticalScroll):
    """Shows the last check; `check(text)` starts a new one in a worker thread."""

    DEFAULT_CSS = """
    RealPane { padding: 0 1; }
    RealPane ProgressBar { margin: 1 0; display: none; }
    RealPane.running ProgressBar { display: block; }
    """

    result: Diff | None = None  # the last check's

    def compose(self) -> ComposeResult:
        yield Static(intro(self.app.limits), id="real-status")  # type: ignore[attr-defined]
        yield ProgressBar(id="real-progress", show_eta=False)
        yield Static(id="real-diff")

    @property
    def running(self) -> bool:
        return self.has_class("running")

    def check(self, script: str, name: str = "session") -> None:
        """Run `script` (a session's text) both ways; a check already running is left alone."""
        if self.running:
            return
        statements = parse(script, name).statements
        plain = plain_script(statements)
        total = plain.count("\n")
        self.add_class("running")
        self.query_one("#real-progress", ProgressBar).update(total=max(total, 1), progress=0)
        running = Text(f"Running {count(total, 'line')} for real…", style="bold")
        self.query_one("#real-status", Static).update(running)
        self.query_one("#real-diff", Static).update("")
        self._run(statements, plain, name)

    @work(thread=True, exclusive=True, group="real")
    def _run(self, statements: list, plain: str, name: str) -> None:
        try:
            self._check(statements, plain, name)
        except Exception as e:  # the machine refused (no fork, no /dev/shm...): say so, stay up
            self.app.call_from_thread(self._failed, f"{type(e).__name__}: {e}")

    def _failed(self, why: str) -> None:
        self.remove_class("running")
        self.query_one("#real-status", Static).update(
            Text(f"The check could not run: {why}", style="ipc.bad.strong")
        )

    def _check(self, statements: list, plain: str, name: str) -> None:
        sim = simulate(statements)
        real = Side()
        with tempfile.NamedTemporaryFile("w", suffix=".ipc", delete=False, encoding="utf-8") as f:
            f.write(plain)
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "ipctui", "run", "--real", f.name],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
            )
            self._proc = proc
            assert proc.stdout is not None and proc.stderr is not None
            for line in proc.stdout:
                real.lines.append(line.rstrip("\n"))
                self.app.call_from_thread(self._advance)
            errors = proc.stderr.read()
            proc.wait()
        finally:
            Path(f.name).unlink(missing_ok=True)
        for line in errors.splitlines():
            if ": error: " in line:
                real.error = "line " + line.split(":", 2)[1] + ": error: " + line.split(": error: ", 1)[1]
        real.skipped = sum(1 for line in real.lines if line.startswith("# cannot run here: "))
        note = "sockets in the run's own network namespace (the run is a sandbox of namespaces)"
        self.app.call_from_thread(self._show, compare(sim, real, note), name)

    def _advance(self) -> None:
        self.query_one("#real-progress", ProgressBar).advance(1)

    def _show(self, result: Diff, name: str) -> None:
        self.remove_class("running")
        self.result = result
        lines = len(result.rows)
        where = f"Linux {os.uname().release}"
        self.query_one("#real-status", Static).update(
            Text(f"Checked {count(lines, 'trace line')} with real processes on {where}.", style="bold")
        )
        self.query_one("#real-diff", Static).update(render(result, name))
