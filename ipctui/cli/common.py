"""What the commands share: the exit statuses, reading a script file, the real run's options
and the exceptions that end a real run."""

from __future__ import annotations

import sys
from pathlib import Path

import click

EXIT_OK, EXIT_FAILED, EXIT_SCRIPT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130


def read_script(path: str) -> tuple[str, str]:
    """(display name, text) of a script file or `-` for standard input; exits 2 when unreadable."""
    if path == "-":
        return "<stdin>", sys.stdin.read()
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        # no line to point at: the file itself is the problem (FILE:0 would read as a line)
        click.echo(f"error: cannot read {path}: {e.strerror or e}", err=True)
        sys.exit(EXIT_SCRIPT_ERROR)
    try:
        return path, data.decode("utf-8")
    except UnicodeDecodeError as e:
        lineno = data[: e.start].count(b"\n") + 1
        click.echo(f"{path}:{lineno}: error: the script is not UTF-8 text", err=True)
        sys.exit(EXIT_SCRIPT_ERROR)


class _RealEnd(Exception):
    """Stands for the real run's own ends (see `real_ends`), so the simulation alone never
    imports the real runner."""


def real_ends() -> tuple[type[Exception], ...]:
    try:
        from ..real.kernel import RunBroken
        from ..real.sandbox import SandboxRefused
    except ImportError:  # pragma: no cover - not Linux
        return (_RealEnd,)
    return (_RealEnd, RunBroken, SandboxRefused)


UNSANDBOXED_OPT = click.option(
    "--unsandboxed",
    is_flag=True,
    help="With a real run: make no namespaces for it (trusted scripts only: it can reach this machine).",
)
TIME_LIMIT_OPT = click.option(
    "--time-limit",
    type=click.FloatRange(0.1, 86400),
    default=60.0,
    show_default=True,
    metavar="SECONDS",
    help="With a real run: the most the whole run may take.",
)

BLOCK_TIMEOUT = click.option(
    "--block-timeout",
    type=click.FloatRange(0.01, 60),
    default=0.3,
    show_default=True,
    metavar="SECONDS",
    help="With a real run: how long a call may take before it is shown as <unfinished ...>.",
)
