"""The garbage collector, tuned for an app that lives long and paints many small objects.

Textual makes several objects for every line it paints (a Strip holds seven caches), so the
collector's youngest generation fills every few milliseconds, and by CPython's defaults about one
step in thirty ends in a full pass over everything alive: Textual's, Rich's and the app's own
objects, which live as long as the app (50 ms a pass with 50 processes and 200 objects open;
2.8 ms a step on average, measured). While the app runs, what was alive when it came up is frozen
out of the collector's passes and the young passes run less often (0.4 ms a step). Both are undone
when the app stops: a test run starts many apps in one process.
"""

from __future__ import annotations

import gc

YOUNG = 10_000  # allocations between two young passes (CPython's default: 700)


class Collector:
    """tune() when the app is up, restore() when it stops; each does its work once."""

    def __init__(self) -> None:
        self._saved: tuple[int, int, int] | None = None

    def tune(self) -> None:
        if self._saved is None:
            self._saved = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(YOUNG, self._saved[1], self._saved[2])

    def restore(self) -> None:
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            gc.unfreeze()
            self._saved = None
