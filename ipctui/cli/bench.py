"""`ipctui bench` and `ipctui compare`: real IPC measured on this machine, and the mechanisms
side by side."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("bench")
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

    from ..bench.report import LINKS, QUICK_SIZES, environment_text, parse_size, run, save, table

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
                from ..bench.compare import versus

                console.print(versus(doc, old))
    except KeyboardInterrupt:  # each measurement has already killed its child and removed its files
        click.echo("interrupted: nothing is left behind", err=True)
        ctx.exit(130)
    path = save(doc)
    if fmt == "text" and path is not None:
        click.echo(f"saved to {path}")


@click.command("compare")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def compare_cmd(fmt: str) -> None:
    """The IPC mechanisms side by side: whether they block, how much this kernel lets them hold,
    whether they keep message boundaries, which processes they join, whether they cross
    machines, and what the last `ipctui bench` measured."""
    import json

    from ..bench.compare import facts, facts_table
    from ..bench.report import cache_file

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
