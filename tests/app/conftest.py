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
