"""Opening and saving scripts: a file picker (a directory tree and a path field) and a yes/no
question before typed lines are thrown away."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DirectoryTree, Input, Label, Static

from .base import Dialog


class ScriptTree(DirectoryTree):
    """Folders and .ipc scripts only (hidden entries left out): what the playground opens."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if not p.name.startswith(".") and (p.is_dir() or p.suffix == ".ipc")]


class FilePicker(Dialog[Path | None]):
    """Pick a script to open, or where to save one: browse the tree (Enter on a file chooses it;
    on a folder, opens it) or type a path; Enter in the field accepts."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel")]
    DEFAULT_CSS = """
    FilePicker #tree { height: 14; max-height: 40vh; }  /* at 24 rows the buttons stay on screen */
    FilePicker #buttons { height: auto; }
    """

    def __init__(self, title: str, start: Path, name: str = "", saving: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.start = start if start.is_dir() else Path.cwd()
        self.name_text = name
        self.saving = saving

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="file-picker"):
            yield Label(f"[b]{self.title_text}[/b]  (Enter accepts · Tab moves · Escape cancels)")
            yield ScriptTree(self.start, id="tree")
            yield Input(str(self.start / self.name_text) if self.name_text else "", id="path")
            yield Static(id="problem")
            with Horizontal(id="buttons"):
                yield Button("Save" if self.saving else "Open", variant="primary", id="ok", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        (self.query_one("#path", Input) if self.saving else self.query_one(ScriptTree)).focus()

    def problem(self, value: str) -> str | None:
        """What is wrong with a path typed or chosen, or None."""
        if not value:
            return "choose a file in the tree or type its path"
        path = Path(value).expanduser()
        if self.saving:
            if path.is_dir():
                return f"{path} is a folder: add a file name"
            return None if path.parent.is_dir() else f"there is no folder {path.parent}"
        return None if path.is_file() else f"there is no file {path}"

    def accept(self, value: str) -> None:
        problem = self.problem(value.strip())
        if problem:
            self.query_one("#problem", Static).update(f"[$text-error]{problem}[/]")
            return
        self.finish(Path(value.strip()).expanduser())

    @on(DirectoryTree.FileSelected)
    def _file(self, event: DirectoryTree.FileSelected) -> None:
        self.query_one("#path", Input).value = str(event.path)
        if not self.saving:
            self.accept(str(event.path))

    @on(DirectoryTree.DirectorySelected)
    def _folder(self, event: DirectoryTree.DirectorySelected) -> None:
        field = self.query_one("#path", Input)
        field.value = str(event.path / (Path(field.value).name if self.saving and field.value else ""))

    @on(Input.Submitted, "#path")
    def _typed(self, event: Input.Submitted) -> None:
        self.accept(event.value)

    @on(Input.Changed, "#path")
    def _changed(self) -> None:
        self.query_one("#problem", Static).update("")

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self.accept(self.query_one("#path", Input).value)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.finish(None)


class Confirm(Dialog[bool]):
    """A yes/no question: y says yes; n, Escape or Enter (on the safe button, focused) says no."""

    DEFAULT_CSS = "Confirm #buttons { height: auto; margin-top: 1; }"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "yes"),
        Binding("n,escape", "answer(False)", "no"),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.question)
            with Horizontal(id="buttons"):
                yield Button(f"{self.yes} (y)", variant="warning", id="yes", compact=True)
                yield Button(f"{self.no} (n)", id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def action_answer(self, yes: bool) -> None:
        self.finish(yes)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.finish(event.button.id == "yes")
