from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).parent
EVERYTHING = HERE / "everything.ipc"


@pytest.fixture(autouse=True)
def private_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No user settings leak in, and remembered settings go to a private folder."""
    config = tmp_path / "config"
    monkeypatch.setenv("IPCTUI_CONFIG_DIR", str(config))
    return config


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No benchmark results of the machine's own leak into what the panes show."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    return cache


@pytest.fixture
def bench_results(private_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fixed benchmark run as the last one, and fixed kernel capacities: what the Bench and
    Compare panes draw no longer depends on the machine."""
    from ipctui.bench import compare

    path = private_cache / "ipctui" / "bench-last.json"
    path.parent.mkdir(parents=True)
    path.write_text((HERE / "bench-fixture.json").read_text())
    fixed = {mech: f"{mech}'s capacity" for mech in compare.NATURE}
    monkeypatch.setattr(compare, "capacities", lambda: fixed)
    return path
