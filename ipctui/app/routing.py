"""Which pane shows what: the panes and their keys, the pane a line is about, the pane in front.

A step brings forward the pane its next line touches, so that what the narration talks about is
on screen: a call by its mechanism (vocab/mechanisms.py gives each mechanism its pane), a call on
a descriptor (read, write, close, dup2 ...) by the kind of the descriptor it names.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from textual.css.query import NoMatches
from textual.widgets import ContentSwitcher

from ..engine import SYSCALLS, Kernel
from ..script import Call
from ..vocab.mechanisms import MECHANISMS
from .panes.base import MechanismPane, ObjectsView
from .panes.bench import BenchPane, ComparePane
from .panes.memory import MemoryPane
from .panes.pipes import PipesPane
from .panes.queues import QueuesPane
from .panes.real import RealPane
from .panes.reference import ReferencePane
from .panes.semaphores import SemaphoresPane
from .panes.signals import SignalsPane
from .panes.sockets import SocketsPane
from .widgets.pane_bar import PaneBar

if TYPE_CHECKING:
    from ..session import Session
    from .screens import MainScreen


class Pane(NamedTuple):
    """One pane: its id, its title on the pane bar, and what draws it."""

    id: str
    title: str
    widget: type  # a MechanismPane (drawn by the one ObjectsView), or a widget of its own

    @property
    def mechanism(self) -> bool:
        """Its objects are a mechanism's, drawn by ObjectsView (the others are widgets)."""
        return issubclass(self.widget, MechanismPane)

    @property
    def key(self) -> str | None:
        """The digit that brings it forward, if it has one (ten digits, more panes)."""
        i = PANES.index(self)
        return PANE_KEYS[i] if i < len(PANE_KEYS) else None

    @property
    def about(self) -> str:
        """What it shows, in a few words: a mechanism pane names its mechanisms (as
        vocab/mechanisms.py has them; "files", any descriptor, shows in its own kind's pane)."""
        if not self.mechanism:
            return ABOUT[self.id]
        return ", ".join(
            m.title.split(" (")[0] for m in MECHANISMS if m.pane == self.id and m.name != "files"
        )


class PickerEntry(NamedTuple):
    """A line of the pane picker: a pane, or Explore (a screen of its own on `E`)."""

    id: str
    key: str | None
    title: str
    about: str
    calls: tuple[str, ...] = ()  # the calls whose objects it shows: typing one finds the pane


PANES: list[Pane] = [
    Pane("pipes", "Pipes", PipesPane),
    Pane("queues", "Queues", QueuesPane),
    Pane("memory", "Memory", MemoryPane),
    Pane("semaphores", "Semaphores", SemaphoresPane),
    Pane("sockets", "Sockets", SocketsPane),
    Pane("signals", "Signals", SignalsPane),
    Pane("reference", "Reference", ReferencePane),
    Pane("real", "Real kernel", RealPane),
    Pane("bench", "Bench", BenchPane),
    Pane("compare", "Compare", ComparePane),
]
ABOUT = {
    "reference": "the script language and every call",
    "real": "the session run by real processes, compared",
    "bench": "this machine's real IPC, measured",
    "compare": "the mechanisms side by side, as measured",
}
EXPLORE = PickerEntry("explore", "E", "Explore", "every schedule of the script: deadlocks, races")
PANE_KEYS = "1234567890"  # a digit brings each of the first ten panes forward, in order
BY_ID: dict[str, Pane] = {p.id: p for p in PANES}
# which pane shows a call's mechanism, and which a descriptor's (its kind is its mechanism's name)
MECHANISM_PANE = {m.name: m.pane for m in MECHANISMS if m.pane is not None}


def picker_entries() -> list[PickerEntry]:
    """Every pane with its key, and Explore: what the pane picker lists, in order."""
    calls: dict[str, list[str]] = {}
    for spec in SYSCALLS.values():
        pane = MECHANISM_PANE.get(spec.mechanism)
        if pane is not None:
            calls.setdefault(pane, []).append(spec.name)
    return [PickerEntry(p.id, p.key, p.title, p.about, tuple(calls.get(p.id, ()))) for p in PANES] + [EXPLORE]


def pane_for(kernel: Kernel, st: object) -> str | None:
    """The pane a statement is about: by its call's mechanism, or by the descriptor it uses."""
    if not isinstance(st, Call):
        return None
    spec = SYSCALLS[st.call]
    if spec.mechanism == "files" and st.eargs and isinstance(st.eargs[0], int):
        proc = kernel.process(st.proc)
        f = proc.fds.get(st.eargs[0]) if proc is not None else None
        return MECHANISM_PANE.get(f.kind, "pipes") if f is not None else None
    return MECHANISM_PANE.get(spec.mechanism)


class Routing:
    """The app's part that brings panes forward (mixed into PlaygroundApp)."""

    main: MainScreen
    session: Session
    ready: bool

    @property
    def front_pane(self) -> str:
        """The id of the pane in front."""
        try:
            return self.main.query_one(PaneBar).active
        except NoMatches:  # the screen is being built or torn down
            return PANES[0].id

    @property
    def front_is_mechanism(self) -> bool:
        """The pane in front is a mechanism's (drawn by ObjectsView)."""
        return BY_ID[self.front_pane].mechanism

    def action_show_pane(self, pane: str, draw: bool = True) -> None:
        """Bring a pane forward. Between two mechanism panes this only swaps the lines of one
        widget; only the other panes are widgets of their own, shown by the content switcher."""
        try:
            self.main.query_one(PaneBar).show(pane)
        except NoMatches:  # the screen is being torn down
            return
        mechanism = BY_ID[pane].mechanism
        switcher = self.main.query_one(ContentSwitcher)
        target = "objects" if mechanism else f"pane-{pane}"
        changed = switcher.current != target
        if changed:
            switcher.current = target
        if mechanism and self.ready:
            view = self.main.query_one(ObjectsView)
            changed |= view.front != pane
            view.bring(pane)
            if draw and changed:  # while another kind of pane was in front, it was not kept up
                view.show(self.session.kernel)
        if draw and self.ready:
            self.main.fit_panes(mechanism)

    def bring_forward(self, st: object) -> None:
        """Bring forward the pane `st` is about, if any; refresh_views() draws it next."""
        pane = pane_for(self.session.kernel, st)
        if pane is not None:
            self.action_show_pane(pane, draw=False)


def named_processes(session: Session) -> list[int]:
    """The processes a step is about, most of all first: the process of the line just run; after
    a narration, those it names (in its order), then the process of the latest line."""
    trace = session.trace
    latest = next((t.pid for t in reversed(trace) if t.kind != "narration"), None)
    first = [latest] if latest is not None else []
    if not trace or trace[-1].kind != "narration":
        return first
    words = re.findall(r"[\w.-]+", session.narration or "")
    pids = {p.name: p.pid for p in session.kernel.procs.values()}
    named = list(dict.fromkeys(pids[w] for w in words if w in pids))
    return named + first
