"""The console: type a script line directly, with completion and history."""

from __future__ import annotations

import re
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.suggester import Suggester
from textual.widgets import Input

from ...engine import SYSCALLS
from ...engine.views import processes_view
from ...session import Session
from .views import VIEWS

_CALL_START = re.compile(r"^(?P<proc>[A-Za-z0-9_-]+):\s*(?P<call>[a-z_]*)$")
_IN_ARGS = re.compile(r"^(?P<proc>[A-Za-z0-9_-]+):\s*(?P<call>[a-z_]+)\((?P<args>[^()]*)$")


class LineSuggester(Suggester):
    """Completes process names, call names and the caller's open descriptors."""

    def __init__(self, session: Session) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.session = session

    async def get_suggestion(self, value: str) -> str | None:
        return suggest(self.session, value)


def suggest(session: Session, value: str) -> str | None:
    if not value:
        return None
    procs = {p.name: p for p in VIEWS.get(session.kernel, processes_view).procs}
    names = [name for name, p in procs.items() if p.alive]
    if ":" not in value and "(" not in value:
        for candidate in ["spawn ", *[f"{n}: " for n in names]]:
            if candidate.startswith(value) and candidate != value:
                return candidate
        return None
    m = _CALL_START.match(value)
    if m:
        start = m.group("call")
        for name in sorted(SYSCALLS):
            if name.startswith(start) and name != start:
                return value + name[len(start) :] + "("
        return None
    m = _IN_ARGS.match(value)
    if m and m.group("args").strip() == "":
        proc = procs.get(m.group("proc"))
        spec = SYSCALLS.get(m.group("call"))
        if proc is not None and spec is not None and spec.params and spec.params[0].kind == "fd" and proc.fds:
            return value + str(proc.fds[-1][0])
    return None


# what the empty console says, longest first: the longest that fits is shown (whole, never cut)
HINTS = (
    'type a line:  spawn A  ·  A: pipe()  ·  A: write(4, "hi")     (tab or → completes)',
    'type a line:  spawn A  ·  A: pipe()  ·  A: write(4, "hi")   (tab completes)',
    "type a line:  spawn A  ·  A: pipe()   (tab completes)",
    "type a line: spawn A",
)


class Console(Input):
    """An Input that keeps a history (up and down) of the lines it ran."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "history(-1)", "previous line", show=False),
        Binding("down", "history(1)", "next line", show=False),
        Binding("tab", "complete", "complete", show=False, priority=True),
    ]

    def __init__(self, session: Session, **kwargs: object) -> None:
        super().__init__(
            placeholder=HINTS[0],
            suggester=LineSuggester(session),
            **kwargs,  # type: ignore[arg-type]
        )
        self.history: list[str] = []
        self.position = 0

    def on_resize(self) -> None:
        """The longest hint that fits the field (at 80 columns the first was cut at `(tab or →`)."""
        room = self.content_region.width - 1  # the cursor's cell
        self.placeholder = next((hint for hint in HINTS if len(hint) <= room), HINTS[-1])

    def action_complete(self) -> None:
        """Tab takes the suggestion shown after the cursor; with none, it moves focus on."""
        suggestion = self._suggestion
        if suggestion and suggestion != self.value:
            self.value = suggestion
            self.cursor_position = len(self.value)
        else:
            self.screen.focus_next()

    def remember(self, line: str) -> None:
        if line and (not self.history or self.history[-1] != line):
            self.history.append(line)
        self.position = len(self.history)

    def action_history(self, delta: int) -> None:
        if not self.history:
            return
        self.position = max(0, min(len(self.history), self.position + delta))
        self.value = self.history[self.position] if self.position < len(self.history) else ""
        self.cursor_position = len(self.value)
