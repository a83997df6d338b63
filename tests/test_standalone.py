"""The repository stands alone: nothing it ships reaches for files beside it (../shared, say)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# A path built or written to leave the repository: ROOT.parent, "../shared", /work/shared.
OUTSIDE = re.compile(r"ROOT\.parent\b|\.\./shared|/work/shared|parent\s*/\s*\"shared\"")


def tracked() -> list[Path]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [ROOT / name for name in out.stdout.splitlines() if name.endswith((".py", ".md", ".toml"))]


def test_no_tracked_file_points_outside_the_repository() -> None:
    here = Path(__file__).resolve()
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in tracked()
        if path.resolve() != here and path.exists()
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert found == []


def test_the_c_yardstick_is_vendored_and_the_benchmarks_use_it(monkeypatch) -> None:
    import importlib.util

    monkeypatch.delenv("IPCBENCH_C", raising=False)
    source = ROOT / "benchmarks" / "reference" / "ipcbench_c.c"
    assert "C anchor for the ipctui IPC benchmark" in source.read_text()
    assert (ROOT / "benchmarks" / "reference" / "README.md").is_file()
    for name in ("versus_c", "bare_loop"):
        spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        assert Path(module.SOURCE).resolve() == source
