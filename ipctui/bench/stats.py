"""Summaries of per-round-trip timings."""

from __future__ import annotations

import math
from collections.abc import Sequence

PERCENTILES = (50, 90, 99, 99.9)


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """The p-th percentile by linear interpolation between closest ranks (numpy's default)."""
    if not sorted_values:
        raise ValueError("no values")
    k = (len(sorted_values) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def summarise(values_us: Sequence[float]) -> dict[str, float]:
    """p50, p90, p99, p99.9, max and mean of round trips in microseconds."""
    ordered = sorted(values_us)
    out = {f"p{p:g}".replace(".", "_"): round(percentile(ordered, p), 3) for p in PERCENTILES}
    out["max"] = round(ordered[-1], 3)
    out["mean"] = round(sum(ordered) / len(ordered), 3)
    return out
