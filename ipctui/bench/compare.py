"""`ipctui compare`: the mechanisms side by side, from facts this kernel reports and the last
measurements; and `ipctui bench --compare OLD.json`: a run beside an earlier one."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from typing import Any

from .environment import _int, _read, default_pipe_size


@dataclass(frozen=True)
class Nature:
    """What a mechanism is, whatever the machine: the parts of the table that are not numbers."""

    blocks: str
    boundaries: str
    who: str
    across_machines: bool


NATURE: dict[str, Nature] = {
    "pipe": Nature("yes", "no: a byte stream", "related (inherited through fork)", False),
    "fifo": Nature("yes (open waits for the other end)", "no: a byte stream", "any, by path", False),
    "unix-stream": Nature("yes", "no: a byte stream", "any, by socket path", False),
    "socketpair": Nature("yes", "no: a byte stream", "related (inherited through fork)", False),
    "unix-dgram": Nature("yes", "yes: one datagram per send", "any, by socket path", False),
    "tcp": Nature("yes", "no: a byte stream", "any, by address and port", True),
    "udp": Nature("no: a full buffer drops", "yes: one datagram per send", "any, by address and port", True),
    "shm-sem": Nature("yes (on the semaphore)", "yours to define", "related, or any by name", False),
    "shm-spin": Nature("no: the reader spins", "yours to define", "related, or any by name", False),
    "posix-mq": Nature("yes (EAGAIN with O_NONBLOCK)", "yes, with priorities", "any, by /name", False),
    "sysv-msg": Nature("yes (IPC_NOWAIT: EAGAIN)", "yes, with types", "any, by key", False),
    "mp-queue": Nature("yes", "yes: one object per put", "related (a pipe underneath)", False),
}


def _sockopt(family: int, kind: int, opt: int) -> int | None:
    try:
        with socket.socket(family, kind) as s:
            return s.getsockopt(socket.SOL_SOCKET, opt)
    except OSError:
        return None


def _middle(path: str) -> int | None:
    text = _read(path)
    parts = text.split() if text else []
    return int(parts[1]) if len(parts) == 3 else None


def _kib(n: int | None) -> str:
    """A size as people read it: exact when it is a round number, else to one decimal."""
    if n is None:
        return "?"
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift:
            value = n / (1 << shift)
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n} B"


def capacities() -> dict[str, str]:
    """How much each mechanism holds before a sender waits, as this kernel sets it."""
    pipe = default_pipe_size()
    pipe_max = _int("/proc/sys/fs/pipe-max-size")
    unix_snd = _sockopt(socket.AF_UNIX, socket.SOCK_STREAM, socket.SO_SNDBUF)
    unix_dgram = _sockopt(socket.AF_UNIX, socket.SOCK_DGRAM, socket.SO_SNDBUF)
    qlen = _int("/proc/sys/net/unix/max_dgram_qlen")
    udp = _sockopt(socket.AF_INET, socket.SOCK_DGRAM, socket.SO_RCVBUF)
    mq = (_int("/proc/sys/fs/mqueue/msg_default"), _int("/proc/sys/fs/mqueue/msgsize_default"))
    mq_max = (_int("/proc/sys/fs/mqueue/msg_max"), _int("/proc/sys/fs/mqueue/msgsize_max"))
    try:
        vfs = os.statvfs("/dev/shm")
        shm = f"/dev/shm holds {_kib(vfs.f_blocks * vfs.f_frsize)}"
    except OSError:
        shm = "?"
    return {
        "pipe": f"{_kib(pipe)} (F_SETPIPE_SZ up to {_kib(pipe_max)})",
        "fifo": f"{_kib(pipe)}, as a pipe",
        "unix-stream": f"send buffer {_kib(unix_snd)}",
        "socketpair": f"send buffer {_kib(unix_snd)}",
        "unix-dgram": f"{qlen} datagrams, send buffer {_kib(unix_dgram)}",
        "tcp": f"{_kib(_middle('/proc/sys/net/ipv4/tcp_rmem'))} to receive, "
        f"{_kib(_middle('/proc/sys/net/ipv4/tcp_wmem'))} to send (tuned as it goes)",
        "udp": f"receive buffer {_kib(udp)}; a datagram ≤ 65507 B",
        "shm-sem": shm,
        "shm-spin": shm,
        "posix-mq": f"{mq[0]} × {_kib(mq[1])} by default "
        f"(msg_max {mq_max[0]}, msgsize_max {_kib(mq_max[1])})",
        "sysv-msg": f"{_kib(_int('/proc/sys/kernel/msgmnb'))} a queue, "
        f"{_kib(_int('/proc/sys/kernel/msgmax'))} a message",
        "mp-queue": f"{_kib(pipe)} pipe, objects pickled",
    }


def measured(doc: dict[str, Any] | None) -> dict[str, tuple[float | None, float | None]]:
    """(p50 µs at 64 B, MB/s at 64 KiB) by mechanism, from a bench document."""
    out: dict[str, tuple[float | None, float | None]] = {}
    for r in (doc or {}).get("results", []):
        p50, mbs = out.get(r["mechanism"], (None, None))
        if r["size"] == 64 and r.get("rtt_us"):
            p50 = r["rtt_us"]["p50"]
        if r["size"] in (65536, 65507) and r.get("throughput"):
            mbs = r["throughput"]["MB_per_s"]
        out[r["mechanism"]] = (p50, mbs)
    return out


def facts(doc: dict[str, Any] | None) -> list[dict[str, Any]]:
    caps = capacities()
    seen = measured(doc)
    rows = []
    for mech, nature in NATURE.items():
        p50, mbs = seen.get(mech, (None, None))
        rows.append(
            {
                "mechanism": mech,
                "blocks": nature.blocks,
                "capacity": caps[mech],
                "boundaries": nature.boundaries,
                "processes": nature.who,
                "across_machines": nature.across_machines,
                "p50_us_64B": p50,
                "MB_per_s_64KiB": mbs,
            }
        )
    return rows


def cells(r: dict[str, Any]) -> tuple[str, ...]:
    """One mechanism's row of `facts`, as the table's cells (the CLI's and the Bench pane's)."""
    return (
        r["mechanism"],
        r["blocks"],
        r["capacity"],
        r["boundaries"],
        r["processes"],
        "yes" if r["across_machines"] else "no",
        "—" if r["p50_us_64B"] is None else f"{r['p50_us_64B']:.1f}",
        "—" if r["MB_per_s_64KiB"] is None else f"{r['MB_per_s_64KiB']:.0f}",
    )


def facts_table(rows: list[dict[str, Any]], doc: dict[str, Any] | None) -> Any:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    t = Table(title="IPC mechanisms on this machine", header_style="bold", show_lines=True)
    t.add_column("mechanism", no_wrap=True)
    t.add_column("blocks")
    t.add_column("capacity (this kernel)")
    t.add_column("message boundaries")
    t.add_column("between")
    t.add_column("across machines")
    t.add_column("p50 µs 64 B", justify="right")
    t.add_column("MB/s 64 KiB", justify="right")
    for r in rows:
        t.add_row(*cells(r))
    if doc is None:
        note = "No measurements yet: `ipctui bench` fills the last two columns (its last run is kept)."
    else:
        cpus = doc.get("parameters", {}).get("cpus", "?")
        note = f"Measured by `ipctui bench` on {doc.get('finished', '?')}, placement {cpus}."
    return Group(t, Text(note, style="dim"))


def versus(new: dict[str, Any], old: dict[str, Any]) -> Any:
    """Each result of `new` beside the same mechanism and size in `old`."""
    from rich.table import Table

    before = {(r["mechanism"], r["size"]): r for r in old.get("results", [])}
    t = Table(title="This run against the earlier one", header_style="bold")
    for col in (
        "mechanism",
        "size",
        "p50 µs before",
        "p50 µs now",
        "change",
        "MB/s before",
        "MB/s now",
        "change",
    ):
        t.add_column(col, justify="left" if col == "mechanism" else "right", no_wrap=True)
    for r in new.get("results", []):
        o = before.get((r["mechanism"], r["size"]), {})
        p_old = (o.get("rtt_us") or {}).get("p50")
        p_new = (r.get("rtt_us") or {}).get("p50")
        m_old = (o.get("throughput") or {}).get("MB_per_s")
        m_new = (r.get("throughput") or {}).get("MB_per_s")
        t.add_row(
            r["mechanism"],
            str(r["size"]),
            _num(p_old),
            _num(p_new),
            _change(p_old, p_new, lower_is_better=True),
            _num(m_old),
            _num(m_new),
            _change(m_old, m_new, lower_is_better=False),
        )
    return t


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}"


def _change(old: float | None, new: float | None, lower_is_better: bool) -> str:
    if not old or new is None:
        return "—"
    ratio = new / old
    better = ratio < 1 if lower_is_better else ratio > 1
    colour = "green" if better else "red"
    if abs(ratio - 1) < 0.05:
        colour = "dim"
    return f"[{colour}]{ratio:.2f}×[/]"


__all__ = ["NATURE", "capacities", "facts", "facts_table", "measured", "versus"]
