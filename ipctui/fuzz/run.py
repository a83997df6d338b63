"""Run generated scripts on both kernels and sort what disagrees into kinds.

A script is run by `ipctui diff --format json` in a child process, with the code of a chosen
checkout (this one by default), so that the same scripts can be measured against the code from
before a fix. A disagreement's kind is its first differing line reduced to its call and the two
results (`connect: 0 | -1 ECONNREFUSED`): scripts that go wrong the same way count as one kind.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..check.diff import call_line

ROOT = Path(__file__).resolve().parents[2]
_NUMBER = re.compile(r"\b\d+\b")


@dataclass
class Outcome:
    """One script's comparison: whether the kernels agree, its unexplained and mislabelled lines."""

    script: str
    agree: bool
    kind: str | None = None  # the first difference's kind (None when they agree)
    labelled: int = 0  # differing lines that a departure explains
    unexplained: int = 0
    error: str | None = None  # the diff itself could not run


@dataclass
class Summary:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def agreeing(self) -> int:
        return sum(1 for o in self.outcomes if o.agree)

    def kinds(self) -> Counter[str]:
        return Counter(o.kind for o in self.outcomes if o.kind is not None)

    def report(self, family: str) -> str:
        n = len(self.outcomes)
        out = [f"{family}: {self.agreeing}/{n} agree"]
        explained = sum(1 for o in self.outcomes if not o.agree and not o.unexplained and not o.error)
        failed = sum(1 for o in self.outcomes if o.error)
        if explained:
            out[0] += f" ({explained} more differ only by a departure the diff names)"
        if failed:
            out[0] += f" ({failed} could not be compared: the diff itself failed)"
        for kind, count in self.kinds().most_common():
            out.append(f"  {count:4d}  {kind}")
        return "\n".join(out)


def kind_of(sim: str | None, real: str | None) -> str:
    """A differing pair of lines reduced to its call and two results, numbers as N."""

    def part(text: str | None) -> tuple[str, str]:
        if text is None:
            return "", "(no line)"
        if text.startswith("error: "):
            return "", "stopped: " + _NUMBER.sub("N", text.split(": error: ", 1)[-1])
        line = call_line(text)
        if line is None:
            return "", _NUMBER.sub("N", text.split(": ", 1)[-1])
        result = re.sub(r"\(.*\)$", "", line.result).strip()
        return line.call, result if result.startswith("-1") else _NUMBER.sub("N", result)

    (c1, r1), (c2, r2) = part(sim), part(real)
    return f"{c1 or c2}: {r1} | {r2}"


def diff_script(text: str, checkout: Path = ROOT, timeout: float = 120) -> Outcome:
    """`ipctui diff` of one script with the code at `checkout`."""
    with tempfile.NamedTemporaryFile("w", suffix=".ipc", delete=False) as f:
        f.write(text)
    env = dict(os.environ, PYTHONPATH=str(checkout))
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "ipctui", "diff", "--format", "json", f.name],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=checkout,
            env=env,
        )
    except subprocess.TimeoutExpired:
        return Outcome(text, False, "timed out", error="timed out")
    finally:
        Path(f.name).unlink(missing_ok=True)
    try:
        doc = json.loads(proc.stdout)
    except json.JSONDecodeError:
        err = proc.stderr.strip().splitlines()[-1:] or ["no output"]
        return Outcome(
            text, False, "diff failed: " + _NUMBER.sub("N", err[0].split(": ", 1)[-1]), error=err[0]
        )
    diffs = doc["differences"]
    stopped = doc.get("stopped")
    if doc["agree"] and not diffs and not stopped:
        return Outcome(text, True)
    first = next((d for d in diffs if not d["reason"]), diffs[0] if diffs else None)
    kind = kind_of(first["simulated"], first["real"]) if first else f"stopped: {stopped}"
    labelled = sum(1 for d in diffs if d["reason"])
    unexplained = sum(1 for d in diffs if not d["reason"] and not d.get("uncompared"))
    return Outcome(text, False, kind, labelled, unexplained)


SHAPES = ("lines", "storm", "mutate")  # strategies.scripts, storm.storms, mutate.generate


def generate(family: str, count: int, seed: int = 0, shape: str = "lines") -> list[str]:
    """`count` distinct scripts of `family`, the same for the same seed (Hypothesis draws them,
    with no database, so that a long run is reproducible from its seed alone); `shape` picks
    the generator: short scripts line by line, long signal-stirred storms, or mutants of the
    project's own scripts (drawn with random.Random from the seed)."""
    if shape == "mutate":
        from .mutate import generate as mutants

        return mutants(family, count, seed)

    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hseed

    from .storm import storms
    from .strategies import scripts

    drawn = scripts(family) if shape == "lines" else storms(family)

    found: list[str] = []
    seen: set[str] = set()

    @hseed(seed)
    @settings(
        max_examples=count * 3,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(drawn)
    def draw(script: str) -> None:
        if script not in seen and len(found) < count and script.count("\n") > 5:
            seen.add(script)
            found.append(script)

    draw()
    return found
