"""The playground app. It only reads engine state and submits script lines to the session."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.notifications import Notification, SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Footer, Input, Static

from ..engine import SYSCALLS
from ..script import Call, Narration, ScriptError, parse_line
from ..session import Outcome, Session
from ..vocab.mechanisms import MECHANISMS
from . import ink
from .collector import Collector
from .dialogs.call_form import CallForm
from .dialogs.files import Confirm, FilePicker
from .dialogs.help import HelpScreen
from .dialogs.palette import Palette
from .dialogs.pickers import CallPicker, DemoPicker, Prompt, spawn_check
from .dialogs.quiz import QuizMode
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
from .served import Limits
from .themes import DEFAULT_THEME, discover, load_settings, save_setting
from .widgets.console import Console
from .widgets.pane_bar import PaneBar
from .widgets.process_table import ProcessTable
from .widgets.stuck_banner import StuckBanner
from .widgets.trace_log import TraceLog

if TYPE_CHECKING:
    from ..demos import Demo

PANES: list[tuple[str, str, type]] = [
    ("pipes", "Pipes", PipesPane),
    ("queues", "Queues", QueuesPane),
    ("memory", "Memory", MemoryPane),
    ("semaphores", "Semaphores", SemaphoresPane),
    ("sockets", "Sockets", SocketsPane),
    ("signals", "Signals", SignalsPane),
    ("reference", "Reference", ReferencePane),
    ("real", "Real kernel", RealPane),
    ("bench", "Bench", BenchPane),
    ("compare", "Compare", ComparePane),
]
PANE_KEYS = "1234567890"  # a digit brings each pane forward, in order
# which pane shows a call's mechanism, and which a descriptor's (its kind is its mechanism's name)
MECHANISM_PANE = {m.name: m.pane for m in MECHANISMS if m.pane is not None}
# the mechanism panes are drawn by one widget (ObjectsView); the others are widgets of their own
IS_MECHANISM = {pid: issubclass(cls, MechanismPane) for pid, _, cls in PANES}
MIN_TRACE = 4  # rows the trace keeps (its border and two lines) when a stacked pane grows
NARROW = 140  # columns below which processes and trace stack instead of sitting side by side
SPEEDS = [4.0, 2.0, 1.0, 0.5, 0.25, 0.1]  # seconds per step
QUICK_CALLS = {"f": "fork", "k": "kill", "w": "write", "r": "read", "x": "close"}


class MainScreen(Screen):
    """The playground's layout: the mechanism panes on top at full width, processes and trace
    below, side by side from 140 columns and stacked under that (the `narrow` class)."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield Static(id="titlebar")
        yield PaneBar([(pid, title) for pid, title, _ in PANES], id="tabs")
        with ContentSwitcher(initial="objects", id="panes"):
            yield ObjectsView({pid: cls() for pid, _, cls in PANES if IS_MECHANISM[pid]}, id="objects")
            for pid, _, cls in PANES:
                if not IS_MECHANISM[pid]:
                    yield cls(id=f"pane-{pid}")
        with Horizontal(id="bottom"):
            with Vertical(id="left"):
                yield ProcessTable(id="procs")
            with Vertical(id="trace-box"):  # the border is the box's: the log scrolls, the box does not
                yield TraceLog(id="trace")
        yield Static(id="narration")
        yield StuckBanner(id="stuck")
        yield Console(self.session, id="console")
        yield Static(id="console-problem")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#left").border_title = "processes"
        self.query_one("#left").border_subtitle = "↑↓ select · f k w r x act on it"
        self.query_one("#trace-box").border_title = "trace"
        self.set_class(self.app.size.width < NARROW, "narrow")
        self.app.main_ready()  # type: ignore[attr-defined]

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW, "narrow")
        self.app._fit_panes(self.app._shown_narration)  # type: ignore[attr-defined]


class PlaygroundApp(App[None]):
    """`PlaygroundApp()` is an empty session; `PlaygroundApp(script=PATH)` steps through PATH."""

    CSS_PATH = "ipctui.tcss"
    TITLE = "ipctui"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        # the footer shows these in order and drops what does not fit: help and demos come early
        Binding("space", "step", "step"),
        Binding("question_mark", "help", "help"),
        Binding("d", "demos", "demos"),
        Binding("p", "play", "play"),
        Binding("u,ctrl+z", "undo", "undo"),
        Binding("U,ctrl+y", "redo", "redo"),
        Binding("colon,i", "console", "console"),
        Binding("n", "spawn", "spawn"),
        Binding("c", "call", "call"),
        Binding("ctrl+q", "quit", "quit"),
        Binding("K", "check_real", "real kernel", show=False),
        Binding("B", "bench", "bench", show=False),
        Binding("E", "explore", "explore", show=False),
        Binding("g", "jump", "jump", show=False),
        Binding("plus,equals_sign", "speed(1)", "faster", show=False),
        Binding("minus", "speed(-1)", "slower", show=False),
        Binding("ctrl+o", "open", "open", show=False),
        Binding("ctrl+s", "save", "save", show=False),
        Binding("escape", "leave_console", show=False),
        *[Binding(key, f"quick('{call}')", call, show=False) for key, call in QUICK_CALLS.items()],
        *[
            Binding(PANE_KEYS[i], f"show_pane('{pid}')", title, show=False)
            for i, (pid, title, _) in enumerate(PANES)
        ],
    ]

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
        self._shown_narration: str | None = None
        self._left_cols: int | None = None  # the processes' width side by side, once fitted
        self._panes_rows: int | None = None  # the rows given to the pane in front (stacked), if set
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

    def _install_themes(self) -> None:
        ink.install(self, self._recolour)
        themes, problems = discover()
        for theme in themes:
            self.register_theme(theme)
        for problem in problems:
            self.notify(f"theme not loaded: {problem}", severity="warning")
        wanted = self.requested_theme or str(load_settings().get("theme") or DEFAULT_THEME)
        if wanted not in self.available_themes:
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
        self.main.query_one(StuckBanner).show(s.kernel)
        self._fit_processes(table.wanted)
        self.main.query_one(TraceLog).show(s.trace)
        # before the first step, the script's opening narration (a welcome) is shown already
        upcoming = s.next_statement() if s.steps == 0 else None
        shown = upcoming.text if isinstance(upcoming, Narration) else s.narration
        if shown != self._shown_narration:  # a change of height means a relayout: only when needed
            narration = self.main.query_one("#narration", Static)
            narration.update(f"▸ {shown}" if shown else "")
            narration.set_class(bool(shown), "shown")
            self._shown_narration = shown
        if IS_MECHANISM.get(self.front_pane, False):
            self.main.query_one(ObjectsView).show(s.kernel)
        self._fit_panes(shown)
        self._update_title()

    def _fit_processes(self, wanted: int) -> None:
        """Side by side (from 140 columns), the processes take the width their descriptors need,
        between 45% and 72% of the screen, the trace the rest. Set only when it changes."""
        width = self.size.width
        # + its border (2) and the table's scrollbar gutter (2)
        cols = None if width < NARROW else max(width * 45 // 100, min(wanted + 4, width * 72 // 100))
        if cols != self._left_cols:
            self._left_cols = cols
            self.main.query_one("#left").styles.width = cols
            table = self.main.query_one(ProcessTable)  # its columns follow its new width
            self.call_after_refresh(lambda: table.show(self.session.kernel))

    def _fit_panes(self, narration: str | None) -> None:
        """Stacked (below 140 columns), the mechanism pane in front gets the rows its objects
        need, as far as that leaves the processes theirs and the trace MIN_TRACE: at 80x24 the
        ring, its R/W row and who is blocked stay on screen. Set only when it changes: a layout."""
        want: int | None = None
        width, height = self.size
        if width < NARROW and IS_MECHANISM.get(self.front_pane, False):
            need = len(self.main.query_one(ObjectsView)._lines)
            spoken = -(-(len(narration) + 2) // max(1, width - 2)) if narration else 0
            others = 1 + 2 + min(4, spoken) + 1 + 1  # title, pane bar, narration, console, footer
            procs = len(self.session.kernel.procs)
            bottom = min(procs + 3, height // 4) + MIN_TRACE  # the processes (at most 25vh), the trace
            want = max(4, min(need, height - others - bottom))
        if want != self._panes_rows:
            self._panes_rows = want
            panes, bottom = self.main.query_one("#panes"), self.main.query_one("#bottom")
            panes.styles.height = want if want is not None else None
            bottom.styles.height = "1fr" if want is not None else None

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

    @property
    def front_pane(self) -> str:
        """The id of the pane in front."""
        try:
            return self.main.query_one(PaneBar).active
        except NoMatches:  # the screen is being built or torn down
            return PANES[0][0]

    def action_show_pane(self, pane: str, draw: bool = True) -> None:
        """Bring a pane forward. Between two mechanism panes this only swaps the lines of one
        widget; only the other panes are widgets of their own, shown by the content switcher."""
        try:
            self.main.query_one(PaneBar).show(pane)
        except NoMatches:  # the screen is being torn down
            return
        switcher = self.main.query_one(ContentSwitcher)
        target = "objects" if IS_MECHANISM[pane] else f"pane-{pane}"
        changed = switcher.current != target
        if changed:
            switcher.current = target
        if IS_MECHANISM[pane] and self.ready:
            view = self.main.query_one(ObjectsView)
            changed |= view.front != pane
            view.bring(pane)
            if draw and changed:  # while another kind of pane was in front, it was not kept up
                view.show(self.session.kernel)
        if draw and self.ready:
            self._fit_panes(self._shown_narration)

    def _pane_for(self, st: object) -> str | None:
        """The pane a statement is about: by its call's mechanism, or by the descriptor it uses."""
        if not isinstance(st, Call):
            return None
        spec = SYSCALLS[st.call]
        if spec.mechanism == "files" and st.eargs and isinstance(st.eargs[0], int):
            proc = self.session.kernel.process(st.proc)
            f = proc.fds.get(st.eargs[0]) if proc is not None else None
            return MECHANISM_PANE.get(f.kind, "pipes") if f is not None else None
        return MECHANISM_PANE.get(spec.mechanism)

    def _bring_forward(self, st: object) -> None:
        pane = self._pane_for(st)
        if pane is not None:
            self.action_show_pane(pane, draw=False)  # refresh_views() draws it next

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
            if inline:
                problem.update(f"✗ {outcome.message}")
                problem.add_class("shown")
            self.say(outcome.message, severity="error", timeout=6)
        else:
            problem.remove_class("shown")
            if outcome.message:
                self.say(outcome.message, severity="warning", timeout=4)

    # ---------------------------------------------------------------- actions

    def submit(self, line: str, inline: bool = False) -> Outcome:
        """Run one line in the session and show what it did."""
        outcome = self.session.submit(line)
        self._report(outcome, inline)
        if outcome.ok:
            self._bring_forward(parse_line(self.session.entries[-1].text))  # cached: no second parse
        self.refresh_views()
        return outcome

    def action_step(self) -> None:
        s = self.session
        if not s.script:
            self.notify("No script is loaded: open one with ctrl+o, or type lines in the console (:)")
            return
        if s.at_end:
            self.say("The script has no more lines.")
            self._stop()
            return
        if self.quiz_mode is not None and self.quiz_mode.ask(self):
            return  # the step runs once the student has predicted its results
        outcome = s.step()
        self._report(outcome)
        nxt = s.next_statement()
        self._bring_forward(nxt if nxt is not None and not isinstance(nxt, Narration) else None)
        self.refresh_views()
        if self.quiz_mode is not None:
            self.quiz_mode.after_step(self)

    def action_play(self) -> None:
        if self.playing:
            self._stop()
        elif self.session.script and not self.session.at_end:
            self.playing = self.set_interval(SPEEDS[self.speed], self._tick)
        else:
            self.notify("Nothing to play: open a script first (ctrl+o).")
        self._update_title()

    def _tick(self) -> None:
        if self.session.at_end:
            self._stop()
            return
        try:
            self.action_step()
        except NoMatches:  # the app is closing and its widgets are going: playing is over
            self._stop()

    def _stop(self) -> None:
        if self.playing:
            self.playing.stop()
            self.playing = None
        self._update_title()

    def action_speed(self, delta: int) -> None:
        self.speed = max(0, min(len(SPEEDS) - 1, self.speed + delta))
        if self.playing:
            self.playing.stop()
            self.playing = self.set_interval(SPEEDS[self.speed], self._tick)
        self._update_title()

    def action_undo(self) -> None:
        if not self.session.undo():
            self.say("Nothing to undo.")
        self.refresh_views()

    def action_redo(self) -> None:
        outcome = self.session.redo()
        if outcome is None:
            self.say("Nothing to redo.")
        else:
            self._report(outcome)
        self.refresh_views()

    def action_console(self) -> None:
        self.main.query_one(Console).focus()

    def action_leave_console(self) -> None:
        if isinstance(self.focused, Input) and self.screen is self.main:
            self.main.query_one(ProcessTable).focus()

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

    def action_call(self) -> None:
        self.push_screen(CallPicker(), lambda call: self.open_form(call) if call else None)

    def action_quick(self, call: str) -> None:
        self.open_form(call)

    def action_spawn(self) -> None:
        taken = {p.name for p in self.session.kernel.procs.values()}
        suggestion = (
            next(n for n in ("A", "B", "C", "D", "E", "F", "G", "H") if n not in taken)
            if len(taken) < 8
            else ""
        )
        self.push_screen(
            Prompt("Spawn a process: NAME or NAME uid=N", suggestion, "A", spawn_check(self.session.kernel)),
            lambda value: self.submit(f"spawn {value}") if value else None,
        )

    def action_demos(self) -> None:
        self.push_screen(DemoPicker(), self.open_demo)

    def _unless_typed(self, then: Callable[[], None]) -> None:
        """Run `then` (which loads a script), first asking if that would throw away typed lines."""
        typed = self.session.typed
        if not typed:
            then()
            return
        lines = "line" if typed == 1 else "lines"
        question = f"Loading a script starts afresh: the {typed} {lines} you typed will be gone. Go on?"
        self.push_screen(Confirm(question, "Throw them away"), lambda yes: then() if yes else None)

    def open_demo(self, name: str | None) -> None:
        from ..demos import get

        demo = get(name) if name else None
        if demo is None:
            return
        self._unless_typed(lambda: self._open_demo(demo))

    def _open_demo(self, demo: Demo) -> None:
        self._stop()
        self._load(lambda: self.session.load(demo.text, f"{demo.name}.ipc"))
        self.main.query_one(TraceLog).reset()
        self.refresh_views()
        self.notify(f"{demo.name}: press space to step, u to undo", timeout=4)

    def action_quiz(self) -> None:
        """Quiz me: predict each line's result before it runs, from here on (a demo first, if
        no script is loaded)."""
        self.quiz_mode = QuizMode()
        if not self.session.script:
            self.action_demos()
        else:
            self.notify("Quiz: press space; predict each result before it appears.", timeout=4)
        self._update_title()

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_jump(self) -> None:
        s = self.session
        limit = max(s.steps, s.total or 0)

        def check(value: str) -> str | None:
            return None if value.isdigit() and int(value) <= limit else f"a step from 0 to {limit}"

        def done(value: str | None) -> None:
            if value:
                self.session.jump(int(value))
                self.refresh_views()
                last = next((t.text for t in reversed(s.trace) if t.kind != "narration"), "")
                where = f"at step {s.steps}" + (f" of {s.total}" if s.total else "")
                missed = "" if s.steps == int(value) else f" (step {value} cannot be reached)"
                self.say(f"Jumped: {where}{missed}" + (f"; the last line: {last}" if last else ""))

        self.push_screen(Prompt(f"Jump to step (0-{limit})", str(self.session.steps), "0", check), done)

    def action_open(self) -> None:
        if refused := self.limits.refuse_open():
            self.notify(refused, severity="warning", timeout=8)
            return

        def done(path: Path | None) -> None:
            if path is not None:
                self._stop()
                self._load(lambda: self.session.load_file(path))
                self.main.query_one(TraceLog).reset()
                self.refresh_views()

        self._unless_typed(lambda: self.push_screen(FilePicker("Open a script", Path.cwd()), done))

    def action_bench(self) -> None:
        if refused := self.limits.refuse_real("The bench"):
            self.notify(refused, severity="warning", timeout=8)
            return
        self.action_show_pane("bench")
        self.main.query_one(BenchPane).run()

    def action_explore(self) -> None:
        """Explore every schedule of the loaded script (or of the lines run so far)."""
        from ..explore import programs_of
        from ..script import Script, parse
        from .panes.explore import ExplorePane

        name = self.session.script_name or "session"
        if self.session.script:
            script = Script(name, list(self.session.script))
        else:
            script = parse(self.session.script_text(), name)
        progs = programs_of(script)
        if not progs.lines:
            self.notify("nothing to explore: load a script or run some calls first", severity="warning")
            return
        self.push_screen(ExplorePane(progs, name), self._open_trace)

    def _open_trace(self, trace: list[str] | None) -> None:
        """An outcome chosen in the explore pane: its trace becomes the session."""
        if not trace:
            return
        self._stop()
        self._load(lambda: self.session.load("\n".join(trace), "explored.ipc"))
        self.main.query_one(TraceLog).reset()
        self.refresh_views()
        self.notify("one schedule that reaches it: press space to step through", timeout=4)

    def show_compare(self) -> None:
        self.action_show_pane("compare")

    def action_check_real(self) -> None:
        if refused := self.limits.refuse_real("The check on the real kernel"):
            self.notify(refused, severity="warning", timeout=8)
            return
        if self.session.steps == 0:
            self.notify("nothing to check yet: run some lines first", severity="warning")
            return
        self.action_show_pane("real")
        self.main.query_one(RealPane).check(self.session.script_text(), self.session.script_name or "session")

    def action_save(self) -> None:
        default = Path(self.session.script_name or "session.ipc").stem + "-session.ipc"
        if self.limits.saves_to_browser:  # nothing is written on the server: the browser downloads it
            self.deliver_text(io.StringIO(self.session.script_text()), save_filename=default)
            steps = self.session.steps
            self.notify(f"{default}: {steps} step{'s' * (steps != 1)}, sent to your browser as a download")
            return

        def done(path: Path | None) -> None:
            if path is None:
                return
            try:
                self.session.save(path)
            except OSError as e:
                self.notify(f"cannot save {path}: {e.strerror or e}", severity="error")
                return
            self.notify(f"saved {self.session.steps} steps to {path}; `ipctui run {path}` replays them")

        self.push_screen(FilePicker("Save the session as", Path.cwd(), default, saving=True), done)

    def get_system_commands(self, screen: Screen) -> object:  # type: ignore[override]
        yield from super().get_system_commands(screen)
        yield SystemCommand("Step", "run the script's next line (space)", self.action_step)
        yield SystemCommand("Play / pause", "step through the script on a timer (p)", self.action_play)
        yield SystemCommand("Undo", "undo the last line (u)", self.action_undo)
        yield SystemCommand("Redo", "redo the line undone (U)", self.action_redo)
        yield SystemCommand("Jump to step", "replay up to a step (g)", self.action_jump)
        yield SystemCommand(
            "Spawn a process", "a new process with its own descriptors (n)", self.action_spawn
        )
        yield SystemCommand("Make a call", "pick any call and fill in its form (c)", self.action_call)
        yield SystemCommand("Open a script", "step through a script (ctrl+o)", self.action_open)
        yield SystemCommand("Open a demo", "a narrated demo to step through (d)", self.action_demos)
        yield SystemCommand(
            "Quiz me", "predict each line's result before it runs, then see it", self.action_quiz
        )
        from ..demos import all_demos

        for demo in all_demos():
            yield SystemCommand(f"Demo: {demo.name}", demo.title, lambda n=demo.name: self.open_demo(n))
        yield SystemCommand("Save the session", "as a script ipctui run replays (ctrl+s)", self.action_save)
        yield SystemCommand(
            "Run the benchmark", "measure this machine's real IPC, about 15 s (B)", self.action_bench
        )
        yield SystemCommand(
            "Explore every schedule",
            "every order of the script's lines: deadlocks, races (E)",
            self.action_explore,
        )
        yield SystemCommand("Compare the mechanisms", "what each is, and what it measured", self.show_compare)
        yield SystemCommand(
            "Check on the real kernel",
            "run the session's lines with real processes and compare (K)",
            self.action_check_real,
        )
        yield SystemCommand("Help", "keys and calls (?)", self.action_help)
        for theme in sorted(self.available_themes):  # found by name: "projector", "paper", ...
            yield SystemCommand(
                f"Theme: {theme}", "colour the playground", lambda t=theme: setattr(self, "theme", t)
            )
        for i, (pid, title, _) in enumerate(PANES):
            yield SystemCommand(
                f"Show {title}",
                f"the {title.lower()} pane ({PANE_KEYS[i]})",
                lambda p=pid: self.action_show_pane(p),
            )
