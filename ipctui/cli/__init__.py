"""The `ipctui` command. Thin: it parses options and hands over to the script runner or the app.
The group is here; its commands live by subject in run (run, diff, explore), bench (bench,
compare) and demo (demos, demo, serve)."""

from __future__ import annotations

from pathlib import Path

import click

from .. import __version__
from .bench import bench_cmd, compare_cmd
from .common import EXIT_SCRIPT_ERROR
from .demo import demo_cmd, demos_cmd, serve_cmd
from .run import diff_cmd, explore_cmd, run_cmd


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
    "--theme",
    metavar="NAME",
    help="ipctui-night, ipctui-paper, ipctui-projector, or one of yours in ~/.config/ipctui/themes.",
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
    from ..app import make_app  # Textual is imported only when the app opens

    make_app(script=script, theme=theme).run()


for _command in (run_cmd, explore_cmd, diff_cmd, demos_cmd, demo_cmd, bench_cmd, compare_cmd, serve_cmd):
    main.add_command(_command)
