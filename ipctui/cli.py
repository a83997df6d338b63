"""The `ipctui` command. Thin: it parses options and hands over to the script runner or the app."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__

EXIT_OK, EXIT_FAILED, EXIT_SCRIPT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130


def _read_script(path: str) -> tuple[str, str]:
    """(display name, text) of a script file or `-` for standard input; exits 2 when unreadable."""
    if path == "-":
        return "<stdin>", sys.stdin.read()
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        click.echo(f"{path}:0: error: cannot read the script: {e.strerror or e}", err=True)
        sys.exit(EXIT_SCRIPT_ERROR)
    try:
        return path, data.decode("utf-8")
    except UnicodeDecodeError as e:
        lineno = data[: e.start].count(b"\n") + 1
        click.echo(f"{path}:{lineno}: error: the script is not UTF-8 text", err=True)
        sys.exit(EXIT_SCRIPT_ERROR)


def run_command(
    path: str,
    fmt: str,
    real: bool = False,
    block_timeout: float = 0.3,
    unsandboxed: bool = False,
    time_limit: float = 60.0,
) -> int:
    """`ipctui run`: the trace on stdout, problems on stderr, the SPEC's exit status."""
    from .engine import Kernel  # noqa: F401  (registers every call before parsing)
    from .script import ExpectationFailed, ScriptError, parse, run_script

    name, text = _read_script(path)
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
            from .check.run import UNSANDBOXED, run_real

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
    except _real_ends() as e:  # no namespaces, a worker's malformed message, the time limit
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


class _RealEnd(Exception):
    """Stands for the real run's own ends (see `_real_ends`), so the simulation alone never
    imports the real runner."""


def _real_ends() -> tuple[type[Exception], ...]:
    try:
        from .real.kernel import RunBroken
        from .real.sandbox import SandboxRefused
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


class _ScriptOrCommand(click.Group):
    """`ipctui SCRIPT` opens a script, `ipctui COMMAND` runs a command: the first word decides."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        takes_value = {
            opt for p in self.params if isinstance(p, click.Option) and not p.is_flag for opt in p.opts
        }
        i = 0
        while i < len(args):
            arg = args[i]
            if arg == "--":
                break
            if arg.startswith("-"):
                i += 2 if arg in takes_value else 1
                continue
            if arg not in self.commands:
                ctx.meta["ipctui.script"] = arg
                args = args[:i] + args[i + 1 :]
            break
        return super().parse_args(ctx, args)


@click.group(
    cls=_ScriptOrCommand,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, "--version", prog_name="ipctui")
@click.option(
    "--theme", metavar="NAME", help="ipctui-night, ipctui-paper, ipctui-projector, or any Textual theme."
)
@click.pass_context
def main(ctx: click.Context, theme: str | None) -> None:
    """An IPC playground: simulated processes, pipes, queues, shared memory, semaphores and
    sockets, every call traced like strace.

    \b
    ipctui               the playground, an empty session
    ipctui SCRIPT        the playground with SCRIPT loaded, to step through
    ipctui run SCRIPT    run SCRIPT headless and print its trace
    ipctui diff SCRIPT   run SCRIPT on the simulated and the real kernel, side by side
    ipctui serve         the playground in web browsers, a session per tab
    """
    if ctx.invoked_subcommand is not None:
        return
    script = ctx.meta.get("ipctui.script")
    if script is not None and not Path(script).is_file():
        click.echo(f"{script}:0: error: no such script file", err=True)
        ctx.exit(EXIT_SCRIPT_ERROR)
    from .app import make_app  # Textual is imported only when the app opens

    make_app(script=script, theme=theme).run()


@main.command("run")
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


@main.command("explore")
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
    from .explore.run import explore_text

    name, text = _read_script(script)
    sys.exit(
        explore_text(
            name,
            text,
            fmt,
            check,
            max_schedules,
            lambda s: sys.stdout.write(s),
            lambda s: click.echo(s, err=True),
        )
    )


@main.command("diff")
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

    from .check.diff import diff, render, to_json
    from .engine import Kernel  # noqa: F401
    from .script import ScriptError, parse

    name, text = _read_script(script)
    try:
        statements = parse(text, name).statements
        if unsandboxed:
            from .check.run import UNSANDBOXED

            click.echo(f"{name}: real run: {UNSANDBOXED}", err=True)
        result = diff(statements, block_timeout, not unsandboxed, time_limit)
    except ScriptError as e:
        click.echo(f"{name}:{e.lineno}: error: {e.message}", err=True)
        sys.exit(EXIT_SCRIPT_ERROR)
    except _real_ends() as e:
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


@main.command("demos")
def demos_cmd() -> None:
    """List the built-in demos."""
    from .demos import all_demos

    demos = all_demos()
    width = max(len(d.name) for d in demos)
    for d in demos:
        click.echo(f"{d.name:<{width}}  {d.title}")
    click.echo("\nOpen one with `ipctui demo NAME`; print its script with `ipctui demo NAME --print`.")


@main.command("demo")
@click.argument("name")
@click.option("--print", "print_", is_flag=True, help="Print the demo's script instead of opening it.")
@click.option(
    "--quiz", is_flag=True, help="Predict each line's result (a value, an errno or blocks) before it shows."
)
@click.pass_context
def demo_cmd(ctx: click.Context, name: str, print_: bool, quiz: bool) -> None:
    """Open demo NAME in the playground, ready to step through with space."""
    from .demos import ORDER, get

    demo = get(name)
    if demo is None:
        click.echo(f"no demo named {name!r}; the demos are: {', '.join(ORDER)}", err=True)
        ctx.exit(EXIT_SCRIPT_ERROR)
    assert demo is not None
    if print_:
        click.echo(demo.text, nl=False)
        return
    from .app import PlaygroundApp

    theme = ctx.parent.params.get("theme") if ctx.parent else None
    PlaygroundApp(script_text=demo.text, script_name=f"{demo.name}.ipc", theme=theme, quiz=quiz).run()


@main.command("bench")
@click.option(
    "--mechanisms",
    default="all",
    show_default=True,
    help="Comma-separated: pipe, fifo, unix-stream, socketpair, unix-dgram, tcp, udp, shm-sem,"
    " shm-spin, posix-mq, sysv-msg, mp-queue.",
)
@click.option(
    "--sizes", default="64,1k,64k,1m", show_default=True, help="Message sizes: 64, 1k, 64k, 1m or bytes."
)
@click.option(
    "--cpus",
    type=click.Choice(["same", "split", "auto"]),
    default="same",
    show_default=True,
    help="same: both processes on one CPU; split: one CPU each; auto: leave it to the scheduler.",
)
@click.option("--quick", is_flag=True, help="Every mechanism at 64 B and 64 KiB, with fewer rounds.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "jsonl"]),
    default="text",
    show_default=True,
    help="text: a table; json: one document; jsonl: a line as each measurement ends (for programs"
    " that show progress), then the whole document.",
)
@click.option(
    "--compare",
    "old_file",
    type=click.Path(exists=True, dir_okay=False),
    metavar="OLD.json",
    help="Show each result beside the same one in an earlier run's JSON.",
)
@click.pass_context
def bench_cmd(
    ctx: click.Context, mechanisms: str, sizes: str, cpus: str, quick: bool, fmt: str, old_file: str | None
) -> None:
    """Measure real IPC between two real processes on this machine: round-trip latency
    (percentiles of every round trip) and one-way throughput, mechanism by mechanism."""
    import json

    old = None
    if old_file is not None:
        try:
            old = json.loads(Path(old_file).read_text())
            if not isinstance(old, dict) or not isinstance(old.get("results"), list):
                raise ValueError("not an ipctui bench document (no results)")
        except (OSError, ValueError) as e:
            raise click.BadParameter(f"{old_file}: {e}", param_hint="--compare") from None

    from .bench.report import LINKS, QUICK_SIZES, environment_text, parse_size, run, save, table

    names = list(LINKS) if mechanisms == "all" else [m.strip() for m in mechanisms.split(",") if m.strip()]
    unknown = [m for m in names if m not in LINKS]
    if unknown:
        raise click.BadParameter(
            f"unknown: {', '.join(unknown)}; choose from {', '.join(LINKS)}", param_hint="--mechanisms"
        )
    try:
        size_list = QUICK_SIZES if quick else [parse_size(x) for x in sizes.split(",") if x.strip()]
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--sizes") from None
    try:
        if fmt == "json":
            doc = run(names, size_list, cpus, quick)
            if old is not None:
                doc["compared_with"] = old_file
            click.echo(json.dumps(doc, indent=2))
        elif fmt == "jsonl":
            total = len(names) * len(size_list)
            done = 0

            def line(result: dict) -> None:
                nonlocal done
                done += 1
                click.echo(json.dumps({"done": done, "total": total, "result": result}))

            click.echo(json.dumps({"done": 0, "total": total}))
            doc = run(names, size_list, cpus, quick, on_result=line)
            click.echo(json.dumps({"done": total, "total": total, "document": doc}))
        else:
            from rich.console import Console
            from rich.progress import Progress

            console = Console()
            with Progress(console=console, transient=True) as progress:
                task = progress.add_task("measuring", total=len(names) * len(size_list))

                def tell(done: int, total: int, label: str) -> None:
                    progress.update(task, completed=done, description=f"measuring {label}")

                doc = run(names, size_list, cpus, quick, tell)
            console.print(environment_text(doc))
            console.print(table(doc))
            if old is not None:
                from .bench.compare import versus

                console.print(versus(doc, old))
    except KeyboardInterrupt:  # each measurement has already killed its child and removed its files
        click.echo("interrupted: nothing is left behind", err=True)
        ctx.exit(130)
    path = save(doc)
    if fmt == "text" and path is not None:
        click.echo(f"saved to {path}")


@main.command("compare")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def compare_cmd(fmt: str) -> None:
    """The IPC mechanisms side by side: whether they block, how much this kernel lets them hold,
    whether they keep message boundaries, which processes they join, whether they cross
    machines, and what the last `ipctui bench` measured."""
    import json

    from .bench.compare import facts, facts_table
    from .bench.report import cache_file

    try:
        doc = json.loads(cache_file().read_text())
    except (OSError, ValueError):
        doc = None
    rows = facts(doc)
    if fmt == "json":
        click.echo(
            json.dumps({"mechanisms": rows, "measured": doc.get("finished") if doc else None}, indent=2)
        )
        return
    from rich.console import Console

    Console().print(facts_table(rows, doc))


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--demo", metavar="NAME", help="Each tab opens with demo NAME loaded (tour, pipe, ...).")
@click.option(
    "--allow-real",
    is_flag=True,
    help="Let browser sessions run the bench and the real-kernel check (real processes on this machine).",
)
@click.pass_context
def serve_cmd(ctx: click.Context, host: str, port: int, demo: str | None, allow_real: bool) -> None:
    """Serve the playground to web browsers: each tab its own session.

    Opening files is off in a browser session and saving hands the script to the browser as a
    download: nothing on this machine is read or written. The bench and the real-kernel check
    are off unless --allow-real.
    """
    from .serve import ServeOptions, is_loopback, port_problem, serve

    if demo is not None:
        from .demos import ORDER, get

        if get(demo) is None:
            raise click.BadParameter(
                f"no demo named {demo!r}; the demos are: {', '.join(ORDER)}", param_hint="--demo"
            )
    if problem := port_problem(host, port):
        raise click.ClickException(problem)
    if not is_loopback(host):
        click.echo(f"warning: serving on {host}: anyone who can reach it can use the playground", err=True)
    theme = ctx.parent.params.get("theme") if ctx.parent else None
    serve(ServeOptions(host=host, port=port, demo=demo, allow_real=allow_real, theme=theme))
