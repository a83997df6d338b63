"""Our themes (TOML files shipped in ipctui/themes, plus the user's own) and the remembered choice."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

from textual.theme import Theme

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "themes"
DEFAULT_THEME = "ipctui-night"
_FIELDS = {"name", "primary", "secondary", "warning", "error", "success", "accent", "foreground"}
_FIELDS |= {"background", "surface", "panel", "boost", "dark", "luminosity_spread", "text_alpha", "variables"}


def config_dir() -> Path:
    """Where settings live: $IPCTUI_CONFIG_DIR, else $XDG_CONFIG_HOME/ipctui, else ~/.config/ipctui."""
    if env := os.environ.get("IPCTUI_CONFIG_DIR"):
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "ipctui"


def load_theme(path: Path) -> Theme:
    """A Theme from a TOML file; raises ValueError naming the file and what is wrong."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ValueError(f"{path.name}: {e}") from None
    unknown = set(data) - _FIELDS
    if unknown:
        raise ValueError(f"{path.name}: unknown keys {', '.join(sorted(unknown))}")
    if "name" not in data or "primary" not in data:
        raise ValueError(f"{path.name}: a theme needs at least `name` and `primary`")
    try:
        return Theme(**data)
    except Exception as e:  # Theme validates colours: report, do not crash
        raise ValueError(f"{path.name}: {e}") from None


def discover() -> tuple[list[Theme], list[str]]:
    """Every theme we ship and every valid one in the user's themes folder, plus the problems."""
    themes: list[Theme] = []
    problems: list[str] = []
    for folder in (BUILTIN_DIR, config_dir() / "themes"):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                themes.append(load_theme(path))
            except ValueError as e:
                problems.append(str(e))
    return themes, problems


def load_settings() -> dict[str, object]:
    try:
        data = json.loads((config_dir() / "settings.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_setting(key: str, value: object) -> None:
    """Remember one setting; a read-only home is not worth an error."""
    settings = load_settings()
    settings[key] = value
    try:
        config_dir().mkdir(parents=True, exist_ok=True)
        (config_dir() / "settings.json").write_text(json.dumps(settings, indent=2), encoding="utf-8")
    except OSError:
        pass
