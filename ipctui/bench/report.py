"""The benchmark for people (a Rich progress bar and table) and for programs (one JSON document)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from .environment import environment
from .links import LINKS
from .runner import measure

SIZES = {"64": 64, "1k": 1024, "64k": 65536, "1m": 1 << 20}
QUICK_SIZES = [64, 65536]


def parse_size(text: str) -> int:
    """64, 1k, 64k, 1m (or bytes as a number)."""
    key = text.strip().lower().removesuffix("b").removesuffix("i")
    if key in SIZES:
        return SIZES[key]
    if key.isdigit() and int(key) > 0:
        return int(key)
    raise ValueError(f"bad size {text!r}: use 64, 1k, 64k, 1m or a number of bytes")


def cache_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ipctui" / "bench-last.json"


def run(
    mechanisms: list[str],
    sizes: list[int],
    placement: str,
    quick: bool,
    progress: Any = None,
    on_result: Any = None,
) -> dict[str, Any]:
    """Every measurement in order; `progress(done, total, label)` is told as each starts, and
    `on_result(result)` as each ends."""
    doc: dict[str, Any] = {
        "environment": environment(),
        "parameters": {"mechanisms": mechanisms, "sizes": sizes, "cpus": placement, "quick": quick},
        "results": [],
    }
    total = len(mechanisms) * len(sizes)
    for i, mech in enumerate(mechanisms):
        for j, size in enumerate(sizes):
            if progress:
                progress(i * len(sizes) + j, total, f"{mech} {size} B")
            doc["results"].append(measure(mech, size, placement, quick))
            if on_result:
                on_result(doc["results"][-1])
    if progress:
        progress(total, total, "done")
    doc["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    return doc


def save(doc: dict[str, Any]) -> Path | None:
    path = cache_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, indent=2))
    except OSError:
        return None
    return path


def table(doc: dict[str, Any]) -> Any:
    """The results as a table; notes become numbered footnotes under it."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    t = Table(title="IPC between two processes on this machine", header_style="bold")
    for col in (
        "mechanism",
        "size",
        "cpus",
        "p50 µs",
        "p99 µs",
        "p99.9 µs",
        "max µs",
        "MB/s",
        "msg/s",
        "notes",
    ):
        t.add_column(col, justify="left" if col in ("mechanism", "cpus", "notes") else "right", no_wrap=True)
    footnotes: list[str] = []
    for r in doc["results"]:
        p = r["placement"]
        cpus = (
            f"{_cpus(p.get('parent_cpus'))}/{_cpus(p.get('child_cpus'))}" if r["rtt_us"] else p["requested"]
        )
        rtt, thr = r["rtt_us"] or {}, r["throughput"] or {}
        marks = []
        for note in r["notes"]:
            if note not in footnotes:
                footnotes.append(note)
            marks.append(str(footnotes.index(note) + 1))
        t.add_row(
            r["mechanism"],
            str(r["size"]),
            cpus,
            *(f"{rtt[k]:.1f}" if k in rtt else "—" for k in ("p50", "p99", "p99_9", "max")),
            f"{thr['MB_per_s']:.1f}" if thr else "—",
            f"{thr['msg_per_s']:.0f}" if thr else "—",
            ",".join(marks),
        )
    notes = Text("\n".join(f"[{i}] {n}" for i, n in enumerate(footnotes, 1)), style="dim")
    return Group(t, notes) if footnotes else t


def _cpus(cpus: list[int] | None) -> str:
    return ",".join(map(str, cpus)) if cpus else "?"


def environment_text(doc: dict[str, Any]) -> str:
    env = doc["environment"]
    lim = env["limits"]
    return (
        f"{env['cpu_model']} · {env['cpus_online']} CPUs (usable {env['cpus_usable']})"
        f" · Linux {env['kernel']} · Python {env['python']}\n"
        f"limits: pipe {lim['pipe_size_default']} B (max {lim['pipe_max_size']}),"
        f" POSIX mq {lim['mq_msg_max']} × {lim['mq_msgsize_max']} B, msgmnb {lim['msgmnb']},"
        f" socket buffers {lim['socket_rmem_default']}/{lim['socket_wmem_default']} B,"
        f" AF_UNIX datagram queue {lim['unix_max_dgram_qlen']}\n"
        f"placement: {doc['parameters']['cpus']}"
        " (same: one CPU for both; split: one each; auto: the scheduler's)"
    )


__all__ = [
    "LINKS",
    "QUICK_SIZES",
    "SIZES",
    "cache_file",
    "environment_text",
    "parse_size",
    "run",
    "save",
    "table",
]
