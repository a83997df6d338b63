"""The playground app: the entry point that holds the session and draws it.

Its parts live beside it, one thing each: screens.py (the main screen, its layout and fitting),
routing.py (the panes, and which one a line brings forward), commands.py (the key bindings, the
actions that submit lines, the command palette's commands). It only reads engine state and
submits script lines to the session.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import App
from textual.binding import BindingType
from textual.command import CommandPalette
from textual.notifications import Notification, SeverityLevel
from textual.screen import Screen
from textual.theme import Theme
from textual.timer import Timer
from textual.widgets import Input, Static

from ..engine import SYSCALLS
from ..script import Narration, ScriptError
from ..session import Outcome, Session
from . import ink
from .collector import Collector
from .commands import BINDINGS, SPEEDS, Commands
from .dialogs.call_form import CallForm
from .dialogs.palette import Palette
from .dialogs.quiz import QuizMode
from .panes.base import ObjectsView
from .routing import PANES, Routing, named_processes
from .screens import MainScreen
from .served import Limits
from .themes import DEFAULT_THEME, discover, load_settings, save_setting
from .widgets.console import Console
from .widgets.process_table import ProcessTable
from .widgets.stuck_banner import StuckBanner
from .widgets.trace_log import TraceLog

__all__ = ["PANES", "MainScreen", "PlaygroundApp"]


class PlaygroundApp(Commands, Routing, App[None]):
    """`PlaygroundApp()` is an empty session; `PlaygroundApp(script=PATH)` steps through PATH."""

    CSS_PATH = "ipctui.tcss"
    TITLE = "ipctui"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = BINDINGS
    # the themes offered: ours and the user's files, once found at mount (read in App.__init__)
    offered_themes: frozenset[str] = frozenset()

    def __init__(
        self,
        script: str | Path | None = None,
        theme: str | None = None,
        script_text: str | None = None,
        script_name: str | None = None,
        allow_real: bool = True,
        served: bool = False,
        quiz: bool = False,
    ) -> None:
        super().__init__()
        self.limits = Limits(browser=served, allow_real=allow_real)  # what a browser tab may not do
        self.session = Session()
        self.script_path = script
        self.script_text = script_text
        self.script_name = script_name
        self.requested_theme = theme
        self.playing: Timer | None = None
        self.speed = 2
        self.load_problem: str | None = None
        self.ready = False  # the main screen is mounted and drawn once
        self.collector = Collector()
        self.status = ""  # the title bar's text: step, line, playing or paused
        self._notice: Notification | None = None  # the latest step notice, replaced by the next
        self.main = MainScreen(self.session)
        self.quiz_mode: QuizMode | None = QuizMode() if quiz else None  # predict, then reveal

    # ----------------------------------------------------------------- layout

    def get_default_screen(self) -> Screen:
        return self.main  # made once in __init__: Textual may ask more than once

    def on_mount(self) -> None:
        self._install_themes()

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(Palette(id="--command-palette"))

    def main_ready(self) -> None:
        """The main screen is up: load the script, draw everything once."""
        if self.script_text is not None:
            self._load(lambda: self.session.load(self.script_text or "", self.script_name or "<demo>"))
        elif self.script_path is not None:
            self._load(lambda: self.session.load_file(self.script_path or ""))
        self.ready = True
        self.refresh_views()
        self.main.query_one(ProcessTable).focus()
        self.collector.tune()

    def on_unmount(self) -> None:
        self.collector.restore()

    @property
    def available_themes(self) -> dict[str, Theme]:
        """The themes offered (the palette, --theme): ours, each checked to read at AA
        (tests/app/test_contrast.py), and the user's own files; not Textual's built-in ones,
        which colour Textual's widgets below 4.5:1 in places. Textual's default stays until
        ours replaces it at mount."""
        themes = super().available_themes
        if not self.offered_themes:
            return themes
        return {name: t for name, t in themes.items() if name in self.offered_themes or name == self.theme}

    def _install_themes(self) -> None:
        ink.install(self, self._recolour)
        themes, problems = discover()
        for theme in themes:
            self.register_theme(theme)
        self.offered_themes = frozenset(theme.name for theme in themes)
        for problem in problems:
            self.notify(f"theme not loaded: {problem}", severity="warning")
        wanted = self.requested_theme or str(load_settings().get("theme") or DEFAULT_THEME)
        if wanted not in self.offered_themes:
            if self.requested_theme:
                self.notify(f"no theme named {wanted}; using {DEFAULT_THEME}", severity="warning")
            wanted = DEFAULT_THEME
        self.theme = wanted

    def watch_theme(self, theme: str) -> None:
        if self.is_mounted and not self.limits.browser:
            save_setting("theme", theme)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return {**super().get_theme_variable_defaults(), **ink.css_defaults(self.current_theme)}

    def _recolour(self) -> None:
        """A new theme: what was drawn and kept in the old colours is drawn again."""
        if self.ready:
            self.main.query_one(ObjectsView).recolour()
            self.main.query_one(TraceLog).recolour()
            self.main.query_one(ProcessTable).recolour()
            self.refresh_views()

    def _load(self, load) -> None:  # type: ignore[no-untyped-def]
        try:
            load()
        except ScriptError as e:
            where = f"line {e.lineno}: " if e.lineno else ""
            self.load_problem = f"{where}{e.message}"
            self.notify(f"cannot open the script: {self.load_problem}", severity="error", timeout=8)

    # ------------------------------------------------------------------ views

    def refresh_views(self) -> None:
        if not self.ready:
            return
        s = self.session
        table = self.main.query_one(ProcessTable)
        table.show(s.kernel)
        self.call_after_refresh(table.keep_in_view, named_processes(s))  # once the rows are laid out
        self.main.query_one(StuckBanner).show(s.kernel)
        self.main.fit_processes(table.wanted)
        self.main.query_one(TraceLog).show(s.trace)
        # before the first step, the script's opening narration (a welcome) is shown already
        upcoming = s.next_statement() if s.steps == 0 else None
        shown = upcoming.text if isinstance(upcoming, Narration) else self._paragraph()
        self.main.narrate(shown)
        mechanism_in_front = self.front_is_mechanism
        if mechanism_in_front:
            self.main.query_one(ObjectsView).show(s.kernel)
        self.main.fit_panes(mechanism_in_front)
        self._update_title()

    def _paragraph(self) -> str | None:
        """The latest narration with the narration lines right before it: a script writes a long
        one as consecutive `##` lines, each a step, and the last alone read as a fragment ("the
        cycle teller1 -> teller2 -> teller1).")."""
        trace = self.session.trace
        last = next((i for i in range(len(trace) - 1, -1, -1) if trace[i].kind == "narration"), None)
        if last is None:
            return self.session.narration
        first = last
        while first > 0 and trace[first - 1].kind == "narration":
            first -= 1
        return " ".join(t.text.removeprefix("## ") for t in trace[first : last + 1])

    def _update_title(self) -> None:
        s = self.session
        # one counter: steps, each a trace line (a sub-step included), out of all the script takes
        parts = [f"step {s.steps}/{s.total}" if s.script and s.total else f"step {s.steps}"]
        if s.script:
            parts.append(Path(s.script_name or "").name)
        parts.append(f"▶ playing ({SPEEDS[self.speed]:g} s/step)" if self.playing else "paused")
        if self.quiz_mode is not None:
            parts.append(f"quiz {self.quiz_mode.quiz.score}")
        # A plain attribute, not App.sub_title: setting that reactive repaints the whole screen,
        # and this changes on every step.
        self.status = " · ".join(parts)
        if self.ready:  # one line, always: redraw it without laying the screen out again
            self.main.query_one("#titlebar", Static).update(f"[b]ipctui[/b] — {self.status}", layout=False)

    def say(self, message: str, severity: SeverityLevel = "information", timeout: float = 4) -> None:
        """A notice about stepping (an errno, the end of the script): it replaces the previous
        one instead of piling up on every press (as App.notify does, one toast per call)."""
        if self._notice is not None and self._notice in self._notifications:
            self._unnotify(self._notice, refresh=False)
        self._notice = Notification(message, "", severity, timeout)
        # added at once (as App._on_notify does) rather than by a message, so that the next
        # notice, perhaps in the same tick, finds this one there to replace
        self._notifications.add(self._notice)
        self._refresh_notifications()

    def _report(self, outcome: Outcome, inline: bool = False) -> None:
        problem = self.main.query_one("#console-problem", Static)
        if not outcome.ok:
            if inline:  # under the line typed, until it is changed: no toast over it as well
                problem.update(f"✗ {outcome.message}")
                problem.add_class("shown")
            else:
                self.say(outcome.message, severity="error", timeout=6)
        else:
            problem.remove_class("shown")
            if outcome.message:
                self.say(outcome.message, severity="warning", timeout=4)

    # ------------------------------------------------------------ the console and the forms

    @on(Input.Submitted, "#console")
    def _console_line(self, event: Input.Submitted) -> None:
        line = event.value.strip()
        if not line:
            return
        console = self.main.query_one(Console)
        outcome = self.submit(line, inline=True)
        console.remember(line)
        if outcome.ok:
            console.value = ""

    @on(Input.Changed, "#console")
    def _console_typing(self) -> None:
        self.main.query_one("#console-problem", Static).remove_class("shown")

    def _selected(self) -> str | None:
        pid = self.main.query_one(ProcessTable).selected_pid
        p = self.session.kernel.process(pid) if pid is not None else None
        return p.name if p is not None else None

    def _prefill(self, call: str, proc: str | None) -> dict[str, str]:
        """What the call's form fills in for the selected process (its mechanism module says)."""
        p = self.session.kernel.process(proc) if proc else None
        return SYSCALLS[call].prefill(self.session.kernel, p) if p is not None else {}

    def open_form(self, call: str) -> None:
        if not any(p.alive for p in self.session.kernel.procs.values()):
            self.notify("Spawn a process first (n).", severity="warning")
            return
        proc = self._selected()
        self.push_screen(CallForm(self.session, call, proc, self._prefill(call, proc)), self._form_done)

    def _form_done(self, line: str | None) -> None:
        if line:
            self.submit(line)
