"""Run script text in-process and get its trace, for tests."""

from __future__ import annotations

import textwrap

from ipctui.script import ExpectationFailed, ScriptError, parse, run_script


def trace(text: str, fmt: str = "text") -> list[str]:
    """The trace of a script (dedented); expectations in it must hold."""
    lines: list[str] = []
    run_script(parse(textwrap.dedent(text), "t.ipc").statements, lines.append, fmt)
    return lines


def check(text: str) -> None:
    """Run a script written with its results: the trace must be the script itself."""
    body = textwrap.dedent(text)
    got = trace(body)
    want = [ln.strip() for ln in body.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    assert got == want


def outcome(text: str) -> str:
    """'ok', or the failure as the CLI would print it (without the file name)."""
    try:
        trace(text)
    except ScriptError as e:
        return f"{e.lineno}: error: {e.message}"
    except ExpectationFailed as e:
        return f"{e.lineno}: expected {e.expected}, got {e.got}"
    return "ok"


def result(text: str) -> str:
    """The result part of the last trace line (after ' = '), for one-off checks."""
    last = trace(text)[-1]
    return last.split(" = ", 1)[1] if " = " in last else last
