"""The Bench pane (`ipctui bench --quick` in the background, its latency and throughput as bar
charts) and the Compare pane (`ipctui compare`'s table). The benchmark runs in a subprocess:
it forks and pins processes and uses SIGALRM, none of which belongs in the app's process."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import ProgressBar, Static

from ...bench.compare import facts, facts_table
from ...bench.report import cache_file
from .background import RunsInBackground

INTRO = Text.assemble(
    ("Measure this machine's real IPC", "bold"),
    "\n\nTwo real processes per mechanism, pinned to one CPU: the round trip of a 64-byte "
    "message (median of hundreds, after a warm-up) and the throughput of a stream of 64 KiB "
    "messages, every message checked. About 15 seconds.\n\n",
    ("Press ", "ipc.muted"),
    ("B", "bold"),
    (
        " or pick “Run the benchmark” in the palette. `ipctui bench` in a shell measures more sizes.",
        "ipc.muted",
    ),
)
BAR = 36  # columns for the longest bar


def last_results() -> dict[str, Any] | None:
    try:
        doc = json.loads(cache_file().read_text())
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) and isinstance(doc.get("results"), list) else None


def charts(results: list[dict[str, Any]]) -> Group:
    """Latency at 64 B and throughput at 64 KiB, a bar per mechanism (shorter is better for the
    first, longer for the second); what could not be measured says why."""
    latency = {r["mechanism"]: r["rtt_us"]["p50"] for r in results if r["size"] == 64 and r["rtt_us"]}
    speed = {
        r["mechanism"]: r["throughput"]["MB_per_s"]
        for r in results
        if r["size"] in (65536, 65507) and r["throughput"]
    }
    missing = {
        (r["mechanism"], r["size"]): r["notes"][0] if r["notes"] else "not measured"
        for r in results
        if not r["rtt_us"]
    }
    parts: list[Any] = [
        _bars("Round trip, 64 B (p50, µs: shorter is faster)", latency, "µs", "ipc.info"),
        Text(""),
        _bars("Throughput, 64 KiB messages (MB/s: longer is faster)", speed, "MB/s", "ipc.ok"),
    ]
    if missing:
        parts.append(Text(""))
        for (mech, size), why in missing.items():
            parts.append(Text(f"{mech} at {size} B: {why}", style="ipc.muted"))
    return Group(*parts)


def _bars(title: str, values: dict[str, float], unit: str, colour: str) -> Table:
    t = Table(title=title, title_justify="left", show_header=False, box=None, padding=(0, 1))
    t.add_column(no_wrap=True)
    t.add_column(no_wrap=True)
    t.add_column(justify="right", no_wrap=True)
    top = max(values.values(), default=1) or 1
    for mech, value in values.items():
        width = value / top * BAR
        bar = "█" * int(width) + " ▏▎▍▌▋▊▉"[int((width - int(width)) * 8)]
        t.add_row(mech, Text(bar.rstrip(), style=colour), f"{value:,.1f} {unit}")
    if not values:
        t.add_row("—", "", "")
    return t


class BenchPane(RunsInBackground, VerticalScroll):
    """The last results as charts; `run()` measures again in a worker, with progress."""

    DEFAULT_CSS = """
    BenchPane { padding: 0 1; }
    BenchPane ProgressBar { margin: 1 0; display: none; }
    BenchPane.running ProgressBar { display: block; }
    """

    command: ClassVar[list[str]] = [sys.executable, "-m", "ipctui", "bench", "--quick", "--format", "jsonl"]

    def compose(self) -> ComposeResult:
        yield Static(INTRO, id="bench-status")
        yield ProgressBar(id="bench-progress", show_eta=False)
        yield Static(id="bench-charts")

    def on_mount(self) -> None:
        doc = last_results()
        if doc is not None:
            when = str(doc.get("finished", "?")).replace("T", " ")
            self.show(doc, f"Last run: {when}, placement {doc['parameters']['cpus']}.")

    def show(self, doc: dict[str, Any], status: str) -> None:
        self.query_one("#bench-status", Static).update(Text(status + "\n", style="bold"))
        self.query_one("#bench-charts", Static).update(charts(doc["results"]))

    @property
    def running(self) -> bool:
        return self.has_class("running")

    def run(self) -> None:
        if self.running:
            return
        self.add_class("running")
        self.query_one("#bench-status", Static).update(Text("Measuring…", style="bold"))
        self._measure()

    @work(thread=True, exclusive=True, group="bench")
    def _measure(self) -> None:
        try:
            self._stream()
        except Exception as e:  # the benchmark could not start: say so, stay up
            self.app.call_from_thread(self._done, None, f"{type(e).__name__}: {e}")

    def _stream(self) -> None:
        proc = subprocess.Popen(
            self.command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._proc = proc
        assert proc.stdout is not None and proc.stderr is not None
        results: list[dict[str, Any]] = []
        doc = None
        for line in proc.stdout:
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            if "result" in msg:
                results.append(msg["result"])
            doc = msg.get("document", doc)
            self.app.call_from_thread(self._progress, msg["done"], msg["total"], list(results))
        errors = proc.stderr.read().strip()
        proc.wait()
        self.app.call_from_thread(self._done, doc, errors)

    def _progress(self, done: int, total: int, results: list[dict[str, Any]]) -> None:
        self.query_one("#bench-progress", ProgressBar).update(total=total, progress=done)
        self.query_one("#bench-status", Static).update(Text(f"Measuring… {done} of {total}", style="bold"))
        if results:
            self.query_one("#bench-charts", Static).update(charts(results))

    def _done(self, doc: dict[str, Any] | None, errors: str) -> None:
        self.remove_class("running")
        if doc is None:
            self.query_one("#bench-status", Static).update(
                Text(f"The benchmark did not finish: {errors or 'no results'}", style="ipc.bad.strong")
            )
            return
        self.show(doc, f"Measured just now ({doc.get('finished', '?')}), both processes on one CPU.")
        self.app.query_one(ComparePane).refresh_table()


class ComparePane(VerticalScroll):
    """`ipctui compare`: what each mechanism is, and what the last run measured."""

    DEFAULT_CSS = "ComparePane { padding: 0 1; }"

    def compose(self) -> ComposeResult:
        yield Static(id="compare-table")

    def on_mount(self) -> None:
        self.refresh_table()

    def refresh_table(self) -> None:
        doc = last_results()
        self.query_one("#compare-table", Static).update(facts_table(facts(doc), doc))
