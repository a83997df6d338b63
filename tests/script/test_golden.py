"""Golden traces: longer scripts with every result written in. Each must reproduce itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipctui.script import parse, run_script

GOLDEN = sorted((Path(__file__).parent.parent / "golden").glob("*.ipc"))


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.stem)
def test_golden_trace(path: Path) -> None:
    text = path.read_text()
    out: list[str] = []
    run_script(parse(text, str(path)).statements, out.append)
    assert out == [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
