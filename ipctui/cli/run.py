"""`ipctui run`, `ipctui diff` and `ipctui explore`: a script headless, on the simulated
kernel, the real one, both side by side, or under every schedule."""

from __future__ import annotations

import sys
from collections.abc import Callable

import click

from .common import (
    BLOCK_TIMEOUT,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_SCRIPT_ERROR,
    TIME_LIMIT_OPT,
    UNSANDBOXED_OPT,
    read_script,
    real_ends,
)


def run_command(
    path: str,
    fmt: str,
    real: bool = False,
    block_timeout: float = 0.3,
    unsandboxed: bool = False,
    time_limit: float = 60.0,
) -> int:
    """`ipctui run`: the trace on stdout, problems on stderr, the SPEC's exit status."""
    from ..engine import Kernel  # noqa: F401  (registers every call before parsing)
    from ..script import ExpectationFailed, ScriptError, parse, run_script

    name, text = read_script(path)
    out = sys.stdout
    buf: list[str] = []

    def write(line: str) -> None:
        buf.append(line)
        if len(buf) >= 512 or real:  # a real run is slow: show each line as it happens
            out.write("\n".join(buf) + "\n")
            buf.clear()

    status = EXIT_OK
    notes: list[str] = []
    try:
        script = parse(text, name)
        if real:
            from ..check.run import UNSANDBOXED, run_real

            if unsandboxed:
                notes.append(f"{name}: real run: {UNSANDBOXED}")
            kernel = run_real(script.statements, write, fmt, block_timeout, not unsandboxed, time_limit)
            if kernel.used_sockets:
                notes.append(f"{name}: real run: {kernel.note}")
            if kernel.skipped:
                notes.append(
                    f"{name}: {kernel.skipped} line(s) could not run on this machine and were not "
                    "checked (the '# cannot run here' lines say why)"
                )
        else:
            run_script(script.statements, write, fmt)
    except KeyboardInterrupt:
        status = EXIT_INTERRUPTED
        message = f"{name}: interrupted; every process and object the run made has been removed"
    except OSError as e:  # the machine refused the runner itself (fork, /dev/shm, ...)
        status = EXIT_SCRIPT_ERROR
        message = f"{name}:0: error: the real run could not go on: {e.strerror or e}"
    except real_ends() as e:  # no namespaces, a worker's malformed message, the time limit
        status = EXIT_SCRIPT_ERROR
        message = f"{name}:0: error: {e}"
    except ScriptError as e:
        status = EXIT_SCRIPT_ERROR
        message = f"{name}:{e.lineno}: error: {e.message}"
    except ExpectationFailed as e:
        status = EXIT_FAILED
        message = f"{name}:{e.lineno}: expected {e.expected}, got {e.got}"
    except RecursionError:
        status = EXIT_SCRIPT_ERROR
        message = f"{name}:0: error: the script nests too deeply"
    except Exception as e:  # a bug of the real runner: still no traceback, and cleaned up
        if not real:
            raise
        status = EXIT_SCRIPT_ERROR
        message = f"{name}:0: error: the real run failed ({type(e).__name__}: {e}); please report it"
    if buf:
        out.write("\n".join(buf) + "\n")
    out.flush()
    if status != EXIT_OK:
        click.echo(message, err=True)
    for note in notes:
        click.echo(note, err=True)
    return status


@click.command("run")
@click.argument("script", type=str)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: the strace-like trace; json: one JSON object per trace line.",
)
@click.option("--real", is_flag=True, help="Run it on this machine's kernel, with real processes.")
@BLOCK_TIMEOUT
@UNSANDBOXED_OPT
@TIME_LIMIT_OPT
def run_cmd(
    script: str, fmt: str, real: bool, block_timeout: float, unsandboxed: bool, time_limit: float
) -> None:
    """Run SCRIPT (`-` for standard input) on the simulated kernel and print its trace.

    With --real, every process of the script is a real process and every call is made for real;
    lines this machine cannot run (uid= without root, ...) are shown as "# cannot run here".
    The run is a sandbox (namespaces of its own) unless --unsandboxed.

    Exit status: 0 when every expectation held, 1 when one did not, 2 for a script error.
    """
    sys.exit(run_command(script, fmt, real, block_timeout, unsandboxed, time_limit))


@click.command("explore")
@click.argument("script", type=str)
@click.option("--check", is_flag=True, help="Compare the results written in the script (as `run` does).")
@click.option(
    "--max-schedules",
    type=click.IntRange(min=1),
    default=100_000,
    show_default=True,
    help="Stop after this many schedules (the report then says it is not exhaustive).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: a summary, then each outcome with a trace; json: one document.",
)
def explore_cmd(script: str, check: bool, max_schedules: int, fmt: str) -> None:
    """Run SCRIPT under every schedule of its processes' lines: deadlocks, failures, outcomes.

    Exit status: 0 when every outcome is complete, 1 when a deadlock or failure was found,
    2 for a script error.
    """
    from ..explore.run import explore_text

    name, text = read_script(script)
    if not sys.stderr.isatty():  # piped or in a test: the report alone
        sys.exit(explore_text(name, text, fmt, check, max_schedules, sys.stdout.write, _to_stderr))
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    # a search can take minutes: show how far it got, out of the --max-schedules bound
    with Progress(
        TextColumn("exploring"),
        BarColumn(bar_width=12),
        MofNCompleteColumn(),  # out of --max-schedules: the bound is in sight
        TextColumn("schedules, {task.fields[states]:,} states"),
        TimeElapsedColumn(),
        TextColumn("ctrl+c stops"),
        console=Console(stderr=True),
        transient=True,
        redirect_stdout=False,  # the report goes to stdout, never into the bar's console
        redirect_stderr=False,
    ) as bar:
        task = bar.add_task("explore", total=max_schedules, states=0)

        def progress(schedules: int, states: int) -> None:
            bar.update(task, completed=schedules, states=states)

        def done(write: Callable[[str], None]) -> Callable[[str], None]:
            def then(message: str) -> None:
                bar.stop()  # the bar goes before the report or the error is written
                write(message)

            return then

        status = explore_text(
            name, text, fmt, check, max_schedules, done(sys.stdout.write), done(_to_stderr), progress
        )
    sys.exit(status)


def _to_stderr(message: str) -> None:
    click.echo(message, err=True)


@click.command("diff")
@click.argument("script", type=str)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: side by side; json: both traces and the differences.",
)
@BLOCK_TIMEOUT
@UNSANDBOXED_OPT
@TIME_LIMIT_OPT
def diff_cmd(script: str, fmt: str, block_timeout: float, unsandboxed: bool, time_limit: float) -> None:
    """Run SCRIPT on the simulated kernel and on the real one, and show where they differ.

    Expectations in the script are not checked: the two runs are compared line by line, and a
    differing line is named with its reason when it is one of the simulation's deliberate
    departures. Exit status: 0 when they agree, 1 when they differ, 2 for a script error.
    """
    import json

    from ..check.diff import diff, render, to_json
    from ..engine import Kernel  # noqa: F401
    from ..script import ScriptError, parse

    name, text = read_script(script)
    try:
        statements = parse(text, name).statements
        if unsandboxed:
            from ..check.run import UNSANDBOXED

            click.echo(f"{name}: real run: {UNSANDBOXED}", err=True)
        result = diff(statements, block_timeout, not unsandboxed, time_limit)
    except ScriptError as e:
        click.echo(f"{name}:{e.lineno}: error: {e.message}", err=True)
        sys.exit(EXIT_SCRIPT_ERROR)
    except real_ends() as e:
        click.echo(f"{name}:0: error: {e}", err=True)
        sys.exit(EXIT_SCRIPT_ERROR)
    except KeyboardInterrupt:
        click.echo(f"{name}: interrupted; every process and object the run made has been removed", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except OSError as e:
        click.echo(f"{name}:0: error: the real run could not go on: {e.strerror or e}", err=True)
        sys.exit(EXIT_SCRIPT_ERROR)
    except Exception as e:  # a bug of the real runner: still no traceback, and cleaned up
        click.echo(
            f"{name}:0: error: the real run failed ({type(e).__name__}: {e}); please report it", err=True
        )
        sys.exit(EXIT_SCRIPT_ERROR)
    if fmt == "json":
        click.echo(json.dumps(to_json(result, name), ensure_ascii=False, indent=2))
    else:
        from rich.console import Console

        Console(soft_wrap=False).print(render(result, name))
    sys.exit(EXIT_OK if result.agree else EXIT_FAILED)
