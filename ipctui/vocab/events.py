"""What the kernel reports: one Event per trace line, in trace order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["spawn", "call", "resumed", "signal", "stopped", "exit"]
Status = Literal["ok", "error", "blocked", "fault"]


@dataclass(slots=True)
class Event:
    """One trace line. `tag` is whatever the caller passed with the call that began it.

    Treat it as read-only (not frozen only because a frozen dataclass is several times slower to
    build, and every line of a run builds one).
    """

    kind: Kind
    pid: int
    proc: str
    call: str | None = None
    status: Status | None = None
    result: Any = None
    errno: str | None = None
    signal: str | None = None
    code: int | None = None
    uid: int | None = None
    tag: Any = None
