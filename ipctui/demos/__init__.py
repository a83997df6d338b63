"""The built-in demos: narrated scripts shipped with the package, each a golden test of the engine."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

ORDER = [
    "tour",
    "pipe",
    "shell-pipeline",
    "shell-redirection",
    "fifo",
    "producer-consumer",
    "addressed-messages",
    "shared-memory",
    "semaphores",
    "deadlock",
    "sysv",
    "lost-wakeup",
    "signals",
    "sockets",
]


@dataclass(frozen=True)
class Demo:
    name: str
    title: str  # its first narration line
    text: str

    @property
    def lines(self) -> int:
        return sum(1 for ln in self.text.splitlines() if ln.strip())


def _load(name: str) -> Demo:
    text = resources.files(__name__).joinpath(f"{name}.ipc").read_text(encoding="utf-8")
    title = next((ln[2:].strip() for ln in text.splitlines() if ln.startswith("##")), name)
    return Demo(name, title, text)


def all_demos() -> list[Demo]:
    return [_load(name) for name in ORDER]


def get(name: str) -> Demo | None:
    return _load(name) if name in ORDER else None
