"""Races for dynamic partial-order reduction (Flanagan and Godefroid 2005).

Two steps race when they are dependent, belong to different programs, and nothing that happens
between them orders them already (no third step depends on the first and precedes the second).
A race between steps i and j says: at the state before i, j's program should also be tried first.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from .state import Footprint, Key


def races(path: Sequence[Footprint]) -> Iterator[tuple[int, Key, list[Key]]]:
    """For every race between steps i < j of one execution: i, j's program, and the programs that could
    start the reversed order at the state before i (source-DPOR's initials of notdep(i).j:
    the steps after i that do not depend on it, then j; those whose program moves first with
    nothing before it that it depends on)."""
    before: list[int] = []  # per step: a bit mask of the steps that happen before it
    for j, fj in enumerate(path):
        preds = [i for i in range(j) if path[i].depends(fj)]
        covered = 0
        for i in preds:
            covered |= before[i]
        mask = covered
        for i in preds:
            mask |= 1 << i
        before.append(mask)
        for i in preds:
            if path[i].key == fj.key or (covered >> i) & 1:
                continue
            initials: list[Key] = []
            moved: set[Key] = set()
            vmask = 0
            for k in range(i + 1, j + 1):
                if k < j and (before[k] >> i) & 1:
                    continue  # after i: it stays after i
                key = path[k].key
                if key not in moved and not before[k] & vmask:
                    initials.append(key)
                moved.add(key)
                vmask |= 1 << k
            yield i, fj.key, initials


def late_races(path: Sequence[Footprint], later: Sequence[Footprint]) -> Iterator[tuple[int, Key]]:
    """Races between a path and steps that a cached state's subtree took after it: for each such
    step, the last step of the path it depends on (conservative: no happens-before pruning)."""
    for t in later:
        for i in range(len(path) - 1, -1, -1):
            if path[i].key != t.key and path[i].depends(t):
                yield i, t.key
                break


__all__ = ["late_races", "races"]
