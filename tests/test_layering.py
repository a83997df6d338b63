"""Which package may import which (DESIGN.md's layers), read from the source, not from a run.

The vocabulary is the bottom layer; the two kernels sit on it side by side and never import each
other; the script layer drives either kernel; `check` joins them; the app and the CLI sit on top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "ipctui"

# package -> the ipctui packages its modules may import (itself always allowed)
ALLOWED: dict[str, set[str]] = {
    "vocab": set(),
    "engine": {"vocab"},
    "real": {"vocab"},
    "script": {"vocab", "engine"},
    "check": {"vocab", "engine", "real", "script"},
    "explore": {"vocab", "engine", "script"},
    "fuzz": {"vocab", "engine", "script", "real", "check"},
    "bench": {"vocab", "real"},
}

# packages that must not reach the terminal UI libraries (rich may render a command's report, so the
# packages behind the CLI may use it; only the app draws with textual)
NO_UI = {"vocab", "engine", "real", "script"}


def _layer(module: str) -> str:
    """`ipctui.engine.pipe` -> `engine`; top-level modules (`ipctui.quiz`) are their own layer."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _imports(path: Path, root: Path = PACKAGE.parent) -> list[tuple[int, str]]:
    """Every module a file imports, resolved to its absolute dotted name, with its line."""
    rel = path.relative_to(root).with_suffix("")
    here = list(rel.parts if rel.name != "__init__" else rel.parts[:-1])
    if rel.name == "__init__":
        here.append("__init__")
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.append((node.lineno, name))
    return found


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_each_layer_imports_only_what_lies_below_it(layer: str) -> None:
    bad = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for line, name in _imports(path):
            top = name.split(".")
            if top[0] == "ipctui" and len(top) > 1 and top[1] not in ALLOWED[layer] | {layer}:
                bad.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}")
            if top[0] == "textual" or (layer in NO_UI and top[0] == "rich"):
                bad.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {name} (UI)")
    assert not bad, "\n".join(bad)


def test_every_package_is_placed_in_a_layer() -> None:
    """A new package must say where it sits, or the test above would not look at it."""
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert packages - set(ALLOWED) <= {"app", "demos", "cli"}, packages - set(ALLOWED)


def test_the_checker_resolves_relative_imports(tmp_path: Path) -> None:
    """The rule itself can fail: relative imports of the engine from real/ are seen as such."""
    real = tmp_path / "ipctui" / "real"
    real.mkdir(parents=True)
    (real / "probe.py").write_text("from ..engine.kernel import Kernel\nfrom . import libc\nimport os\n")
    (real / "__init__.py").write_text("from ..engine import SYSCALLS\n")
    assert [n for _, n in _imports(real / "probe.py", tmp_path)] == [
        "ipctui.engine.kernel",
        "ipctui.real",
        "os",
    ]
    assert [n for _, n in _imports(real / "__init__.py", tmp_path)] == ["ipctui.engine"]
