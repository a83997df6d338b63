"""Explore's figures for the README: dining philosophers, explored with the reduction and by plain
enumeration of every interleaving, side by side. Run by hand: `python benchmarks/explore.py`
(options: the philosopher counts, e.g. `3 4 5 6`; `--plain-cap N`, default 20,000 schedules).

A philosopher takes its left fork's lock, then its right's, then gives both back: with n of them
there is one deadlock (each holds its left fork) and many orders that complete.
"""

from __future__ import annotations

import argparse
import time

from ipctui.explore import explore, programs_of
from ipctui.script import parse


def philosophers(n: int) -> str:
    """The script: a host makes n locked segments (the forks) and forks n philosophers."""
    lines = ["spawn host"]
    for i in range(n):
        lines += [
            f'host: shm_open("/fork{i}", O_CREAT|O_RDWR)',
            f"host: ftruncate({3 + i}, 16)",
            f"host: mmap({3 + i})",
        ]
    lines += [f'host: fork("p{i}")' for i in range(n)]
    for i in range(n):
        left, right = i, (i + 1) % n
        lines += [
            f'p{i}: lock("/fork{left}")',
            f'p{i}: lock("/fork{right}")',
            f'p{i}: unlock("/fork{right}")',
            f'p{i}: unlock("/fork{left}")',
        ]
    return "\n".join(lines) + "\n"


def measure(n: int, reduce: bool, cap: int) -> str:
    progs = programs_of(parse(philosophers(n), f"philosophers{n}"))
    t0 = time.perf_counter()
    r = explore(progs, max_schedules=cap, reduce=reduce)
    dt = time.perf_counter() - t0
    kinds = {k: sum(1 for o in r.outcomes if o.kind == k) for k in ("deadlock", "complete")}
    how = "exhaustive" if r.exhaustive else f"capped at {cap:,}"
    states = f"{r.states:,} states, " if reduce else ""
    return (
        f"| {n} | {'explore (DPOR)' if reduce else 'plain enumeration'} | {r.schedules:,} ({how}) | "
        f"{states}{kinds['deadlock']} deadlock, {kinds['complete']} completes | {dt:.2f} s | "
        f"{r.schedules / dt:,.0f} schedules/s, {r.steps / dt:,.0f} lines/s |"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("counts", nargs="*", type=int, default=[3, 4, 5, 6])
    ap.add_argument("--plain-cap", type=int, default=20_000)
    ap.add_argument("--no-plain", action="store_true")
    args = ap.parse_args()
    print("| philosophers | how | schedules | found | time | rate |")
    print("|---|---|---|---|---|---|")
    for n in args.counts:
        print(measure(n, True, 1_000_000), flush=True)
        if not args.no_plain:
            print(measure(n, False, args.plain_cap), flush=True)


if __name__ == "__main__":
    main()
