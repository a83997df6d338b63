"""The Bench pane (`ipctui bench --quick` in the background, its latency and throughput as bar
charts) and the Compare pane (`ipctui compare`'s table). The benchmark runs in a subprocess:
it forks and pins processes and uses SIGALRM, none of which belongs in the app's process."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any, ClassVar

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import ProgressBar, Static

from ...bench.compare import cells, facts, facts_table
from ...bench.report import cache_file
from ..served import Limits
from .background import RunsInBackground

ABOUT = (
    "\n\nTwo real processes per mechanism, pinned to one CPU: the round trip of a 64-byte "
    "message (median of hundreds, after a warm-up) and the throughput of a stream of 64 KiB "
    "messages, every message checked. About 15 seconds.\n\n"
)
INTRO = Text.assemble(
    ("Measure this machine's real IPC", "bold"),
    ABOUT,
    ("Press ", "ipc.muted"),
    ("B", "bold"),
    (
        " or pick “Run the benchmark” in the palette. `ipctui bench` in a shell measures more sizes.",
        "ipc.muted",
    ),
)
BAR = 36  # columns for the longest bar


def intro(limits: Limits) -> Text:
    """What the pane says before a run: how to start one, or, where the bench is off (a browser
    session of `ipctui serve`), that it is off and how the server allows it."""
    refused = limits.refuse_real("The bench")
    if refused is None:
        return INTRO
    return Text.assemble(("Measure this machine's real IPC", "bold"), ABOUT, (refused, "ipc.wait"))


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
        yield Static(intro(self.app.limits), id="bench-status")  # type: ignore[attr-defined]
        yield ProgressBar(id="bench-progress", show_eta=False)
        yield Static(id="bench-charts")

    def on_mount(self) -> None:
        doc = last_results()
        if doc is not None:
            when = str(doc.get("finished", "?")).replace("T", " ")
            # where the bench is off (a browser session), say so under the last run's date
            off = self.app.limits.refuse_real("Measuring again")  # type: ignore[attr-defined]
            self.show(doc, f"Last run: {when}, placement {doc['parameters']['cpus']}.", off)

    def show(self, doc: dict[str, Any], status: str, note: str | None = None) -> None:
        said = Text(status + "\n", style="bold")
        if note:
            said.append(note + "\n", style="ipc.wait")
        self.query_one("#bench-status", Static).update(said)
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


NARROW = 120  # columns below which the Compare pane's table takes short headers and folds its cells

# (short header, its least width, justify, grows): each header whole on one line and every column
# wide enough for the words in it, 72 columns at the least with the gaps, so that at 80 columns
# nothing is cut (the long headers were cut to `capac… messa…`); the columns of words share the rest
SHORT = (
    ("mechanism", 11, "left", False),
    ("blocks", 9, "left", True),
    ("capacity", 10, "left", True),
    ("boundaries", 10, "left", True),
    ("between", 11, "left", True),
    ("net", 3, "left", False),
    ("p50 µs", 6, "right", False),
    ("MB/s", 5, "right", False),
)


class NarrowFacts:
    """`ipctui compare`'s table for a narrow pane: short headers, each whole on one line, the
    column widths worked out here from the width there is (Rich's own sharing cut the last
    column to one letter), cells folded onto more lines rather than cut, a blank line between
    mechanisms, and a legend saying what the short headers mean."""

    def __init__(self, rows: list[dict[str, Any]], doc: dict[str, Any] | None) -> None:
        self.rows, self.doc = rows, doc

    def widths(self, width: int) -> list[int]:
        """Each column's width; the box's blank dividers are the one-column gaps between them."""
        out = [least for _, least, _, _ in SHORT]
        growing = [i for i, (*_, grows) in enumerate(SHORT) if grows]
        spare = max(0, width - sum(out) - (len(SHORT) - 1))
        for n, i in enumerate(growing):
            out[i] += spare // len(growing) + (1 if n < spare % len(growing) else 0)
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        t = Table(
            title="IPC mechanisms on this machine",
            header_style="bold",
            box=box.SIMPLE_HEAD,
            show_lines=True,
            show_edge=False,
            pad_edge=False,
            padding=0,
        )
        for (header, _, justify, _), width in zip(SHORT, self.widths(options.max_width), strict=True):
            t.add_column(header, justify=justify, width=width, overflow="fold")  # type: ignore[arg-type]
        for r in self.rows:
            t.add_row(*cells(r))
        yield t
        yield Text(
            "capacity: as this kernel sets it · net: works across machines · "
            "p50 µs: median round trip of a 64 B message · MB/s: a stream of 64 KiB messages.",
            style="ipc.muted",
        )
        if self.doc is None:
            note = "No measurements yet: `ipctui bench` fills the last two columns (its last run is kept)."
        else:
            cpus = self.doc.get("parameters", {}).get("cpus", "?")
            note = f"Measured by `ipctui bench` on {self.doc.get('finished', '?')}, placement {cpus}."
        yield Text(note, style="ipc.muted")


class ComparePane(VerticalScroll):
    """`ipctui compare`: what each mechanism is, and what the last run measured; below NARROW
    columns as a table with short headers."""

    DEFAULT_CSS = """
    ComparePane { padding: 0 1; }
    ComparePane.narrow { scrollbar-gutter: stable; }
    """

    _narrow: bool | None = None  # the layout shown

    def compose(self) -> ComposeResult:
        yield Static(id="compare-table")

    def on_mount(self) -> None:
        self.refresh_table()

    def on_resize(self) -> None:
        if self._narrow != self._is_narrow():
            self.refresh_table()

    def _is_narrow(self) -> bool:
        return (self.size.width or self.app.size.width) < NARROW

    def refresh_table(self) -> None:
        doc = last_results()
        self._narrow = self._is_narrow()
        self.set_class(self._narrow, "narrow")  # the table is drawn beside its scrollbar, not under it
        make = NarrowFacts if self._narrow else facts_table
        self.query_one("#compare-table", Static).update(make(facts(doc), doc))
