"""TUI figures for the README. Run by hand: `python benchmarks/tui.py`.

- a step (the line run, the views updated and the screen drawn) with 50 processes and 200
  objects open, median of 50 steps;
- undo in a 10,000-line session (from the latest checkpoint: a copy restored, the lines since
  replayed, the screen updated);
- `ipctui --help` start-up;
- the panes' snapshots (engine/views.py) on the same session: making each, and comparing two
  equal ones (skipped on code from before the snapshots).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
os.environ["IPCTUI_CONFIG_DIR"] = tempfile.mkdtemp()


def big_session_script(switching: bool = True) -> str:
    """50 processes holding 200 objects: pipes, FIFOs, queues, segments, semaphores, sockets."""
    lines = ["spawn P0"]
    lines += [f'P0: fork("P{i}")' for i in range(1, 50)]
    for i in range(50):
        p = f"P{i}"
        lines += [
            f"{p}: pipe(capacity=64, page_size=8)",
            f'{p}: write(4, "data from {p}")',
            f'{p}: mq_open("/q{i}", O_CREAT|O_RDWR, maxmsg=4, msgsize=64)',
            f'{p}: mq_send(5, "job {i}", {i % 5})',
            f'{p}: shm_open("/m{i}", O_CREAT|O_RDWR)',
            f"{p}: ftruncate(6, 64)",
            f"{p}: mmap(6)",
            f'{p}: poke("/m{i}", 0, "segment {i}")',
            f"{p}: socket(AF_INET, SOCK_DGRAM)",
            f'{p}: bind(7, "127.0.0.1:{9000 + i}")',
        ]
    lines += [f'P{i}: signal(SIGUSR1, "h")' for i in range(50)]
    # the lines the benchmark steps through: traffic on pipe 1 and a signal, over and over
    for _ in range(60):
        third = "P1: kill(P2, SIGUSR1)" if switching else 'P0: write(4, "y")'
        lines += ['P0: write(4, "x")', "P0: read(3, 1)", third]
    return "\n".join(lines) + "\n"


async def bench_step(switching: bool) -> None:
    from ipctui.app import PlaygroundApp

    print("lines on pipes and signals, the front pane switching:" if switching else "lines on one pipe:")
    app = PlaygroundApp(
        script_text=big_session_script(switching), script_name="big.ipc", theme="ipctui-night"
    )
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        s = app.session
        setup = len(s.script) - 180
        s.jump(setup)
        app.refresh_views()
        await pilot.pause()
        objects = len(s.kernel.pipes) + len(s.kernel.mq_all) + len(s.kernel.shm_all) + len(s.kernel.sockets)
        print(f"session: {len(s.kernel.procs)} processes, {objects} objects, {len(s.trace)} trace lines")
        for pane in ("pipes", "queues", "memory", "sockets") if switching else ("pipes",):
            app.action_show_pane(pane)
            await pilot.pause()
            views, idle, cycle, cpu_idle, cpu_cycle = [], [], [], [], []
            for _ in range(50):
                c0, t0 = time.process_time(), time.perf_counter()
                await pilot.pause()  # the same wait with nothing to do: the baseline
                c1, t1 = time.process_time(), time.perf_counter()
                app.action_step()
                t2 = time.perf_counter()
                await pilot.pause()  # the app redraws what changed
                c3, t3 = time.process_time(), time.perf_counter()
                idle.append(t1 - t0)
                views.append(t2 - t1)
                cycle.append(t3 - t1)
                cpu_idle.append(c1 - c0)
                cpu_cycle.append(c3 - c1)
            extra = statistics.median(cycle) - statistics.median(idle)
            work = statistics.median(cpu_cycle) - statistics.median(cpu_idle)
            p90 = statistics.quantiles(cpu_cycle, n=10)[-1] - statistics.median(cpu_idle)
            print(
                f"{pane:<7} pane in front: line + views {statistics.median(views) * 1e3:4.1f} ms; "
                f"with the redraw {extra * 1e3:4.1f} ms wall, {work * 1e3:4.1f} ms CPU, "
                f"p90 {p90 * 1e3:4.1f} ms CPU (of 50, less the idle wait; the wall time includes "
                "waiting for Textual's next frame)"
            )
            s.jump(setup)


async def bench_undo() -> None:
    from ipctui.app import PlaygroundApp

    lines = ["spawn A", "A: pipe()", 'A: fork("B")']
    while len(lines) < 10_000:
        lines += ['A: write(4, "ping")', "B: read(3, 4)", "A: getpid()", "B: kill(A, 0)"]
    app = PlaygroundApp(theme="ipctui-night")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        for line in lines[:10_000]:
            app.session.submit(line)
        app.refresh_views()
        await pilot.pause()
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            app.action_undo()
            times.append(time.perf_counter() - t0)
            app.action_redo()
        print(f"undo in a 10,000-line session: {statistics.median(times) * 1e3:.0f} ms (median of 5)")


def bench_snapshots() -> None:
    try:
        from ipctui.engine import views
    except ImportError:  # code from before views as data
        print("snapshots: none in this version")
        return
    from ipctui.session import Session

    s = Session()
    s.load(big_session_script(), "big.ipc")
    s.jump(len(s.script) - 180)
    makers = (
        views.processes_view,
        views.pipes_view,
        views.queues_view,
        views.memory_view,
        views.sockets_view,
        views.signals_view,
    )
    for make in makers:
        made, compared = [], []
        for _ in range(50):
            t0 = time.perf_counter()
            one = make(s.kernel)
            t1 = time.perf_counter()
            two = make(s.kernel)
            t2 = time.perf_counter()
            assert one == two
            t3 = time.perf_counter()
            made += [t1 - t0, t2 - t1]
            compared.append(t3 - t2)
        print(
            f"snapshot {make.__name__:<15} made in {statistics.median(made) * 1e3:.2f} ms, "
            f"two equal ones compared in {statistics.median(compared) * 1e3:.3f} ms (medians of 100, 50)"
        )


def bench_help() -> None:
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "ipctui", "--help"], capture_output=True, check=True)
        runs.append(time.perf_counter() - t0)
    print(f"ipctui --help: {statistics.median(runs):.2f} s (median of 5, interpreter start included)")


if __name__ == "__main__":
    asyncio.run(bench_step(switching=False))
    asyncio.run(bench_step(switching=True))
    asyncio.run(bench_undo())
    bench_help()
    bench_snapshots()
