from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest.register_assert_rewrite("helpers")

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

EXAMPLES = Path(__file__).parent / "examples"


@pytest.fixture
def examples() -> Path:
    return EXAMPLES
