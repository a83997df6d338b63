"""The shared examples: `ipctui run` must reproduce each one exactly (they hold their results)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ipctui.script import parse

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.ipc"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs_clean_and_round_trips(path: Path) -> None:
    text = path.read_text()
    parse(text, str(path))  # every call in it is known
    proc = subprocess.run(
        [sys.executable, "-m", "ipctui", "run", str(path)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    want = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    assert proc.stdout.splitlines() == want
    again = subprocess.run(
        [sys.executable, "-m", "ipctui", "run", "-"],
        input=proc.stdout,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 0, again.stderr
    assert again.stdout == proc.stdout
