"""What the user can do: the key bindings, the actions that submit lines or load scripts, and
the command palette's commands. Mixed into PlaygroundApp (app.py), which holds the session and
draws it; the panes are brought forward by routing.py.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input

from ..script import Narration, parse_line
from ..session import Outcome, Session
from .dialogs.files import Confirm, FilePicker
from .dialogs.help import HelpScreen
from .dialogs.panes import PanePicker
from .dialogs.pickers import CallPicker, DemoPicker, Prompt, spawn_check
from .dialogs.quiz import QuizMode
from .panes.bench import BenchPane
from .panes.real import RealPane
from .routing import PANES, picker_entries
from .served import Limits
from .widgets.console import Console
from .widgets.process_table import ProcessTable
from .widgets.trace_log import TraceLog
from .wording import count, them

if TYPE_CHECKING:
    from ..demos import Demo
    from .screens import MainScreen

SPEEDS = [4.0, 2.0, 1.0, 0.5, 0.25, 0.1]  # seconds per step
QUICK_CALLS = {"f": "fork", "k": "kill", "w": "write", "r": "read", "x": "close"}

BINDINGS: list[BindingType] = [
    # the footer shows these in order and drops what does not fit: help and demos come early
    Binding("space", "step", "step"),
    Binding("question_mark", "help", "help"),
    Binding("d", "demos", "demos"),
    Binding("v", "pick_pane", "panes"),
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
    *[Binding(p.key, f"show_pane('{p.id}')", p.title, show=False) for p in PANES if p.key],
]


class Commands:
    """The actions (mixed into PlaygroundApp, an App: `self` has its methods too)."""

    session: Session
    main: MainScreen
    limits: Limits
    playing: Timer | None
    speed: int
    quiz_mode: QuizMode | None

    if TYPE_CHECKING:  # what the rest of PlaygroundApp provides

        def refresh_views(self) -> None: ...
        def say(self, message: str, severity: SeverityLevel = ..., timeout: float = ...) -> None: ...
        def _report(self, outcome: Outcome, inline: bool = False) -> None: ...
        def _load(self, load: Callable[[], object]) -> None: ...
        def _update_title(self) -> None: ...
        def open_form(self, call: str) -> None: ...
        def bring_forward(self, st: object) -> None: ...
        def action_show_pane(self, pane: str, draw: bool = True) -> None: ...
        @property
        def front_pane(self) -> str: ...

    def submit(self, line: str, inline: bool = False) -> Outcome:
        """Run one line in the session and show what it did."""
        outcome = self.session.submit(line)
        self._report(outcome, inline)
        if outcome.ok:
            self.bring_forward(parse_line(self.session.entries[-1].text))  # cached: no second parse
        self.refresh_views()
        return outcome

    def action_step(self) -> None:
        s = self.session
        if not s.script:
            self.notify("No script is loaded: open one with ctrl+o, or type lines in the console (:)")
            return
        if s.at_end:
            self.say("The script has no more lines.")
            self.stop_playing()
            return
        if self.quiz_mode is not None and self.quiz_mode.ask(self):
            return  # the step runs once the student has predicted its results
        outcome = s.step()
        self._report(outcome)
        nxt = s.next_statement()
        self.bring_forward(nxt if nxt is not None and not isinstance(nxt, Narration) else None)
        self.refresh_views()
        if self.quiz_mode is not None:
            self.quiz_mode.after_step(self)

    def action_play(self) -> None:
        if self.playing:
            self.stop_playing()
        elif self.session.script and not self.session.at_end:
            self.playing = self.set_interval(SPEEDS[self.speed], self._tick)
        else:
            self.notify("Nothing to play: open a script first (ctrl+o).")
        self._update_title()

    def _tick(self) -> None:
        if self.session.at_end:
            self.stop_playing()
            return
        try:
            self.action_step()
        except NoMatches:  # the app is closing and its widgets are going: playing is over
            self.stop_playing()

    def stop_playing(self) -> None:
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
        lines = count(typed, "line")
        question = f"Loading a script starts afresh: the {lines} you typed will be gone. Go on?"
        confirm = Confirm(question, f"Throw {them(typed)} away", f"Keep {them(typed)}")
        self.push_screen(confirm, lambda yes: then() if yes else None)

    def open_demo(self, name: str | None) -> None:
        from ..demos import get

        demo = get(name) if name else None
        if demo is None:
            return
        self._unless_typed(lambda: self._open_demo(demo))

    def _open_demo(self, demo: Demo) -> None:
        self.stop_playing()
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

    def action_pick_pane(self) -> None:
        """Every pane (more than ten digits' worth) and Explore, found by typing."""

        def done(pane: str | None) -> None:
            if pane == "explore":
                self.action_explore()
            elif pane is not None:
                self.action_show_pane(pane)

        self.push_screen(PanePicker(picker_entries(), self.front_pane), done)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.limits.offers))

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
                self.stop_playing()
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
        self.stop_playing()
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
        # beside the script it came from, not over it; a session without one is "session.ipc"
        name = self.session.script_name
        default = f"{Path(name).stem}-session.ipc" if name else "session.ipc"
        if self.limits.saves_to_browser:  # nothing is written on the server: the browser downloads it
            self.deliver_text(io.StringIO(self.session.script_text()), save_filename=default)
            self.notify(f"{default}: {count(self.session.steps, 'step')}, sent to your browser as a download")
            return

        def done(path: Path | None) -> None:
            if path is None:
                return
            if path.exists():  # never over a file without asking (a script may be the only copy)
                question = f"{path} exists. Save the session over it?"
                confirm = Confirm(question, "Replace it", "Keep it")
                self.push_screen(confirm, lambda yes: write(path) if yes else None)
                return
            write(path)

        def write(path: Path) -> None:
            try:
                self.session.save(path)
            except OSError as e:
                self.notify(f"cannot save {path}: {e.strerror or e}", severity="error")
                return
            steps = count(self.session.steps, "step")
            self.notify(f"saved {steps} to {path}; `ipctui run {path}` replays {them(self.session.steps)}")

        self.push_screen(FilePicker("Save the session as", Path.cwd(), default, saving=True), done)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A key reaches only what the session may do: in a served session neither the bench,
        nor the real-kernel check (without --allow-real), nor opening a file on the server."""
        if not self.limits.offers(action):
            return False
        return super().check_action(action, parameters)  # type: ignore[misc]

    def get_system_commands(self, screen: Screen) -> Iterator[SystemCommand]:
        """The palette: every action (those this session may do), demo, theme and pane."""
        from ..demos import all_demos

        offers = self.limits.offers
        yield from super().get_system_commands(screen)  # type: ignore[misc]
        yield SystemCommand("Step", "run the script's next line (space)", self.action_step)
        yield SystemCommand("Play / pause", "step through the script on a timer (p)", self.action_play)
        yield SystemCommand("Undo", "undo the last line (u)", self.action_undo)
        yield SystemCommand("Redo", "redo the line undone (U)", self.action_redo)
        yield SystemCommand("Jump to step", "replay up to a step (g)", self.action_jump)
        yield SystemCommand(
            "Spawn a process", "a new process with its own descriptors (n)", self.action_spawn
        )
        yield SystemCommand("Make a call", "pick any call and fill in its form (c)", self.action_call)
        if offers("open"):
            yield SystemCommand("Open a script", "step through a script (ctrl+o)", self.action_open)
        yield SystemCommand("Open a demo", "a narrated demo to step through (d)", self.action_demos)
        yield SystemCommand(
            "Quiz me", "predict each line's result before it runs, then see it", self.action_quiz
        )
        for demo in all_demos():
            yield SystemCommand(f"Demo: {demo.name}", demo.title, lambda n=demo.name: self.open_demo(n))
        if self.limits.saves_to_browser:
            yield SystemCommand(
                "Download the session", "a script ipctui run replays (ctrl+s)", self.action_save
            )
        else:
            yield SystemCommand(
                "Save the session", "as a script ipctui run replays (ctrl+s)", self.action_save
            )
        if offers("bench"):
            yield SystemCommand(
                "Run the benchmark", "measure this machine's real IPC, about 15 s (B)", self.action_bench
            )
        yield SystemCommand(
            "Explore every schedule",
            "every order of the script's lines: deadlocks, races (E)",
            self.action_explore,
        )
        yield SystemCommand("Compare the mechanisms", "what each is, and what it measured", self.show_compare)
        if offers("check_real"):
            yield SystemCommand(
                "Check on the real kernel",
                "run the session's lines with real processes and compare (K)",
                self.action_check_real,
            )
        yield SystemCommand(
            "Show a pane…", "every pane with its key, found by typing (v)", self.action_pick_pane
        )
        yield SystemCommand("Help", "keys and calls (?)", self.action_help)
        for theme in sorted(self.available_themes):  # found by name: "projector", "paper", ...
            yield SystemCommand(
                f"Theme: {theme}", "colour the playground", lambda t=theme: setattr(self, "theme", t)
            )
        for pane in PANES:
            key = f" ({pane.key})" if pane.key else ""
            show = lambda p=pane.id: self.action_show_pane(p)  # noqa: E731
            yield SystemCommand(f"Show {pane.title}", f"the {pane.title.lower()} pane{key}", show)
