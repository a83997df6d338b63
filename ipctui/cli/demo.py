"""`ipctui demos`, `ipctui demo` and `ipctui serve`: the built-in demos in the playground, and
the playground served to web browsers."""

from __future__ import annotations

import click

from .common import EXIT_SCRIPT_ERROR


@click.command("demos")
def demos_cmd() -> None:
    """List the built-in demos."""
    _list_demos(err=False)


def _list_demos(err: bool) -> None:
    from ..demos import all_demos

    demos = all_demos()
    width = max(len(d.name) for d in demos)
    for d in demos:
        click.echo(f"{d.name:<{width}}  {d.title}", err=err)
    hint = "Open one with `ipctui demo NAME`; print its script with `ipctui demo NAME --print`."
    click.echo("\n" + hint, err=err)


@click.command("demo")
@click.argument("name", required=False)
@click.option("--print", "print_", is_flag=True, help="Print the demo's script instead of opening it.")
@click.option(
    "--quiz", is_flag=True, help="Predict each line's result (a value, an errno or blocks) before it shows."
)
@click.pass_context
def demo_cmd(ctx: click.Context, name: str | None, print_: bool, quiz: bool) -> None:
    """Open demo NAME in the playground, ready to step through with space."""
    from ..demos import ORDER, get

    if name is None:  # which one? the list, as `ipctui demos` gives it
        click.echo("ipctui demo NAME: which demo? These are built in:\n", err=True)
        _list_demos(err=True)
        ctx.exit(EXIT_SCRIPT_ERROR)
    if print_ and quiz:  # a quiz needs the playground; printing would silently drop it
        raise click.UsageError("--quiz opens the playground and --print only prints: use one of them", ctx)
    demo = get(name)
    if demo is None:
        click.echo(f"no demo named {name!r}; the demos are: {', '.join(ORDER)}", err=True)
        ctx.exit(EXIT_SCRIPT_ERROR)
    assert demo is not None
    if print_:
        click.echo(demo.text, nl=False)
        return
    from ..app import PlaygroundApp

    theme = ctx.parent.params.get("theme") if ctx.parent else None
    PlaygroundApp(script_text=demo.text, script_name=f"{demo.name}.ipc", theme=theme, quiz=quiz).run()


@click.command("serve")
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
    from ..serve import ServeOptions, is_loopback, port_problem, serve

    if demo is not None:
        from ..demos import ORDER, get

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
