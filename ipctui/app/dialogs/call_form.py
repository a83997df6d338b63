"""A form for one call, built from its signature: prefilled, validated as you type, and showing
the exact script line it will run. It returns that line (every action is a line)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static

from ...engine import SYSCALLS, UsageError
from ...engine.syscalls import KINDS
from ...script import ScriptError, parse_line
from ...script.values import quote
from ...session import Session
from .base import Dialog

EXAMPLES = {
    "int": "100",
    "fd": "3",
    "bytes": "hello",
    "str": "/tmp/f",
    "flags": "O_RDWR|O_CREAT",
    "sig": "SIGUSR1",
    "proc": "B",
    "name": "child",
    "handler": "SIG_IGN, SIG_DFL or a handler name",
    "siglist": "[SIGUSR1, SIGUSR2]",
    "const": "SIG_BLOCK",
    "semops": "[[0, -1, SEM_UNDO]]",
    "semarg": "1, or [1, 0] for SETALL",
    "seg": "/buf, or a shmid such as 0",
}
QUOTED = {"bytes", "str", "name"}
# A script needs quotes around text; the form adds them, so it asks for the text alone.
FORM_KINDS = {
    **KINDS,
    "bytes": "text, typed without quotes (the form adds them)",
    "str": "text, typed without quotes (the form adds them)",
    "name": "a process name, typed without quotes (the form adds them)",
    "handler": "SIG_DFL, SIG_IGN or a handler name, without quotes",
}


def field_text(kind: str, raw: str) -> str:
    """A form field as script syntax: text kinds are quoted for you unless already in quotes."""
    raw = raw.strip()
    if kind in QUOTED and not raw.startswith('"'):
        return quote(raw.encode("utf-8"))
    if kind == "seg" and raw and not raw.lstrip("-").isdigit() and not raw.startswith('"'):
        return quote(raw.encode("utf-8"))  # a POSIX segment's name; a number is a System V shmid
    if kind == "handler" and raw not in ("SIG_DFL", "SIG_IGN") and not raw.startswith('"'):
        return quote(raw.encode("utf-8"))
    return raw


class CallForm(Dialog[str | None]):
    """Fill in a call's arguments; Enter runs it, Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel")]

    def __init__(
        self, session: Session, call: str, proc: str | None, prefill: dict[str, str] | None = None
    ) -> None:
        super().__init__()
        self.session = session
        self.spec = SYSCALLS[call]
        self.proc = proc
        self.prefill = prefill or {}
        self.line: str | None = None

    def compose(self) -> ComposeResult:
        spec = self.spec
        procs = [p.name for p in self.session.kernel.procs.values() if p.alive]
        with Vertical(id="dialog"):
            yield Label(f"[b]{spec.usage()}[/b]  {spec.summary}", id="title")
            with VerticalScroll(id="fields"):
                yield Label("process making the call")
                yield Select(
                    [(n, n) for n in procs],
                    value=self.proc if self.proc in procs else (procs[0] if procs else Select.NULL),
                    allow_blank=not procs,
                    id="proc",
                )
                for p in spec.params:
                    yield Label(f"{p.name}: {FORM_KINDS[p.kind]}" + (" (optional)" if p.optional else ""))
                    yield Input(
                        self.prefill.get(p.name, ""), placeholder=EXAMPLES[p.kind], id=f"arg-{p.name}"
                    )
                for name, kind in spec.keywords.items():
                    yield Label(f"{name}= (optional): {FORM_KINDS[kind]}")
                    yield Input(
                        self.prefill.get(name, ""), placeholder="leave empty for the default", id=f"kw-{name}"
                    )
            yield Static(id="preview")
            yield Static(id="problem")
            with Horizontal(id="buttons"):
                yield Button("Run", variant="primary", id="run", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.validate()
        inputs = self.query(Input)
        if inputs:
            first_empty = next((i for i in inputs if not i.value), inputs.first())
            first_empty.focus()

    def build(self) -> str:
        proc = self.query_one("#proc", Select).value
        who = proc if isinstance(proc, str) else "?"
        args: list[str] = []
        for p in self.spec.params:
            raw = self.query_one(f"#arg-{p.name}", Input).value
            if not raw.strip():
                if p.optional:
                    break
                args.append("")
                continue
            args.append(field_text(p.kind, raw))
        for name, kind in self.spec.keywords.items():
            raw = self.query_one(f"#kw-{name}", Input).value
            if raw.strip():
                args.append(f"{name}={field_text(kind, raw)}")
        return f"{who}: {self.spec.name}({', '.join(args)})"

    def validate(self) -> bool:
        line = self.build()
        self.query_one("#preview", Static).update(f"will run:  [b]{line}[/b]")
        problem = self.query_one("#problem", Static)
        try:
            if line.startswith("?:"):
                raise ScriptError("there is no process to make the call: spawn one first")
            if any(
                not self.query_one(f"#arg-{p.name}", Input).value.strip()
                for p in self.spec.params
                if not p.optional
            ):
                missing = [p.name for p in self.spec.params if not p.optional]
                raise ScriptError(f"fill in {', '.join(missing)}")
            parse_line(line)
            self.session.kernel.runnable(line.split(":", 1)[0])
        except (ScriptError, UsageError) as e:
            problem.update(f"[$text-error]{getattr(e, 'message', None) or e}[/]")
            self.query_one("#run", Button).disabled = True
            self.line = None
            return False
        problem.update("")
        self.query_one("#run", Button).disabled = False
        self.line = line
        return True

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self.validate()

    @on(Input.Submitted)
    @on(Button.Pressed, "#run")
    def _run(self) -> None:
        if self.validate():
            self.finish(self.line)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.finish(None)
